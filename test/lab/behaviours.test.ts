/**
 * What the patrol must tell apart, shown for real by the lab: a release that leaks goroutines in a
 * named function, one that merely steps up, a GC sawtooth, a warm-up, overload errors and a daily
 * cycle of load; and the template's deploy script against the lab.
 */
import { jest } from '@jest/globals';
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import { promisify } from 'node:util';
import { restartInstance, setFaults } from '../../lab/components/sample-service.js';
import { startLab, type Lab } from '../../lab/lab.js';
import { PrometheusSource } from '../../src/providers/prometheus/prometheus-source.js';
import { eventually } from '../support/lab.js';

jest.setTimeout(120_000);

const deployScript = new URL('../../ops-repo-template/scripts/deploy-version.sh', import.meta.url).pathname;
const MiB = 1 << 20;

let lab: Lab;
beforeAll(async () => {
  lab = await startLab({ components: ['prometheus', 'load'], loadRate: 100 });
});
afterAll(() => lab?.stop());

const instance = (name: string) => lab.instances.find((i) => i.name === name)!;
const value = async (promql: string) => (await lab.prometheus!.query(promql))[0]?.value ?? NaN;
const goroutines = (name: string) => value(`go_goroutines{instance_name="${name}"}`);
/** The values of a series from `since` (unix seconds) until now, one a second. */
const series = async (promql: string, since: number) =>
  (await new PrometheusSource(lab.prometheus!.url).range(promql, since, Date.now() / 1000, 1))[0]?.points.map(
    ([, v]) => v,
  ) ?? [];
const spread = (values: number[]) => Math.max(...values) - Math.min(...values);

const deploy = (args: string[], env: Record<string, string>) =>
  promisify(execFile)(deployScript, args, { env: { ...process.env, ...env } }).then(
    ({ stdout }) => ({ code: 0, stdout, stderr: '' }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
const labInstances = () => ({ LAB_INSTANCES: lab.instances.map((i) => `${i.name}=${i.url}`).join(' ') });

/** The goroutines waiting in main.(*notifier).watch, from the instance's goroutine profile. */
async function watchers(url: string): Promise<{ count: number; line: number } | undefined> {
  const profile = await (await fetch(`${url}/debug/pprof/goroutine?debug=1`)).text();
  const group = /^(\d+) @[^\n]*\n#\t0x[0-9a-f]+\tmain\.\(\*notifier\)\.watch\+0x[0-9a-f]+\t\S*\/notifier\.go:(\d+)$/m;
  const match = group.exec(profile);
  return match ? { count: Number(match[1]), line: Number(match[2]) } : undefined;
}

describe('releases', () => {
  it('deploys v1.3.0 to one instance with the script: its version label changes and its goroutines climb', async () => {
    const result = await deploy(['v1.3.0', 'checkout-a1'], labInstances());
    expect(result).toMatchObject({ code: 0, stdout: 'deployed v1.3.0 to checkout-a1\n' });
    expect(
      await eventually(
        async () =>
          (await lab.prometheus!.query('go_goroutines{instance_name="checkout-a1"}'))
            .map((s) => s.labels.version)
            .join() === 'v1.3.0',
        10_000,
      ),
    ).toBe(true);
    const before = { a1: await goroutines('checkout-a1'), b1: await goroutines('checkout-b1') };
    const served = (await lab.load!.next(300)).byVersion['v1.3.0'] ?? 0; // what a1 served meanwhile
    expect(served).toBeGreaterThan(20);
    // One leaked goroutine per request served; its neighbour in another datacenter stays where it was.
    expect(await eventually(async () => (await goroutines('checkout-a1')) >= before.a1 + 0.8 * served, 10_000)).toBe(
      true,
    );
    expect(Math.abs((await goroutines('checkout-b1')) - before.b1)).toBeLessThan(10);
  });

  it("names the leaking function in v1.3.0's goroutine profile, with a count that grows", async () => {
    const a1 = instance('checkout-a1');
    const first = await watchers(a1.url);
    expect(first).toEqual({ count: expect.any(Number), line: expect.any(Number) });
    const served = (await lab.load!.next(200)).byVersion['v1.3.0'] ?? 0;
    const second = await watchers(a1.url);
    expect(second!.line).toBe(first!.line);
    expect(second!.count).toBeGreaterThanOrEqual(first!.count + served);
  });

  it('steps goroutines and heap up once with v1.2.0, then holds them flat', async () => {
    const deployedAt = Date.now() / 1000;
    await restartInstance(instance('checkout-b2'), { version: 'v1.2.0' });
    const selector = '{instance_name="checkout-b2",version="v1.2.0"}';
    // Wait for ten scrapes of the new version while traffic flows.
    expect(
      await eventually(async () => (await value(`count_over_time(go_goroutines${selector}[30s])`)) >= 10, 20_000),
    ).toBe(true);
    const after = await series(`go_goroutines${selector}`, deployedAt + 1);
    expect(Math.min(...after)).toBeGreaterThanOrEqual((await goroutines('checkout-b1')) + 45); // the pool of 50
    expect(spread(after)).toBeLessThan(10); // and no growth with traffic
    expect(await value(`min_over_time(go_memstats_heap_alloc_bytes${selector}[30s])`)).toBeGreaterThan(8 * MiB);
  });
});

describe('faults that are not incidents', () => {
  it('makes a GC sawtooth: the heap goes up and down, its floor flat', async () => {
    await setFaults(instance('checkout-c1'), { gcSawtoothBytesPerSec: MiB / 2 }); // a tooth every few seconds
    const since = Date.now() / 1000;
    let heap: number[] = [];
    const drops = () => heap.flatMap((v, i) => (i > 0 && heap[i - 1]! - v > MiB ? [i] : []));
    expect(
      await eventually(async () => {
        heap = await series('go_memstats_heap_alloc_bytes{instance_name="checkout-c1"}', since);
        return drops().length >= 4;
      }, 40_000),
    ).toBe(true);
    const troughs = drops().map((i) => heap[i]!);
    const peaks = drops().map((i) => heap[i - 1]!);
    expect(Math.min(...peaks) - Math.max(...troughs)).toBeGreaterThan(MiB);
    expect(spread(troughs)).toBeLessThan(1.5 * MiB);
    await setFaults(instance('checkout-c1'), {});
  });

  it('warms up after a restart: goroutines and heap rise for the warm-up, then plateau', async () => {
    const startTime = () => value('process_start_time_seconds{instance_name="checkout-c2"}');
    const startedBefore = await startTime();
    const since = Date.now() / 1000 - 1; // the first point is the last one before the restart
    await restartInstance(instance('checkout-c2'), { warmUpSeconds: 8 });
    expect(await eventually(async () => (await startTime()) > startedBefore, 10_000)).toBe(true);
    let counts: number[] = [];
    expect(
      await eventually(async () => {
        counts = await series('go_goroutines{instance_name="checkout-c2"}', since);
        return counts.length >= 14;
      }, 30_000),
    ).toBe(true);
    const heap = await series('go_memstats_heap_alloc_bytes{instance_name="checkout-c2"}', since);
    const [first, plateau] = [counts[0]!, counts.slice(-4)];
    expect(Math.min(...plateau)).toBeGreaterThan(first + 80); // 100 cache shards
    expect(spread(plateau)).toBeLessThan(10);
    const rising = counts.filter((c) => c > first + 10 && c < first + 80);
    expect(rising.length).toBeGreaterThanOrEqual(2); // a ramp over seconds, not a step
    expect(heap.at(-1)! - heap[0]!).toBeGreaterThan(12 * MiB); // 16 MiB of cache
  });
});

describe('load', () => {
  const errorRatio = (name: string) =>
    value(
      `(sum(rate(http_requests_total{instance_name="${name}",code="500"}[3s])) or vector(0))` +
        ` / sum(rate(http_requests_total{instance_name="${name}"}[3s]))`,
    );

  it('gives an overloaded instance more errors at a higher rate', async () => {
    await setFaults(instance('checkout-a2'), { errorsProportionalToLoad: 0.02, overloadAboveRps: 5 });
    lab.load!.setRate(30); // about 5 a second for each of the six instances
    await lab.load!.next(60);
    let low = NaN;
    expect(await eventually(async () => (low = await errorRatio('checkout-a2')) < 0.1, 15_000)).toBe(true);
    lab.load!.setRate(180); // about 30 a second each: (30 - 5) × 0.02 = 50% errors
    await lab.load!.next(360);
    let high = NaN;
    expect(await eventually(async () => (high = await errorRatio('checkout-a2')) > 0.3, 15_000)).toBe(true);
    expect(high - low).toBeGreaterThan(0.2);
    expect(await errorRatio('checkout-b1')).toBe(0);
    await setFaults(instance('checkout-a2'), {});
    lab.load!.setRate(100);
  });

  it('follows a daily cycle in compressed time, until a steady rate ends it', async () => {
    lab.load!.cycle({ periodSeconds: 16, min: 20, max: 200 });
    const rate = () => value('sum(rate(http_requests_total{job="checkout"}[2s]))');
    // From the trough (where it starts) up to the peak and down again, as Prometheus sees it.
    for (const phase of [(r: number) => r < 60, (r: number) => r > 160, (r: number) => r < 60])
      expect(await eventually(async () => phase(await rate()), 20_000)).toBe(true);
    lab.load!.setRate(100);
    await lab.load!.next(50);
    expect(lab.load!.rate()).toBe(100);
  });
});

describe('deploy-version.sh', () => {
  it('fails clearly when an instance does not come back as the version', async () => {
    const stuck = createServer((req, res) => {
      res.writeHead(req.url === '/healthz' ? 200 : 202, { 'x-version': 'v1.0.0' }).end();
    }).listen(0, '127.0.0.1');
    await new Promise((r) => stuck.once('listening', r));
    const url = `http://127.0.0.1:${(stuck.address() as { port: number }).port}`;
    const env = { CHECKOUT_INSTANCES: `stuck1=${url}`, DEPLOY_WAIT_SECONDS: '1' };
    expect(await deploy(['v1.3.0', 'stuck1'], env)).toMatchObject({
      code: 1,
      stderr: 'stuck1 did not come back healthy as v1.3.0 within 1 s\n',
    });
    expect(await deploy(['v1.3.0', 'nowhere1'], env)).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('unknown'),
    });
    expect(await deploy(['v1.3.0; rm -rf /', 'stuck1'], env)).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('not a version'),
    });
    stuck.close();
  });
});
