/**
 * Leak detection for patrols: is a resource (memory, goroutines) growing for good? A leak raises
 * the floor of the series steadily, over the whole range. So the samples are reduced to per-bucket
 * floors (a low percentile: a garbage collector's sawtooth drops back to the floor, a leak lifts
 * it), then three things must hold:
 *   - a Mann-Kendall test finds a significant upward trend over the whole range, with a
 *     Theil-Sen slope that grows the level by at least `minGrowth` over the range;
 *   - the trend is there in the first half and in the second half on its own, at comparable
 *     slopes: a warm-up (fast rise, then a plateau) and a single step up lack it in one half
 *     (a series flat, then growing for good, is judged again from where it starts to grow);
 *   - the last third still grows at a third of the overall slope or more: a warm-up levels off;
 *   - the floor rises across consecutive quarters: a daily cycle goes back down.
 * Pure; O(b²) in the number of buckets (at most 120).
 */

export interface LeakOptions {
  /** The value at which the resource runs out (e.g. a memory limit), for the time-to-limit estimate. */
  limit?: number;
  /** Smallest growth over the range, relative to the starting floor, that counts (default 5%). */
  minGrowth?: number;
  /** Smallest growth over the range in the series' own units (default 0): below it, too small to matter. */
  minAbsoluteGrowth?: number;
  buckets?: number;
}

export interface LeakVerdict {
  leak: boolean;
  /** Theil-Sen slope of the floor, in value units per second. */
  slopePerSecond: number;
  /** Mann-Kendall two-sided p-value of the whole range. */
  pValue: number;
  /** Seconds until the floor reaches `limit` at this slope; undefined without a limit or a leak. */
  secondsToLimit?: number;
  /** Why, in plain words. */
  reason: string;
}

type Point = [seconds: number, value: number];

export function detectLeak(samples: readonly Point[], options: LeakOptions = {}): LeakVerdict {
  const all = bucketFloors(samples, options.buckets ?? 60);
  // A restart starts the series again (it falls to a fraction of its level): growth before it says
  // nothing about the process running now, and what follows it begins with a warm-up. So only
  // the part since the last restart is judged.
  const restart = lastRestart(all);
  const floors = restart === undefined ? all : all.slice(restart);
  const since = restart === undefined ? '' : `, since the restart at ${clockOf(all[restart]![0])}`;
  if (restart !== undefined && floors.length < all.length / 2)
    return verdict(false, 0, 1, `too soon after the restart at ${clockOf(all[restart]![0])} to judge (a warm-up)`);
  const whole = judgeFloors(floors, options);
  if (whole.leak || !whole.speedsUp || restart !== undefined)
    return { ...whole.verdict, reason: `${whole.verdict.reason}${since}` };
  // A leak that began inside the window (a deploy, a fault) is flat, then grows: judge it from
  // where the growth begins, as long as enough of the window is left to see it is steady.
  for (const cut of [1 / 4, 1 / 3, 1 / 2]) {
    const at = Math.floor(floors.length * cut);
    const from = judgeFloors(floors.slice(at), options);
    if (from.verdict.leak)
      return { ...from.verdict, reason: `${from.verdict.reason}, since ${clockOf(floors[at]![0])}` };
  }
  return whole.verdict;
}

/** Where the series last fell below a quarter of its highest level before: the process started again. */
function lastRestart(floors: readonly Point[]): number | undefined {
  let highest = -Infinity;
  let last: number | undefined;
  for (const [index, [, value]] of floors.entries()) {
    if (highest > 0 && value < highest / 4) {
      last = index;
      highest = value;
    }
    highest = Math.max(highest, value);
  }
  return last;
}

interface Judged {
  leak: boolean;
  verdict: LeakVerdict;
  /** The growth is there, but much faster in the second half: perhaps a leak that began late. */
  speedsUp?: boolean;
}

function judgeFloors(floors: Point[], options: LeakOptions): Judged {
  const no = (slope: number, pValue: number, reason: string, speedsUp = false): Judged => ({
    leak: false,
    verdict: verdict(false, slope, pValue, reason),
    speedsUp,
  });
  if (floors.length < 12) return no(0, 1, 'too few samples to judge a trend');
  const { slope, intercept } = theilSen(floors);
  const pValue = mannKendall(floors);
  const span = floors.at(-1)![0] - floors[0]![0];
  const start = intercept + slope * floors[0]![0];
  const growth = (slope * span) / Math.max(Math.abs(start), 1e-9);
  const minGrowth = options.minGrowth ?? 0.05;
  if (!(pValue < 0.01 && slope > 0)) return no(slope, pValue, 'no significant upward trend of the floor');
  if (growth < minGrowth) return no(slope, pValue, `the floor grows only ${(growth * 100).toFixed(1)}% over the range`);
  if (slope * span < (options.minAbsoluteGrowth ?? 0))
    return no(slope, pValue, `the floor grows by ${formatAmount(slope * span)} over the range, too little to matter`);
  const half = Math.floor(floors.length / 2);
  const halves = [floors.slice(0, half), floors.slice(half)];
  const [early, late] = halves.map((part) => theilSen(part).slope) as [number, number];
  for (const [i, part] of halves.entries()) {
    if (!(mannKendall(part) < 0.05 && theilSen(part).slope > 0)) {
      return no(
        slope,
        pValue,
        `no upward trend in the ${i ? 'second' : 'first'} half on its own: a warm-up or a single step, not a leak`,
        i === 0,
      );
    }
  }
  if (Math.min(early, late) / Math.max(early, late) < 1 / 3) {
    return no(
      slope,
      pValue,
      `the growth ${late < early ? 'slows down' : 'speeds up'} threefold between the halves: a warm-up or a single step, not a steady leak`,
      late > early,
    );
  }
  // A warm-up still rising when the window began levels off before it ends: the last third is flat.
  const tail = theilSen(floors.slice(Math.floor((floors.length * 2) / 3))).slope;
  if (tail < slope / 3)
    return no(slope, pValue, 'the growth levels off in the last third: a warm-up or a single step, not a leak');
  const quarters = [0, 1, 2, 3].map((q) =>
    median(
      floors.slice(Math.floor((q * floors.length) / 4), Math.floor(((q + 1) * floors.length) / 4)).map(([, v]) => v),
    ),
  );
  if (!quarters.every((v, i) => i === 0 || v > quarters[i - 1]!))
    return no(slope, pValue, 'the floor does not rise quarter after quarter: a cycle, not a leak');
  const now = floors.at(-1)![0];
  const level = intercept + slope * now;
  const secondsToLimit = options.limit !== undefined ? Math.max(0, (options.limit - level) / slope) : undefined;
  return {
    leak: true,
    verdict: {
      leak: true,
      slopePerSecond: slope,
      pValue,
      secondsToLimit,
      reason:
        `the floor grows ${(growth * 100).toFixed(0)}% over the range, steadily ` +
        `(Mann-Kendall p = ${pValue.toExponential(1)})`,
    },
  };
}

/** In MiB from a mebibyte up (a count of 2,000 goroutines is not 0.0 MiB), else as it is. */
const formatAmount = (value: number) => (value >= 2 ** 20 ? `${(value / 2 ** 20).toFixed(1)} MiB` : value.toFixed(0));

/** HH:MM (UTC) of a time in seconds. */
function clockOf(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(11, 16);
}

function verdict(leak: boolean, slopePerSecond: number, pValue: number, reason: string): LeakVerdict {
  return { leak, slopePerSecond, pValue, reason };
}

/** Per time bucket, the 10th percentile of its samples, at the bucket's middle time. */
function bucketFloors(samples: readonly Point[], buckets: number): Point[] {
  if (samples.length === 0) return [];
  const first = samples[0]![0];
  const width = (samples.at(-1)![0] - first) / buckets || 1;
  const groups = new Map<number, number[]>();
  for (const [t, v] of samples) {
    if (!Number.isFinite(v)) continue;
    const index = Math.min(buckets - 1, Math.floor((t - first) / width));
    groups.set(index, [...(groups.get(index) ?? []), v]);
  }
  return [...groups]
    .sort(([a], [b]) => a - b)
    .map(([index, values]) => {
      const sorted = values.sort((a, b) => a - b);
      return [first + (index + 0.5) * width, sorted[Math.floor(0.1 * (sorted.length - 1))]!];
    });
}

/** Median of pairwise slopes, and the median intercept for it. */
export function theilSen(points: readonly Point[]): { slope: number; intercept: number } {
  const slopes: number[] = [];
  for (let i = 0; i < points.length; i++) {
    for (let j = i + 1; j < points.length; j++) {
      const dt = points[j]![0] - points[i]![0];
      if (dt !== 0) slopes.push((points[j]![1] - points[i]![1]) / dt);
    }
  }
  const slope = median(slopes);
  return { slope, intercept: median(points.map(([t, v]) => v - slope * t)) };
}

/** Two-sided p-value of the Mann-Kendall trend test, with the variance corrected for ties. */
export function mannKendall(points: readonly Point[]): number {
  const n = points.length;
  if (n < 3) return 1;
  let s = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) s += Math.sign(points[j]![1] - points[i]![1]);
  const ties = new Map<number, number>();
  for (const [, v] of points) ties.set(v, (ties.get(v) ?? 0) + 1);
  let variance = (n * (n - 1) * (2 * n + 5)) / 18;
  for (const count of ties.values()) if (count > 1) variance -= (count * (count - 1) * (2 * count + 5)) / 18;
  if (variance <= 0) return 1;
  const z = s > 0 ? (s - 1) / Math.sqrt(variance) : s < 0 ? (s + 1) / Math.sqrt(variance) : 0;
  return 2 * normalTail(Math.abs(z));
}

function normalTail(z: number): number {
  // Abramowitz–Stegun 7.1.26 approximation of erfc.
  const x = z / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  return (
    (t *
      Math.exp(-x * x) *
      (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))) /
    2
  );
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
