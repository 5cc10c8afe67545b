/** The watch's wiring refuses what it cannot work with, saying what to set. */
import { datacenterWatchFor } from '../../../src/main/datacenter-watch.js';
import { templateService } from '../../../lab/watch-on-lab.js';

const wiring = {
  metrics: { instant: async () => [], range: async () => [] },
  stateDir: '/tmp/zeroops-watch-wiring',
  autonomy: 'auto' as const,
  confirmed: () => [],
  record: () => undefined,
};

describe('the datacenter watch wiring', () => {
  it('needs the HAProxy admin socket of the config', () => {
    expect(() => datacenterWatchFor(templateService(), { ...wiring, haproxySocket: '' })).toThrow(
      'the datacenter watch of checkout moves traffic through HAProxy: ' +
        'set providers.haproxy.socket in .zeroops/config.yaml',
    );
  });

  it('needs a latency metric with a per-instance series', () => {
    const service = templateService();
    const metrics = Object.fromEntries(
      Object.entries(service.spec.metrics ?? {}).filter(([name]) => !name.startsWith('latency')),
    );
    expect(() =>
      datacenterWatchFor(
        { ...service, spec: { ...service.spec, metrics } },
        { ...wiring, haproxySocket: '/run/h.sock' },
      ),
    ).toThrow("service 'checkout' has no latency metric with a per-instance series");
  });
});
