/** The watch's settings from a service's failover section: defaults, durations and shares. */
import { watchSettingsOf } from '../../../src/failover/watch-settings.js';
import { defaultTiming } from '../../../src/failover/watch-machine.js';
import type { Service } from '../../../src/manifest/model.js';

const service = (failover?: Service['spec']['failover']): Service =>
  ({
    apiVersion: 'zeroops.dev/v1',
    kind: 'Service',
    metadata: { name: 'checkout' },
    spec: {
      owners: ['carol'],
      environments: ['production'],
      datacenters: [{ name: 'dc-a' }, { name: 'dc-b' }],
      failover,
    },
  }) as Service;

describe('the datacenter watch settings', () => {
  it('are the defaults where the section says nothing', () => {
    const settings = watchSettingsOf(service());
    expect(settings).toMatchObject({ everyMs: 5000, window: '15s', probePath: '/' });
    expect(settings.timing).toEqual(defaultTiming);
    expect(settings.capacity).toEqual({ capacityRps: {}, headroom: 1, maxUtilisation: 0.8 });
  });

  it('read durations, percentages and capacities as written', () => {
    const settings = watchSettingsOf(
      service({
        every: '2s',
        enterAfter: '20s',
        recoveryDwell: '2m',
        stepHold: '1m',
        warmUp: ['10%', 50, '100%'],
        capacity: { 'dc-a': 400 },
        headroom: '50%',
        maxUtilisation: '70%',
        probePath: '/healthz',
      }),
    );
    expect(settings.everyMs).toBe(2000);
    expect(settings.timing).toMatchObject({
      enterAfterMs: 20_000,
      recoveryDwellMs: 120_000,
      warmStepHoldMs: 60_000,
      warmSteps: [0.1, 0.5, 1],
      maxRecoveryDwellMs: 16 * 60_000,
    });
    expect(settings.capacity).toEqual({ capacityRps: { 'dc-a': 400 }, headroom: 0.5, maxUtilisation: 0.7 });
    expect(settings.probePath).toBe('/healthz');
  });
});
