/**
 * Did a series step up, when, and for good? One change point: the split that leaves the least
 * absolute deviation from each side's median (an L1 change point), scored as the median after it
 * over the median before it in units of the spread before it (BARO's robust score).
 * A step counts only when it is
 *   - material: larger than `minChange` in the series' own unit, and `minRatio` times the level before;
 *   - sustained: the last fifth of the series is still up (a spike that went back is not a shift);
 *   - new: the level after is above what the series reached before (a daily cycle has been there).
 * Pure; O(n log n) per candidate split, on a coarse grid of candidates refined around the best.
 */
import type { Point } from './signals.js';
import { iqr, median, quantile, valuesOf } from './stats.js';

export interface ShiftOptions {
  /** The smallest change that matters, in the series' unit (e.g. 0.01 for an error ratio). */
  minChange: number;
  /** The smallest ratio of after to before that matters (e.g. 2: doubled). */
  minRatio: number;
}

export interface Shift {
  /** When the step happened, seconds. */
  onset: number;
  before: number;
  after: number;
  /** (after − before) / spread before. */
  score: number;
}

const scoreAt = (values: number[], k: number) => {
  const before = values.slice(0, k);
  const after = values.slice(k);
  const spread = Math.max(iqr(before), 1e-9, Math.abs(median(before)) * 0.01);
  return { before: median(before), after: median(after), score: (median(after) - median(before)) / spread };
};

/** How far the values stray from their own side's median, split at k. */
function costAt(values: number[], k: number): number {
  const deviation = (part: number[]) => {
    const m = median(part);
    return part.reduce((sum, v) => sum + Math.abs(v - m), 0);
  };
  return deviation(values.slice(0, k)) + deviation(values.slice(k));
}

/** The upward step of the series, or undefined when it has none that matters. */
export function upwardShift(points: readonly Point[], options: ShiftOptions): Shift | undefined {
  const usable = points.filter(([, v]) => Number.isFinite(v));
  const values = valuesOf(usable);
  const n = values.length;
  if (n < 20) return undefined;
  const lowest = Math.ceil(n * 0.2);
  const highest = Math.floor(n * 0.9);
  const coarse = Math.max(1, Math.floor(n / 40));
  let best = lowest;
  for (let k = lowest; k <= highest; k += coarse) if (costAt(values, k) < costAt(values, best)) best = k;
  for (let k = Math.max(lowest, best - coarse); k <= Math.min(highest, best + coarse); k++)
    if (costAt(values, k) < costAt(values, best)) best = k;
  const { before, after, score } = scoreAt(values, best);
  const material = after - before >= options.minChange && after >= before * options.minRatio && score >= 3;
  const tail = median(values.slice(Math.floor(n * 0.8)));
  const sustained = tail - before >= (after - before) / 2;
  const novel = tail > quantile(values.slice(0, best), 0.95);
  if (!material || !sustained || !novel) return undefined;
  return { onset: usable[best]![0], before, after, score };
}
