/** One scrape of a service's datacenters from its per-instance series, grouped by datacenter. */
import { readTick, tickQueries } from '../../../src/app/datacenter-tick.js';
import { loadDocuments } from '../../../src/manifest/load.js';
import type { MetricsSource, Sample } from '../../../src/observe/metrics-source.js';

const service = loadDocuments([
  {
    path: 'services/checkout.yaml',
    text: `apiVersion: zeroops.dev/v1
kind: Service
metadata: { name: checkout }
spec:
  owners: [alice]
  environments: [production]
  datacenters: [{ name: dc-a }, { name: dc-b }]
  labels: { datacenter: dc, instance: instance_name }
  metrics:
    latency_p95: { query: 'q95', series: 'p95 by instance [$window]', unit: seconds }
    latency_p99: { query: 'q99', series: 'p99 by instance [$window]', unit: seconds }
    error_rate: { query: 'e', series: 'errors by instance [$window]', unit: ratio }
    requests: { query: 'r', series: 'rps by instance [$window]', unit: per-second }
    timeout_ratio: { query: 't', series: 'timeouts by instance [$window]', unit: ratio }
  failover: { timeouts: timeout_ratio }
`,
  },
]).services[0]!.manifest;

const at = (dc: string, instance: string, value: number): Sample => ({
  labels: { dc, instance_name: instance },
  value,
});
const answers: Record<string, Sample[]> = {
  'p99 by instance [15s]': [at('dc-a', 'a1', 0.1), at('dc-a', 'a2', 0.8), at('dc-b', 'b1', NaN)],
  'errors by instance [15s]': [at('dc-a', 'a1', 0), at('dc-a', 'a2', 0.3)],
  'rps by instance [15s]': [at('dc-a', 'a1', 30), at('dc-a', 'a2', 10)],
  'timeouts by instance [15s]': [at('dc-a', 'a1', 0.1), at('dc-a', 'a2', 0.5)],
};
const source: MetricsSource = {
  instant: async (query) => answers[query] ?? [],
  range: async () => [],
};

describe('a scrape of the datacenters', () => {
  it('reads the p99 series (before p95) and the others with the window filled in', () => {
    expect(tickQueries(service, '15s')).toEqual({
      latency: 'p99 by instance [15s]',
      errors: 'errors by instance [15s]',
      traffic: 'rps by instance [15s]',
      timeouts: 'timeouts by instance [15s]',
      latencyScale: 1000,
    });
  });

  it('gives each datacenter its slowest instance’s p99 and its traffic-weighted errors and timeouts', async () => {
    const tick = await readTick(source, service, tickQueries(service, '15s')!, 1000);
    const [a, b] = tick.samples;
    expect(a).toMatchObject({ dc: 'dc-a', p99Ms: 800, rps: 40 });
    expect(a!.errorRatio).toBeCloseTo((0 * 30 + 0.3 * 10) / 40, 6);
    expect(a!.timeoutRatio).toBeCloseTo((0.1 * 30 + 0.5 * 10) / 40, 6);
    expect(a!.instances.map((i) => [i.name, i.p99Ms])).toEqual([
      ['a1', 100],
      ['a2', 800],
    ]);
    // A datacenter without a measurable instance is unmeasured, never "fast".
    expect(b!.p99Ms).toBeNaN();
    expect(Object.keys(tick.queries)).toEqual(['latency', 'errors', 'timeouts']);
  });
});
