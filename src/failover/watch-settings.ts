/**
 * A service's datacenter watch settings, from its inventory entry's `failover` section with the
 * defaults filled in; and what is wrong with the section, for the inventory's rules. Pure.
 */
import type { Service } from '../manifest/model.js';
import { parseDuration, parsePercent } from '../manifest/units.js';
import { roleOf } from '../patrol/service-signals.js';
import type { CapacityFacts } from './capacity.js';
import { defaultTiming, type Timing } from './watch-machine.js';

export interface WatchSettings {
  everyMs: number;
  /** The $window of the metric series. */
  window: string;
  timing: Timing;
  capacity: CapacityFacts;
  probePath: string;
}

type Failover = NonNullable<Service['spec']['failover']>;

/** The settings, defaults where the section (or the whole section) is unsaid. */
export function watchSettingsOf(service: Service): WatchSettings {
  const f: Failover = service.spec.failover ?? {};
  const ms = (text: string | undefined, fallback: number) =>
    text === undefined ? fallback : (parseDuration(text) ?? fallback / 1000) * 1000;
  const share = (value: unknown, fallback: number) => (parsePercent(value) ?? fallback * 100) / 100;
  return {
    everyMs: ms(f.every, 5000),
    window: f.window ?? '15s',
    timing: {
      enterAfterMs: ms(f.enterAfter, defaultTiming.enterAfterMs),
      recoveryDwellMs: ms(f.recoveryDwell, defaultTiming.recoveryDwellMs),
      maxRecoveryDwellMs: Math.max(defaultTiming.maxRecoveryDwellMs, ms(f.recoveryDwell, 0) * 8),
      minDrainedMs: Math.min(defaultTiming.minDrainedMs, ms(f.recoveryDwell, defaultTiming.recoveryDwellMs)),
      warmStepHoldMs: ms(f.stepHold, defaultTiming.warmStepHoldMs),
      warmSteps: f.warmUp ? f.warmUp.map((p) => share(p, 1)) : defaultTiming.warmSteps,
      overrideTtlMs: ms(f.overrideTtl, defaultTiming.overrideTtlMs),
    },
    capacity: {
      capacityRps: { ...(f.capacity ?? {}) },
      headroom: share(f.headroom, 1),
      maxUtilisation: share(f.maxUtilisation, 0.8),
    },
    probePath: f.probePath ?? '/',
  };
}

/** Problems with the section, each with the field it is about (under spec.failover). */
export interface FailoverProblem {
  path: (string | number)[];
  message: string;
  /** The problem is the key itself (a name), not its value. */
  key?: boolean;
}

export function failoverProblems(service: Service): FailoverProblem[] {
  const f: Failover | undefined = service.spec.failover;
  if (!f) return [];
  const problems: FailoverProblem[] = [];
  const names = service.spec.datacenters.map((d) => d.name);
  if (names.length < 2)
    problems.push({ path: [], message: 'the datacenter watch needs at least two datacenters to move traffic between' });
  service.spec.datacenters.forEach((dc, i) => {
    if (!dc.haproxy)
      problems.push({
        path: [],
        message:
          `datacenter '${dc.name}' has no haproxy backend (datacenters[${i}].haproxy): ` +
          "the watch probes a drained datacenter's servers there",
      });
  });
  for (const dc of Object.keys(f.capacity ?? {}))
    if (!names.includes(dc))
      problems.push({
        path: ['capacity', dc],
        key: true,
        message: `'${dc}' is not a datacenter of the service: write one of ${names.join(', ')}`,
      });
  const steps = (f.warmUp ?? []).map((p) => parsePercent(p));
  steps.forEach((step, i) => {
    if (step === undefined || step <= 0 || step > 100)
      problems.push({
        path: ['warmUp', i],
        message: `'${f.warmUp![i]}' is not a share: write a percentage above 0 and up to 100%`,
      });
    else if (i > 0 && step <= (steps[i - 1] ?? 0))
      problems.push({ path: ['warmUp', i], message: 'warm-up steps must rise: each above the one before' });
  });
  if (steps.length && steps.at(-1) !== 100)
    problems.push({
      path: ['warmUp', steps.length - 1],
      message: 'the last warm-up step must be 100%: the datacenter ends at its normal share',
    });
  for (const key of ['headroom', 'maxUtilisation'] as const) {
    const value = f[key];
    if (value !== undefined && !((parsePercent(value) ?? -1) > 0))
      problems.push({ path: [key], message: `'${value}' is not a share: write a percentage above 0, e.g. 80%` });
  }
  const latency = Object.entries(service.spec.metrics ?? {}).some(
    ([name, b]) => b.series !== undefined && roleOf(name, b.role) === 'latency',
  );
  const timeouts = f.timeouts === undefined ? undefined : service.spec.metrics?.[f.timeouts];
  if (f.timeouts !== undefined && !timeouts?.series)
    problems.push({
      path: ['timeouts'],
      message: timeouts
        ? `metric '${f.timeouts}' has no per-instance \`series\`: the watch reads timeouts per instance`
        : `no metric '${f.timeouts}' in spec.metrics: ` +
          'name the metric whose series is the share of requests that timed out',
    });
  if (!latency)
    problems.push({
      path: [],
      message: 'the datacenter watch reads a latency metric per instance: give one in spec.metrics a `series` query',
    });
  return problems;
}
