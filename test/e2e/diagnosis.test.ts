/**
 * Each class of cause, and each thing that is not an incident, as the patrol reads it from the lab:
 * the real Go instances misbehave, the real Prometheus scrapes them every second, the real pprof
 * endpoints answer. One inspection is run and judged per scenario, over the window since it began.
 */
import { jest } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect, type Inspected } from '../../src/app/inspect.js';
import type { Inspection } from '../../src/patrol/inspection.js';
import { loadDocuments } from '../../src/manifest/load.js';
import type { Config, Service } from '../../src/manifest/model.js';
import { HttpProfiles } from '../../src/providers/pprof/http-profiles.js';
import { PrometheusSource } from '../../src/providers/prometheus/prometheus-source.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { restartInstance, setFaults, type ServiceInstance } from '../../lab/components/sample-service.js';
import { startLab, type Lab } from '../../lab/lab.js';
import { patrolConfig, patrolService } from '../../lab/patrol-service.js';
import { aPlan, aRun } from '../support/builders.js';

jest.setTimeout(600_000);

let lab: Lab;
let dir: string;
let store: SqliteStore;
let service: Service;
let config: Config;
const rate = 80;

beforeAll(async () => {
  lab = await startLab({ components: ['prometheus', 'load'], loadRate: rate });
  dir = mkdtempSync(join(tmpdir(), 'zeroops-diagnosis-'));
  store = new SqliteStore(join(dir, 'store.sqlite'));
  const loaded = loadDocuments([
    { path: 'services/checkout.yaml', text: patrolService() },
    { path: '.zeroops/config.yaml', text: patrolConfig(lab) },
  ]);
  service = loaded.services[0]!.manifest;
  config = loaded.configs[0]!.manifest;
});
afterAll(async () => {
  await store?.close();
  await lab?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const instances = (...names: string[]) => lab.instances.filter((i) => names.length === 0 || names.includes(i.name));
const everywhere = async (faults: Parameters<typeof setFaults>[1], on: ServiceInstance[] = instances()) => {
  await Promise.all(on.map((i) => setFaults(i, faults)));
};
const inspection = (metric: string, detect: Inspection['detect']): Inspection => ({
  name: `${metric}-${detect}`,
  metric,
  detect,
});

/** A deploy of `version` recorded as ZeroOps' own run on the service, finished now. */
async function deployed(version: string, on: ServiceInstance[]): Promise<void> {
  await Promise.all(on.map((i) => restartInstance(i, { version })));
  const at = new Date().toISOString();
  const plan = aPlan([], {
    task: {
      name: `deploy-${version}`,
      kind: 'Runbook',
      service: 'checkout',
      env: 'production',
      file: 't.yaml',
      line: 1,
    },
  });
  plan.steps = [
    {
      ...aPlan().steps[0]!,
      action: { provider: 'command', operation: 'run', params: { argv: ['scripts/deploy-version.sh', version] } },
    },
  ];
  await store.createRun(aRun({ plan, pullNumber: 12, status: 'succeeded', createdAt: at, finishedAt: at }));
}

/**
 * Everything back to normal (v1.0.0, no faults, steady traffic, a few seconds to settle), then `act`, then `requests` more
 * requests served (the measuring window), then the inspection over the time since the start.
 */
async function scenario(
  act: () => Promise<void>,
  requests: number,
  judged: Inspection,
  metrics = lab.prometheus!.url,
): Promise<Inspected> {
  lab.load!.setRate(rate);
  await everywhere({});
  await Promise.all(
    instances()
      .filter((i) => i.version !== 'v1.0.0')
      .map((i) => restartInstance(i, { version: 'v1.0.0' })),
  );
  // The previous scenario's errors stay in the rate windows (4 s) a little longer: let them pass.
  await lab.load!.next(rate * 6);
  const started = Date.now();
  await lab.load!.next(rate * 12); // a stretch of normal before the change
  await act();
  await lab.load!.next(requests);
  const window = Math.ceil((Date.now() - started) / 1000) + 1;
  const source = new PrometheusSource(metrics, 5000);
  const result = await inspect(
    { metricsFor: () => source, profiles: new HttpProfiles(), profileSeconds: 2, store, clock: () => new Date() },
    { repo: { owner: 'acme', repo: 'ops' }, service, config, inspection: { ...judged, window: `${window}s` } },
  );
  debug(result);
  return result;
}

const debug = (result: Inspected) =>
  process.env.DIAGNOSIS_DEBUG &&
  console.log(
    JSON.stringify(
      {
        verdict: result.verdict.kind,
        causes: result.diagnosis.causes.map((c) => [c.class, c.title, c.evidence.map((e) => e.text)]),
        normal: result.diagnosis.normal,
        series: result.signals.series
          .filter((s) => ['errors', 'goroutines', 'memory'].includes(s.role))
          .map((s) => [
            s.role,
            s.where.instance,
            s.where.version,
            s.points.length,
            s.points.filter((_, i) => i % 3 === 0).map((p) => Number(p[1].toPrecision(2))),
          ]),
      },
      null,
      1,
    ),
  );
const causeOf = (result: Inspected) => (result.verdict.kind === 'fires' ? result.verdict.causes[0] : undefined);
const options = (result: Inspected) => causeOf(result)?.remediations.map((r) => r.id);

describe('the classes of cause, read from the lab', () => {
  it('a goroutine leak in the v1.3.0 instances, named after the function the profiles show growing', async () => {
    const result = await scenario(
      () => deployed('v1.3.0', instances('checkout-a1', 'checkout-b1', 'checkout-c1')),
      rate * 25,
      inspection('goroutines', 'leak'),
    );
    const cause = causeOf(result)!;
    expect(cause).toMatchObject({
      class: 'goroutine-leak',
      where: { version: 'v1.3.0', function: 'main.(*notifier).watch' },
    });
    expect(cause.evidence.map((e) => e.text).join('\n')).toMatch(
      /main\.\(\*notifier\)\.watch \(sample-service\/notifier\.go:\d+\) holds [\d,]+ goroutines/,
    );
    expect(cause.trigger).toMatchObject({ pullNumber: 12 });
    expect(options(result)).toEqual(['rolling-restart', 'rollback-change']);
    expect(cause.ruledOut).toEqual(expect.arrayContaining(['traffic is flat: not load']));
    expect(cause.ruledOut.join('\n')).toMatch(/instances of v1\.0\.0 stay flat/);
  });

  it('a memory leak without goroutine growth, with the time to the limit', async () => {
    const result = await scenario(
      () => everywhere({ memoryLeakBytesPerSec: 2 * 2 ** 20 }),
      rate * 25,
      inspection('memory_heap', 'leak'),
    );
    const cause = causeOf(result)!;
    expect(cause.class).toBe('memory-leak');
    // The heap profiles name where the bytes are allocated: the lab's leak keeps buffers from filled().
    expect(cause.where.function).toBe('main.filled');
    expect(cause.evidence.map((e) => e.text).join('\n')).toMatch(
      /main\.filled \(sample-service\/notifier\.go:\d+\) holds [\d.]+ MiB in use, \+[\d.]+ [KM]iB\/s between two heap profiles/,
    );
    expect(cause.rate!.secondsToLimit).toBeGreaterThan(0);
    expect(cause.headline).toMatch(/its 512 MiB limit in ~\d+ (s|min)/);
  });

  it('a release regression: errors everywhere right after a deploy; roll back, not fail over', async () => {
    const result = await scenario(
      async () => {
        await deployed('v1.0.1', instances());
        await everywhere({ errorRatio: 0.2 });
      },
      rate * 20,
      inspection('error_rate', 'anomaly'),
    );
    expect(causeOf(result)?.class).toBe('release-regression');
    expect(options(result)).toEqual(['rollback-change']);
    expect(causeOf(result)!.ruledOut[0]).toMatch(/failing over would move the errors, not end them/);
  });

  it('a datacenter problem: errors in dc-b only; drain it', async () => {
    const result = await scenario(
      () => everywhere({ errorRatio: 0.3 }, instances('checkout-b1', 'checkout-b2')),
      rate * 20,
      inspection('error_rate', 'anomaly'),
    );
    expect(causeOf(result)).toMatchObject({ class: 'datacenter-problem', where: { dc: 'dc-b' } });
    expect(options(result)).toEqual(['drain-datacenter']);
  });

  it('load: errors rise with traffic; scale out, not roll back', async () => {
    const result = await scenario(
      async () => {
        await everywhere({ errorsProportionalToLoad: 0.01, overloadAboveRps: 20 });
        lab.load!.setRate(rate * 4);
      },
      rate * 4 * 12,
      inspection('error_rate', 'anomaly'),
    );
    expect(causeOf(result)?.class).toBe('load');
    expect(options(result)).toEqual(['scale-out']);
  });

  it('one bad instance: errors in checkout-c2 only; restart it, not its datacenter', async () => {
    const result = await scenario(
      () => everywhere({ errorRatio: 0.5 }, instances('checkout-c2')),
      rate * 20,
      inspection('error_rate', 'anomaly'),
    );
    expect(causeOf(result)).toMatchObject({ class: 'bad-instance', where: { instance: 'checkout-c2', dc: 'dc-c' } });
    expect(options(result)).toEqual(['restart-instance']);
  });

  it('a monitoring gap: a Prometheus that does not answer says nothing about the service', async () => {
    const result = await scenario(
      async () => undefined,
      rate,
      inspection('error_rate', 'anomaly'),
      'http://127.0.0.1:9',
    );
    expect(result.verdict.kind).toBe('gap');
    expect(result.verdict.kind === 'gap' && result.verdict.cause.evidence[0]!.text).toMatch(
      /did not answer|ECONNREFUSED|fetch failed/,
    );
  });
});

describe('what is not an incident, read from the lab', () => {
  it("a collector's sawtooth", async () => {
    const result = await scenario(
      () => everywhere({ gcSawtoothBytesPerSec: 2 ** 20 }),
      rate * 25,
      inspection('memory_heap', 'leak'),
    );
    expect(result.verdict.kind).toBe('quiet');
  });

  it('a warm-up after a restart', async () => {
    const result = await scenario(
      () => Promise.all(instances().map((i) => restartInstance(i, { warmUpSeconds: 8 }))).then(() => undefined),
      rate * 30,
      inspection('goroutines', 'leak'),
    );
    expect(result.verdict.kind).toBe('quiet');
  });

  it('a daily cycle of traffic', async () => {
    const result = await scenario(
      async () => lab.load!.cycle({ periodSeconds: 12, min: rate / 2, max: rate * 2 }),
      rate * 30,
      inspection('requests', 'anomaly'),
    );
    expect(result.verdict.kind).toBe('quiet');
  });

  it('a deploy that moves the level once', async () => {
    const result = await scenario(() => deployed('v1.2.0', instances()), rate * 20, inspection('goroutines', 'leak'));
    expect(result.verdict.kind).toBe('quiet');
    expect(result.diagnosis.normal.join('\n')).toMatch(
      /goroutines stepped up (once at \d\d:\d\d|after deploy-v1\.2\.0).* a new level, not a leak/,
    );
  });
});
