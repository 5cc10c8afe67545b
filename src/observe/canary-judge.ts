/**
 * The canary judge: is a lane worse than the stable version serving the same segment? Both give
 * samples of one metric over the same window (an error ratio, a latency); a one-sided Mann-Whitney
 * U test asks whether the lane's values are stochastically worse, and the larger of the difference
 * of means and the Hodges-Lehmann estimate (the median of every lane-minus-baseline difference)
 * says by how much: the mean sees errors that come in bursts (most windows clean, some very bad),
 * where the median of differences is 0. A lane fails only when both hold: the difference is
 * significant and larger than what matters. Too few samples on either side is no verdict (the lane
 * waits), never a failure. Pure.
 */
import { median, normalTail } from './trend.js';

export interface CanaryJudgeOptions {
  /** Significance of the one-sided test (default 0.02: Kayenta's 98% confidence). */
  alpha?: number;
  /** The smallest worsening that matters, in the metric's units (e.g. 0.01 for a point of error ratio). */
  minEffect: number;
  /** ...and relative to the baseline's median (default 0.25, a quarter worse, when higher is worse; else 0). */
  minRelativeEffect?: number;
  /** Fewest samples a side needs before anything is judged (default 10). */
  minSamples?: number;
  /** Which way is worse (default: higher, as errors and latency; lower for a success rate). */
  worse?: 'higher' | 'lower';
}

export interface CanaryVerdict {
  verdict: 'pass' | 'fail' | 'nodata';
  /** One-sided p-value that the lane is worse; 1 without data. */
  pValue: number;
  /** How much worse the lane is, in the metric's units: the larger of the mean difference and Hodges-Lehmann. */
  effect: number;
  laneMedian?: number;
  baselineMedian?: number;
  samples: { lane: number; baseline: number };
  /** Why, in plain words, with the numbers. */
  reason: string;
}

export function judgeCanary(
  lane: readonly number[],
  baseline: readonly number[],
  options: CanaryJudgeOptions,
): CanaryVerdict {
  // Lower is worse: judged as the negated values, so "worse" is always "larger".
  const sign = options.worse === 'lower' ? -1 : 1;
  const [l, b] = [lane, baseline].map((values) => values.filter(Number.isFinite).map((v) => sign * v)) as [
    number[],
    number[],
  ];
  const minSamples = options.minSamples ?? 10;
  const samples = { lane: l.length, baseline: b.length };
  if (l.length < minSamples || b.length < minSamples) {
    return {
      verdict: 'nodata',
      pValue: 1,
      effect: 0,
      samples,
      reason:
        `too few samples to compare (${l.length} from the lane, ${b.length} from the baseline; ` +
        `${minSamples} each needed): waiting, not failing`,
    };
  }
  const pValue = mannWhitneyGreater(l, b);
  const effect = Math.max(hodgesLehmann(l, b), mean(l) - mean(b));
  const [laneMedian, baselineMedian] = [sign * median(l), sign * median(b)];
  // A quarter of the baseline is a fair bar for errors and latency; for a success rate near 100%
  // it would be meaningless, so there only the absolute bar holds unless one is given.
  const relative = options.minRelativeEffect ?? (options.worse === 'lower' ? 0 : 0.25);
  const threshold = Math.max(options.minEffect, relative * Math.abs(baselineMedian));
  const alpha = options.alpha ?? 0.02;
  const numbers =
    `lane median ${round(laneMedian)} vs baseline ${round(baselineMedian)}, difference ${round(effect)}, ` +
    `one-sided Mann-Whitney p = ${pValue.toExponential(1)}`;
  if (pValue < alpha && effect > threshold)
    return {
      verdict: 'fail',
      pValue,
      effect,
      laneMedian,
      baselineMedian,
      samples,
      reason: `worse than the baseline (${numbers}; more than ${round(threshold)} matters)`,
    };
  const why =
    pValue >= alpha
      ? `not significantly worse (p ≥ ${alpha})`
      : `worse by no more than ${round(threshold)}, which does not matter`;
  return { verdict: 'pass', pValue, effect, laneMedian, baselineMedian, samples, reason: `${why}: ${numbers}` };
}

/** One-sided p-value that `a` is stochastically greater than `b` (normal approximation, corrected for ties). */
export function mannWhitneyGreater(a: readonly number[], b: readonly number[]): number {
  const all = [...a.map((v) => ({ v, fromA: true })), ...b.map((v) => ({ v, fromA: false }))].sort((x, y) => x.v - y.v);
  const n = all.length;
  let rankSumA = 0;
  let tieTerm = 0;
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && all[j + 1]!.v === all[i]!.v) j++;
    const rank = (i + j) / 2 + 1;
    const size = j - i + 1;
    tieTerm += size ** 3 - size;
    for (let k = i; k <= j; k++) if (all[k]!.fromA) rankSumA += rank;
    i = j + 1;
  }
  const [n1, n2] = [a.length, b.length];
  const u = rankSumA - (n1 * (n1 + 1)) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (variance <= 0) return 1;
  const z = (u - (n1 * n2) / 2 - 0.5) / Math.sqrt(variance);
  return z >= 0 ? normalTail(z) : 1 - normalTail(-z);
}

/** The median of every difference a[i] - b[j]. */
export function hodgesLehmann(a: readonly number[], b: readonly number[]): number {
  const differences: number[] = [];
  for (const x of a) for (const y of b) differences.push(x - y);
  return median(differences);
}

const round = (v: number) => Number(v.toPrecision(3));
const mean = (values: readonly number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
