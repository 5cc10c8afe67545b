/** Builders of signal sets for diagnosis tests: a small fleet, its series as functions of time, seeded noise. */
import type { Change, GoroutineProfile, Role, Series, SignalSet, Where } from '../../src/diagnose/signals.js';

export const fleetOf = (versions: Record<string, string> = {}): Required<Where>[] =>
  ['a1', 'a2', 'b1', 'b2', 'c1', 'c2'].map((name) => ({
    instance: `checkout-${name}`,
    dc: `dc-${name[0]}`,
    version: versions[`checkout-${name}`] ?? 'v1.2.0',
  }));

/** Deterministic noise in [-1, 1]: the same test sees the same series every time. */
export function noise(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  };
}

/** One series per instance of `fleet`, its value at second t given by `value(t, where)`; 300 points, 1 s apart. */
export function perInstance(
  role: Role,
  fleet: Required<Where>[],
  value: (t: number, where: Required<Where>) => number,
  seconds = 300,
): Series[] {
  return fleet.map((where) => ({
    role,
    metric: role,
    query: `${role}{instance_name="${where.instance}"}`,
    where,
    points: Array.from({ length: seconds }, (_, t): [number, number] => [1000 + t, value(1000 + t, where)]),
  }));
}

export function signalSet(series: Series[], extra: Partial<SignalSet> = {}): SignalSet {
  const times = series.flatMap((s) => s.points.map(([t]) => t));
  return {
    service: 'checkout',
    env: 'production',
    window: { start: Math.min(...times), end: Math.max(...times), step: 1 },
    series,
    profiles: [],
    changes: [],
    limits: {},
    slo: 0.999,
    gaps: [],
    ...extra,
  };
}

export function aChange(overrides: Partial<Change> = {}): Change {
  return {
    runId: 'run-12',
    pullNumber: 12,
    task: 'deploy-v1-3',
    kind: 'Runbook',
    summary: 'deploy-v1-3 (Runbook)',
    startedAt: 990,
    finishedAt: 998,
    status: 'succeeded',
    ...overrides,
  };
}

export function aProfile(instance: string, at: number, watch: number): GoroutineProfile {
  return {
    instance,
    at,
    total: watch + 12,
    groups: [
      { function: 'main.(*notifier).watch', location: 'sample-service/notifier.go:31', count: watch },
      { function: 'main.main', location: 'sample-service/main.go:50', count: 1 },
      { function: 'net/http.(*conn).serve', location: 'http/server.go:1991', count: 11 },
    ],
  };
}
