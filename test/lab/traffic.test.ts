/**
 * The lab behaves like production: HAProxy's runtime API moves real traffic, and a fault switched
 * on in one instance shows in Prometheus within seconds.
 */
import { jest } from '@jest/globals';
import { startLab, type Lab } from '../../lab/lab.js';
import { setFaults } from '../../lab/components/sample-service.js';
import { eventually } from '../support/lab.js';

jest.setTimeout(120_000);

let lab: Lab;
beforeAll(async () => {
  lab = await startLab({ components: ['prometheus', 'load'], loadRate: 100, canaryVersion: 'v1.1.0' });
});
afterAll(() => lab?.stop());

const value = async (promql: string) => (await lab.prometheus!.query(promql))[0]?.value ?? NaN;

describe('lab traffic', () => {
  it('sends no traffic to dc-a once its weight is 0 on the admin socket', async () => {
    expect((await lab.load!.next(100)).byDc['dc-a']).toBeGreaterThan(10);
    expect(await lab.haproxy!.command('set weight checkout_stable/dc-a 0')).toBe('\n');
    const after = await lab.load!.next(150);
    expect(after.byDc['dc-a']).toBeUndefined();
    expect(after.byStatus).toEqual({ 200: after.total });
    await lab.haproxy!.command('set weight checkout_stable/dc-a 100');
  });

  it('routes a chosen audience to the canary pool through the runtime map', async () => {
    expect((await lab.load!.next(100)).byVersion['v1.1.0']).toBeUndefined();
    await lab.haproxy!.command(`add map ${lab.haproxy!.canaryMapPath} beta checkout_canary`);
    const after = await lab.load!.next(200);
    const share = (after.byVersion['v1.1.0'] ?? 0) / after.total;
    expect(share).toBeGreaterThan(0.03); // beta users are about 10% of the population
    expect(share).toBeLessThan(0.25);
    await lab.haproxy!.command(`del map ${lab.haproxy!.canaryMapPath} beta`);
  });

  it('shows added latency in one instance in Prometheus within 10 seconds', async () => {
    const b1 = lab.instances.find((i) => i.name === 'checkout-b1')!;
    await setFaults(b1, { latencyMs: 300 });
    const query =
      'histogram_quantile(0.9, sum by (le) (rate(http_request_duration_seconds_bucket{instance_name="checkout-b1"}[3s])))';
    expect(await eventually(async () => (await value(query)) > 0.25, 10_000)).toBe(true);
    await setFaults(b1, {});
  });

  it('shows an error ratio in one instance in Prometheus within 10 seconds', async () => {
    const c2 = lab.instances.find((i) => i.name === 'checkout-c2')!;
    await setFaults(c2, { errorRatio: 0.5 });
    const query =
      'sum(rate(http_requests_total{instance_name="checkout-c2",code="500"}[3s])) / sum(rate(http_requests_total{instance_name="checkout-c2"}[3s]))';
    expect(await eventually(async () => (await value(query)) > 0.3, 10_000)).toBe(true);
    // Its neighbour in dc-c serves cleanly: the fault is in one instance only.
    expect(await value('sum(rate(http_requests_total{instance_name="checkout-c1",code="200"}[3s]))')).toBeGreaterThan(
      0,
    );
    expect(await lab.prometheus!.query('http_requests_total{instance_name="checkout-c1",code="500"}')).toEqual([]);
    await setFaults(c2, {});
  });

  it('shows a goroutine leak in Prometheus within 10 seconds', async () => {
    const a2 = lab.instances.find((i) => i.name === 'checkout-a2')!;
    const baseline = await value('go_goroutines{instance_name="checkout-a2"}');
    await setFaults(a2, { goroutineLeakPerSec: 200 });
    expect(
      await eventually(
        async () => (await value('go_goroutines{instance_name="checkout-a2"}')) > baseline + 300,
        10_000,
      ),
    ).toBe(true);
    await setFaults(a2, {});
  });
});
