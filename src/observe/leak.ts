/**
 * Leak detection for patrols: is a resource (memory, goroutines) growing for good? A leak raises
 * the floor of the series steadily, over the whole range. So the samples are reduced to per-bucket
 * floors (a low percentile: a garbage collector's sawtooth drops back to the floor, a leak lifts
 * it), then these must hold:
 *   - a Mann-Kendall test finds a significant upward trend over the whole range, with a
 *     Theil-Sen slope that grows the level by at least `minGrowth` over the range;
 *   - the trend is there in the first half and in the second half on its own, at comparable
 *     slopes: a warm-up (fast rise, then a plateau) and a single step up lack it in one half
 *     (a series flat, then growing for good, is judged again from where it starts to grow);
 *   - the last third still grows at a third of the overall slope or more: a warm-up levels off;
 *   - the floor rises across consecutive quarters: a daily cycle goes back down.
 * A series that falls back sharply three times or more (a collector slower than the buckets, whose
 * teeth span many samples) is judged by its low points after each fall instead: a leak lifts them,
 * a sawtooth does not. Only the life of the process running now is judged: from its start when it
 * is known (from its first collection on, past the warm-up that fills its heap), else from the last
 * fall to a quarter of the level before (a restart).
 * Pure; O(b²) in the number of buckets (at most 120).
 */
import { mannKendall, median, theilSen } from './trend.js';

export interface LeakOptions {
  /** The value at which the resource runs out (e.g. a memory limit), for the time-to-limit estimate. */
  limit?: number;
  /** Smallest growth over the range, relative to the starting floor, that counts (default 5%). */
  minGrowth?: number;
  /** Smallest growth over the range in the series' own units (default 0): below it, too small to matter. */
  minAbsoluteGrowth?: number;
  buckets?: number;
  /**
   * When the process behind the series last started (seconds since the epoch), where that is known
   * (e.g. from `process_start_time_seconds`): a start inside the window begins the judged range.
   * Known starts also mean a fall of the series is never taken for a restart.
   */
  startedAt?: number;
  /** Where the window begins, when the series itself begins later (a process younger than the window). */
  windowStart?: number;
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
  if (options.startedAt !== undefined && samples.length > 0) return sinceStart(samples, options.startedAt, options);
  const all = bucketFloors(samples, options.buckets ?? 60);
  // A restart starts the series again (it falls to a fraction of its level): growth before it says
  // nothing about the process running now, and what follows it begins with a warm-up. So only
  // the part since the last restart is judged.
  const restart = lastRestart(all);
  if (restart === undefined) return judgeRange(all, options, '', true);
  const at = clockOf(all[restart]![0]);
  if (all.length - restart < all.length / 2)
    return verdict(false, 0, 1, `too soon after the restart at ${at} to judge (a warm-up)`);
  return judgeRange(all.slice(restart), options, `, since the restart at ${at}`, false);
}

/** The process' start is known: judge only its life, once it has lasted half the window. */
function sinceStart(samples: readonly Point[], startedAt: number, options: LeakOptions): LeakVerdict {
  const end = samples.at(-1)![0];
  const windowStart = Math.min(options.windowStart ?? samples[0]![0], samples[0]![0]);
  if (startedAt <= windowStart) return judgeRange(bucketFloors(samples, options.buckets ?? 60), options, '', true);
  const at = clockOf(startedAt);
  if (end - startedAt < (end - windowStart) / 2)
    return verdict(false, 0, 1, `too soon after the process started at ${at} to judge (a warm-up)`);
  const floors = bucketFloors(
    samples.filter(([t]) => t >= startedAt),
    options.buckets ?? 60,
  );
  return judgeRange(floors, options, `, since the process started at ${at}`, false, true);
}

/**
 * Judges floors: by their low points when the series falls back sharply, else as a whole — and,
 * when `mayBeginLate`, from where a growth that began inside the range starts.
 */
function judgeRange(
  floors: Point[],
  options: LeakOptions,
  since: string,
  mayBeginLate: boolean,
  startsInside = false,
): LeakVerdict {
  const falls = sharpFalls(floors);
  if (falls.length >= 3) {
    const judged = judgeLowPoints(floors, falls, options);
    return { ...judged, reason: `${judged.reason}${since}` };
  }
  // A process that starts in the range fills its heap until its first collection: a warm-up. What
  // follows that first fall is what the process does for good.
  if (startsInside && falls.length > 0) {
    const settled = floors.slice(falls[0]);
    if (settled.length < floors.length / 2)
      return verdict(false, 0, 1, `too soon after the first collection since the process started to judge${since}`);
    const judged = judgeFloors(settled, options).verdict;
    return { ...judged, reason: `${judged.reason}${since}, after its first collection` };
  }
  // One or two falls: noise, a slow collector or a flush; the floor as a whole still says if it rises.
  const whole = judgeFloors(floors, options);
  if (whole.leak || !whole.speedsUp || !mayBeginLate)
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

/**
 * Where the floors fall sharply from one bucket to the next: by a quarter of their whole range or
 * more, and by three times the typical rise between two buckets. That is a collection the buckets
 * do not smooth out (the heap climbs in small steps, then drops at once), or a restart; noise rises
 * as steeply as it falls, and a leak's dips are small against its growth.
 */
function sharpFalls(floors: readonly Point[]): number[] {
  const values = floors.map(([, v]) => v);
  const range = Math.max(...values) - Math.min(...values);
  const steps = values.slice(1).map((v, i) => v - values[i]!);
  const rises = steps.filter((step) => step > 0);
  const typicalRise = rises.length > 0 ? median(rises) : 0;
  if (!(range > 0)) return [];
  return steps.flatMap((step, i) => (-step >= range / 4 && -step >= 3 * typicalRise ? [i + 1] : []));
}

/**
 * A sawtooth is judged by its low points: the lowest floor after each fall, up to the next (what
 * precedes the first fall is a tooth begun before the range, or a warm-up). A leak lifts each of
 * them; a collector returns to the same level. Few low points are judged on their rise and growth
 * alone; twelve or more like any floors.
 */
function judgeLowPoints(floors: readonly Point[], falls: number[], options: LeakOptions): LeakVerdict {
  const lows = falls.map((from, k) =>
    floors.slice(from, falls[k + 1] ?? floors.length).reduce((low, p) => (p[1] < low[1] ? p : low)),
  );
  const count = `${lows.length} fall${lows.length === 1 ? '' : 's'}`;
  if (lows.length >= 12) {
    const judged = judgeFloors(lows, options).verdict;
    return { ...judged, reason: `low points after each fall (${count}): ${judged.reason}` };
  }
  const { slope, intercept } = theilSen(lows);
  const pValue = mannKendall(lows);
  const span = floors.at(-1)![0] - floors[0]![0];
  const start = intercept + slope * floors[0]![0];
  const growth = slope * span;
  const rising = lows.every((p, i) => i === 0 || p[1] > lows[i - 1]![1]);
  const levels = lows.map(([, v]) => formatAmount(v)).join(', ');
  if (!rising || slope <= 0)
    return verdict(
      false,
      slope,
      pValue,
      `the low points after each fall (${levels}) do not rise one after another: a sawtooth, not a leak`,
    );
  if (
    growth / Math.max(Math.abs(start), 1e-9) < (options.minGrowth ?? 0.05) ||
    growth < (options.minAbsoluteGrowth ?? 0)
  )
    return verdict(
      false,
      slope,
      pValue,
      `the low points after each fall (${levels}) rise by ${formatAmount(growth)} over the range, too little to matter`,
    );
  const level = intercept + slope * floors.at(-1)![0];
  return {
    leak: true,
    slopePerSecond: slope,
    pValue,
    ...(options.limit !== undefined ? { secondsToLimit: Math.max(0, (options.limit - level) / slope) } : {}),
    reason:
      `the low points after each fall (${levels}) rise one after another, ` +
      `by ${formatAmount(growth)} over the range`,
  };
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
      `the growth ${late < early ? 'slows down' : 'speeds up'} threefold between the halves: ` +
        'a warm-up or a single step, not a steady leak',
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
