/**
 * Each datacenter's dynamic baseline: the median of its own recent calm samples. Only calm samples
 * taken while it served normally go in, so a slow spell never becomes the new normal. Pure.
 */
import { median } from '../diagnose/stats.js';
import type { Baseline, DatacenterSample } from './signals.js';

type Calm = Pick<DatacenterSample, 'p99Ms' | 'errorRatio' | 'timeoutRatio'>;

/** Calm samples per datacenter, newest last. */
export type BaselineHistory = Record<string, Calm[]>;

/** Enough history to trust (below it, the datacenter is judged against its peers only). */
const minSamples = 5;
const keep = 360; // 30 minutes of 5 s scrapes

export function rememberCalm(history: BaselineHistory, sample: DatacenterSample): BaselineHistory {
  const calm: Calm = { p99Ms: sample.p99Ms, errorRatio: sample.errorRatio, timeoutRatio: sample.timeoutRatio };
  return { ...history, [sample.dc]: [...(history[sample.dc] ?? []), calm].slice(-keep) };
}

export function baselineOf(history: BaselineHistory, dc: string): Baseline | undefined {
  const calm = history[dc] ?? [];
  if (calm.length < minSamples) return undefined;
  return {
    p99Ms: median(calm.map((c) => c.p99Ms)),
    errorRatio: median(calm.map((c) => c.errorRatio)),
    timeoutRatio: median(calm.map((c) => c.timeoutRatio)),
    samples: calm.length,
  };
}

/** The other datacenters now, as a baseline (their median). Undefined when there are none. */
export function peersNow(samples: readonly DatacenterSample[], dc: string): Baseline | undefined {
  const others = samples.filter((s) => s.dc !== dc && Number.isFinite(s.p99Ms));
  if (others.length === 0) return undefined;
  return {
    p99Ms: median(others.map((s) => s.p99Ms)),
    errorRatio: median(others.map((s) => s.errorRatio)),
    timeoutRatio: median(others.map((s) => s.timeoutRatio)),
    samples: others.length,
  };
}
