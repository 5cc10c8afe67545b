/**
 * The facts every rule reads, computed once per diagnosis: which series leak (goroutines, memory),
 * which step up (errors, latency, traffic) and where — per instance, datacenter, version and for
 * the whole service — and the changes ZeroOps made shortly before. Pure.
 */
import { detectLeak, type LeakVerdict } from '../observe/leak.js';
import { upwardShift, type Shift, type ShiftOptions } from './shift.js';
import { aggregate, ofRole, perInstance, type Change, type Series, type SignalSet } from './signals.js';
import { combine } from './stats.js';

export interface Leak {
  series: Series;
  verdict: LeakVerdict;
}

export interface Scoped {
  key: string;
  shift: Shift;
}

export interface Degradation {
  role: 'errors' | 'latency';
  service?: Shift;
  byDc: Scoped[];
  byInstance: Scoped[];
  byVersion: Scoped[];
  /** Every datacenter and instance that has the role's series, shifted or not. */
  dcs: string[];
  instances: string[];
}

export interface Facts {
  signals: SignalSet;
  goroutineLeaks: Leak[];
  memoryLeaks: Leak[];
  /** Resource series that leak nowhere, with the detector's reason (a sawtooth, a warm-up…). */
  calm: Leak[];
  degradations: Degradation[];
  traffic?: Shift;
}

/** What matters for each role: errors by a point of ratio and doubled, latency by 50 ms and half again. */
const thresholds: Record<'errors' | 'latency' | 'traffic', ShiftOptions> = {
  errors: { minChange: 0.01, minRatio: 2 },
  latency: { minChange: 0.05, minRatio: 1.5 },
  traffic: { minChange: 0, minRatio: 1.5 },
};

/**
 * Growth too small to be an incident, whatever its shape: a fresh Go process' heap climbs to its
 * first collection (4 MiB) in any healthy service, and a handful of goroutines come and go.
 */
const materialGrowth = (role: 'goroutines' | 'memory', limit?: number) =>
  role === 'memory' ? Math.max(4 * 2 ** 20, (limit ?? 0) / 100) : 20;

export function factsOf(signals: SignalSet): Facts {
  const leaks = (role: 'goroutines' | 'memory') =>
    perInstance(ofRole(signals, role)).map((series) => {
      const limit = role === 'memory' ? signals.limits.memoryBytes : undefined;
      const startedAt = startOf(signals, series);
      return {
        series,
        verdict: detectLeak(series.points, {
          limit,
          minAbsoluteGrowth: materialGrowth(role, limit),
          windowStart: signals.window.start,
          ...(startedAt !== undefined ? { startedAt } : {}),
        }),
      };
    });
  const [goroutines, memory] = [leaks('goroutines'), leaks('memory')];
  const traffic = trafficOf(ofRole(signals, 'traffic'));
  return {
    signals,
    goroutineLeaks: goroutines.filter((l) => l.verdict.leak),
    memoryLeaks: memory.filter((l) => l.verdict.leak),
    calm: [...goroutines, ...memory].filter((l) => !l.verdict.leak),
    degradations: (['errors', 'latency'] as const).map((role) => degradationOf(signals, role)),
    traffic: traffic && upwardShift(traffic, thresholds.traffic),
  };
}

/**
 * When the process behind an instance's series last started: what its `started` series says, or
 * where the series itself begins when that is well inside the window (a process younger than it).
 */
function startOf(signals: SignalSet, series: Series): number | undefined {
  const started = perInstance(ofRole(signals, 'started')).find((s) => s.where.instance === series.where.instance);
  const reported = started?.points.filter(([t]) => t <= signals.window.end).map(([, value]) => value);
  if (reported?.length) return Math.max(...reported);
  const first = series.points[0]?.[0];
  return first !== undefined && first > signals.window.start + 3 * signals.window.step ? first : undefined;
}

function trafficOf(series: Series[]) {
  const total = aggregate(series);
  if (total) return total.points;
  const each = perInstance(series);
  if (each.length === 0) return undefined;
  // The service's traffic is the sum over instances: the mean times their number.
  return combine(each.map((s) => s.points)).map(([t, v]): [number, number] => [t, v * each.length]);
}

function degradationOf(signals: SignalSet, role: 'errors' | 'latency'): Degradation {
  const series = ofRole(signals, role);
  const each = perInstance(series);
  const scoped = (key: (s: Series) => string | undefined): Scoped[] => {
    const groups = new Map<string, Series[]>();
    for (const s of each) {
      const k = key(s);
      if (k !== undefined) groups.set(k, [...(groups.get(k) ?? []), s]);
    }
    return [...groups].flatMap(([k, list]) => {
      const shift = upwardShift(combine(list.map((s) => s.points)), thresholds[role]);
      return shift ? [{ key: k, shift }] : [];
    });
  };
  const whole = aggregate(series)?.points ?? (each.length ? combine(each.map((s) => s.points)) : undefined);
  return {
    role,
    service: whole && upwardShift(whole, thresholds[role]),
    byDc: scoped((s) => s.where.dc),
    byInstance: scoped((s) => s.where.instance),
    byVersion: scoped((s) => s.where.version),
    dcs: [...new Set(each.flatMap((s) => (s.where.dc ? [s.where.dc] : [])))],
    instances: [...new Set(each.flatMap((s) => (s.where.instance ? [s.where.instance] : [])))],
  };
}

/**
 * The change that most plausibly triggered what started at `onset`: the last one that finished
 * before it — among those that deployed `version`, when the symptom belongs to a version and some
 * change deployed it (a restart since then, a remediation itself, did not bring the version).
 */
export function triggerOf(
  changes: readonly Change[],
  onset: number,
  lookbackSeconds: number,
  version?: string,
): Change | undefined {
  const deployed = version ? changes.filter((c) => c.version === version) : [];
  return [...(deployed.length ? deployed : changes)]
    .filter(
      (c) => (c.finishedAt ?? c.startedAt) <= onset + 30 && (c.finishedAt ?? c.startedAt) >= onset - lookbackSeconds,
    )
    .sort((a, b) => (b.finishedAt ?? b.startedAt) - (a.finishedAt ?? a.startedAt))[0];
}
