/** Each class of cause from its signature in the signals, what it recommends and what it rules out; and the normal things that are not incidents. */
import { diagnose } from '../../../src/diagnose/diagnose.js';
import type { Role } from '../../../src/diagnose/signals.js';
import { aChange, aProfile, fleetOf, noise, perInstance, signalSet } from '../../support/signals.js';

const jitter = noise(7);
const flat =
  (level: number, spread = 0.03) =>
  () =>
    level * (1 + spread * jitter());
const traffic = perInstance('traffic', fleetOf(), flat(13));
const healthyErrors = perInstance('errors', fleetOf(), () => 0.001 * (1 + jitter()));
const healthyGoroutines = perInstance('goroutines', fleetOf(), flat(14, 0.1));
const classes = (d: ReturnType<typeof diagnose>) => d.causes.map((c) => c.class);

describe('a goroutine leak', () => {
  const fleet = fleetOf({ 'checkout-a1': 'v1.3.0', 'checkout-b1': 'v1.3.0', 'checkout-c1': 'v1.3.0' });
  const leaking = (t: number, w: { version: string }) =>
    (w.version === 'v1.3.0' ? 14 + 40 * (t - 1000) : 14) + 2 * jitter();
  const signals = signalSet(
    [
      ...perInstance('goroutines', fleet, leaking),
      ...perInstance(
        'memory',
        fleet,
        (t, w) => 30e6 + (w.version === 'v1.3.0' ? 16384 * 40 * (t - 1000) : 0) + 1e6 * jitter(),
      ),
      ...perInstance('traffic', fleet, flat(13)),
      ...perInstance('errors', fleet, () => 0.001 * (1 + jitter())),
    ],
    {
      changes: [aChange({ summary: 'deploy-v1-3 (Runbook)', version: 'v1.3.0' })],
      limits: { memoryBytes: 512 * 2 ** 20 },
      profiles: ['checkout-a1', 'checkout-b1', 'checkout-c1'].flatMap((i) => [
        aProfile(i, 1290, 11600),
        aProfile(i, 1295, 11800),
      ]),
    },
  );
  const [cause] = diagnose(signals, 1300).causes;

  it('names the function whose goroutines grow, the version, and the run that deployed it', () => {
    expect(cause).toMatchObject({
      class: 'goroutine-leak',
      title: 'Goroutine leak in checkout v1.3.0: main.(*notifier).watch',
      where: { version: 'v1.3.0', function: 'main.(*notifier).watch' },
      trigger: { runId: 'run-12', pullNumber: 12 },
    });
    expect(cause!.evidence.map((e) => e.text)).toContain(
      'main.(*notifier).watch (sample-service/notifier.go:31) holds 35,400 goroutines, +120/s between two profiles',
    );
    expect(cause!.rate!.perSecond).toBeCloseTo(120, -1);
    expect(cause!.rate!.secondsToLimit).toBeGreaterThan(0);
  });

  it('blames the change that deployed the version, not a restart (its own remediation) since', () => {
    const restart = aChange({
      runId: 'run-40',
      pullNumber: 40,
      task: 'remediate-40',
      kind: 'Restart',
      finishedAt: 1001,
    });
    const again = diagnose(
      { ...signals, changes: [...signals.changes, { ...restart, summary: 'remediate-40 (Restart)' }] },
      1300,
    );
    expect(again.causes[0]!.trigger).toMatchObject({ runId: 'run-12', pullNumber: 12 });
  });

  it('offers a rolling restart to buy time, then the rollback of v1.3, and rules out load and the other versions', () => {
    expect(cause!.remediations.map((r) => r.id)).toEqual(['rolling-restart', 'rollback-change']);
    expect(cause!.remediations[1]).toMatchObject({ runId: 'run-12' });
    expect(cause!.ruledOut).toEqual(
      expect.arrayContaining([
        'traffic is flat: not load',
        'instances of v1.2.0 stay flat: the leak comes with v1.3.0, not the host or the load',
        'errors did not rise: users are not affected yet',
      ]),
    );
  });
});

it('finds a memory leak without goroutine growth, with the time to the limit', () => {
  const signals = signalSet(
    [
      ...healthyGoroutines,
      ...perInstance('memory', fleetOf(), (t) => 100e6 + 200e3 * (t - 1000) + 2e6 * jitter()),
      ...traffic,
    ],
    { limits: { memoryBytes: 512 * 2 ** 20 } },
  );
  const [cause] = diagnose(signals, 1300).causes;
  expect(cause!.class).toBe('memory-leak');
  expect(cause!.ruledOut).toContain('goroutines do not grow on these instances: not a goroutine leak');
  // 537 MB limit, about 160 MB used at the end, growing 200 kB/s: about half an hour left.
  expect(cause!.rate!.secondsToLimit! / 60).toBeGreaterThan(25);
  expect(cause!.rate!.secondsToLimit! / 60).toBeLessThan(40);
});

it('names the allocation site a memory leak grows in, from two heap profiles', () => {
  const site = (instance: string, at: number, bytes: number) => ({
    instance,
    at,
    total: bytes + 2 ** 20,
    groups: [
      { function: 'main.(*cache).put', location: 'sample-service/cache.go:12', count: bytes },
      { function: 'main.main', location: 'sample-service/main.go:50', count: 2 ** 20 },
    ],
  });
  const signals = signalSet(
    [
      ...healthyGoroutines,
      ...perInstance('memory', fleetOf(), (t) => 100e6 + 200e3 * (t - 1000) + 2e6 * jitter()),
      ...traffic,
    ],
    {
      limits: { memoryBytes: 512 * 2 ** 20 },
      heapProfiles: fleetOf().flatMap((w) => [site(w.instance, 1290, 60e6), site(w.instance, 1295, 61e6)]),
    },
  );
  const [cause] = diagnose(signals, 1300).causes;
  expect(cause).toMatchObject({ class: 'memory-leak', where: { function: 'main.(*cache).put' } });
  expect(cause!.headline).toMatch(
    /^Memory leak in checkout v1\.2\.0: `main\.\(\*cache\)\.put` holds [\d.]+ [KMG]iB, \+/,
  );
  expect(cause!.evidence.map((e) => e.text)).toContain(
    'main.(*cache).put (sample-service/cache.go:12) holds 349 MiB in use, +1.14 MiB/s between two heap profiles',
  );
});

it('calls errors everywhere right after a deploy a release regression: roll back, not fail over', () => {
  const errors = perInstance('errors', fleetOf(), (t) => (t < 1150 ? 0.001 : 0.08) * (1 + 0.2 * jitter()));
  const signals = signalSet([...errors, ...traffic], { changes: [aChange({ startedAt: 1130, finishedAt: 1140 })] });
  const d = diagnose(signals, 1300);
  expect(classes(d)).toEqual(['release-regression']);
  expect(d.causes[0]!.remediations.map((r) => r.id)).toEqual(['rollback-change']);
  expect(d.causes[0]!.ruledOut[0]).toMatch(
    /^every datacenter \(dc-a, dc-b, dc-c\): not one datacenter, so failing over would move the errors/,
  );
  expect(d.severity).toBe('sev2');
  expect(d.severityWhy).toMatch(/^errors at 8(\.\d+)?% burn the 99.9% objective's budget/);
});

it('calls errors in one datacenter a datacenter problem: drain it', () => {
  const errors = perInstance(
    'errors',
    fleetOf(),
    (t, w) => (w.dc === 'dc-b' && t >= 1150 ? 0.1 : 0.001) * (1 + 0.2 * jitter()),
  );
  const d = diagnose(signalSet([...errors, ...traffic], { changes: [aChange({ finishedAt: 1140 })] }), 1300);
  expect(classes(d)).toEqual(['datacenter-problem']);
  expect(d.causes[0]).toMatchObject({
    where: { dc: 'dc-b' },
    remediations: [{ id: 'drain-datacenter', title: 'Drain dc-b' }],
  });
  expect(d.causes[0]!.ruledOut[0]).toBe('dc-a, dc-c are normal: not a release (it would be everywhere) and not load');
});

it('does not blame a version that every instance ran before the onset: errors in one datacenter after a rollback are the datacenter', () => {
  const before = perInstance(
    'errors',
    fleetOf({}).map((w) => ({ ...w, version: 'v1.0.1' })),
    () => 0.001,
    100,
  );
  const after = perInstance(
    'errors',
    fleetOf({}),
    (t, w) => (w.dc === 'dc-b' && t >= 1150 ? 0.1 : 0.001) * (1 + 0.2 * jitter()),
  ).map((s) => ({ ...s, points: s.points.filter(([t]) => t >= 1100) }));
  const d = diagnose(
    signalSet([...before, ...after, ...traffic], { changes: [aChange({ version: 'v1.0.1', finishedAt: 1090 })] }),
    1300,
  );
  expect(classes(d)).toEqual(['datacenter-problem']);
  expect(d.causes[0]!.where).toEqual({ dc: 'dc-b' });
});

it('calls errors that rise with traffic load: scale out, not roll back', () => {
  const load = (t: number) => (t < 1150 ? 13 : 39) * (1 + 0.03 * jitter());
  const signals = signalSet([
    ...perInstance('traffic', fleetOf(), load),
    ...perInstance('errors', fleetOf(), (t) => (load(t) > 30 ? 0.06 : 0.001) * (1 + 0.2 * jitter())),
  ]);
  const d = diagnose(signals, 1300);
  expect(classes(d)).toEqual(['load']);
  expect(d.causes[0]!.remediations.map((r) => r.id)).toEqual(['scale-out']);
  expect(d.causes[0]!.ruledOut).toContain('rolling back would not help: the code is the same, the demand is not');
});

it('calls errors in one instance a bad instance: restart it, not the datacenter', () => {
  const errors = perInstance(
    'errors',
    fleetOf(),
    (t, w) => (w.instance === 'checkout-c2' && t >= 1150 ? 0.5 : 0.001) * (1 + 0.2 * jitter()),
  );
  const d = diagnose(signalSet([...errors, ...traffic]), 1300);
  expect(classes(d)).toEqual(['bad-instance']);
  expect(d.causes[0]).toMatchObject({
    where: { instance: 'checkout-c2', dc: 'dc-c' },
    remediations: [{ id: 'restart-instance' }],
  });
  expect(d.causes[0]!.ruledOut[0]).toBe('checkout-c1 in dc-c serve normally: not the datacenter');
});

it('calls a Prometheus that does not answer a monitoring gap, not a problem of the service', () => {
  const d = diagnose(
    signalSet([], {
      gaps: [{ source: 'prometheus', reason: 'connection refused' }],
      window: { start: 0, end: 300, step: 1 },
    }),
    300,
  );
  expect(classes(d)).toEqual(['monitoring-gap']);
  expect(d.severity).toBe('sev4');
});

describe('what is not an incident', () => {
  it('a collector sawtooth: memory up and down, its floor flat', () => {
    const sawtooth = perInstance('memory', fleetOf(), (t) => 50e6 + 40e6 * ((t % 30) / 30) + 1e6 * jitter());
    const d = diagnose(signalSet([...sawtooth, ...healthyGoroutines, ...traffic, ...healthyErrors]), 1300);
    expect(d.causes).toEqual([]);
    expect(d.normal.join('\n')).toMatch(/rises and falls \(a collector's sawtooth\) while its floor stays flat/);
  });

  it.each([1010, 1020, 1030, 1035, 1040, 1045, 1050])(
    'a restart at %d into a bigger heap: its warm-up and slower collector, judged from the start the instances report',
    (restartAt) => {
      const mib = 2 ** 20;
      // A minute's window. Before: a small heap collected every 3 s. After: a 16 MiB cache filled in
      // 4 s, then 1 MiB/s of garbage collected when the heap doubles (every ~16 s), above the old heap.
      const heap = (t: number) =>
        t < restartAt
          ? mib * (1.5 + (t % 3))
          : t < restartAt + 4
            ? mib * (1 + 4 * (t - restartAt))
            : mib * (17 + ((t - restartAt - 4) % 16)) * (1 + 0.005 * jitter());
      const minute = (role: Role, value: (t: number) => number) => perInstance(role, fleetOf(), value, 60);
      const d = diagnose(
        signalSet(
          [
            minute('memory', heap),
            minute('started', (t) => (t < restartAt ? 900 : restartAt)),
            minute('traffic', flat(13)),
            minute('errors', () => 0.001 * (1 + jitter())),
          ].flat(),
          { limits: { memoryBytes: 512 * mib } },
        ),
        1060,
      );
      expect(d.causes).toEqual([]);
    },
  );

  it('a process younger than half the window: too soon to judge its rise', () => {
    const young = perInstance('goroutines', fleetOf(), (t) => 14 + 3 * (t - 1000) + 2 * jitter()).map((s) => ({
      ...s,
      points: s.points.filter(([t]) => t >= 1200),
    }));
    const d = diagnose(signalSet([...young, ...traffic, ...healthyErrors]), 1300);
    expect(d.causes).toEqual([]);
  });

  it('a warm-up after a restart: a rise that levels off', () => {
    const warm = perInstance('goroutines', fleetOf(), (t) => 14 + 200 * Math.min(1, (t - 1000) / 60) + 2 * jitter());
    const d = diagnose(signalSet([...warm, ...traffic, ...healthyErrors]), 1300);
    expect(d.causes).toEqual([]);
  });

  it('a daily cycle in traffic and latency', () => {
    const cycle = (t: number) => 1 + 0.6 * Math.sin((2 * Math.PI * (t - 1000)) / 100);
    const d = diagnose(
      signalSet([
        ...perInstance('traffic', fleetOf(), (t) => 13 * cycle(t) * (1 + 0.03 * jitter())),
        ...perInstance('latency', fleetOf(), (t) => 0.05 * cycle(t) * (1 + 0.05 * jitter())),
        ...healthyErrors,
      ]),
      1300,
    );
    expect(d.causes).toEqual([]);
  });

  it('a deploy that moves the level once: goroutines step up and stay', () => {
    const step = perInstance('goroutines', fleetOf(), (t) => (t < 1150 ? 14 : 64) + 2 * jitter());
    const d = diagnose(
      signalSet([...step, ...traffic, ...healthyErrors], {
        changes: [aChange({ summary: 'deploy-v1-2', finishedAt: 1148 })],
      }),
      1300,
    );
    expect(d.causes).toEqual([]);
    expect(d.normal.join('\n')).toMatch(
      /goroutines stepped up once at \d\d:\d\d \(after deploy-v1-2\) and stayed flat/,
    );
  });
});
