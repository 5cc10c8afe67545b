/** Leak detection on generated series: a leak is found and timed; sawtooth, cycle, warm-up and step are not leaks. */
import { readFileSync } from 'node:fs';
import { seededRandom } from '../../../lab/components/load-generator.js';
import { detectLeak } from '../../../src/observe/leak.js';
import { mannKendall, theilSen } from '../../../src/observe/trend.js';

const hours = (h: number) => h * 3600;
/** Samples every 30 s for `span` seconds of a shape, plus noise of ±noise (relative). */
function series(span: number, shape: (t: number) => number, noise = 0.03, seed = 11): [number, number][] {
  const random = seededRandom(seed);
  return Array.from({ length: Math.floor(span / 30) }, (_, i) => {
    const t = i * 30;
    const v = shape(t);
    return [t, v * (1 + (random() * 2 - 1) * noise)];
  });
}
const mb = 1024 * 1024;
/** A garbage collector: the heap climbs for 10 minutes, then drops back to the live set. */
const sawtooth = (t: number) => ((t % 600) / 600) * 80 * mb;

const seeds = [11, 23, 37, 41, 53];

describe('leak detection', () => {
  it.each(seeds)(
    'finds a steady leak under a GC sawtooth and noise, and estimates the time to the limit (noise seed %d)',
    (seed) => {
      const growth = (20 * mb) / 3600; // 20 MiB an hour
      const verdict = detectLeak(
        series(hours(6), (t) => 200 * mb + growth * t + sawtooth(t), 0.03, seed),
        { limit: 1024 * mb },
      );
      expect(verdict.leak).toBe(true);
      expect(verdict.slopePerSecond / growth).toBeGreaterThan(0.85);
      expect(verdict.slopePerSecond / growth).toBeLessThan(1.15);
      const expectedSeconds = (1024 * mb - (200 * mb + growth * hours(6))) / growth;
      expect(Math.abs(verdict.secondsToLimit! - expectedSeconds) / expectedSeconds).toBeLessThan(0.15);
    },
  );

  it.each(seeds)('finds a goroutine leak in noisy counts (noise seed %d)', (seed) => {
    expect(detectLeak(series(hours(2), (t) => 120 + t / 30, 0.08, seed)).leak).toBe(true);
  });

  it.each(seeds)('does not mistake a GC sawtooth for a leak (noise seed %d)', (seed) => {
    const verdict = detectLeak(series(hours(6), (t) => 200 * mb + sawtooth(t), 0.03, seed));
    expect(verdict).toMatchObject({ leak: false });
  });

  it.each(seeds)('does not mistake a daily cycle for a leak (noise seed %d)', (seed) => {
    const verdict = detectLeak(
      series(hours(48), (t) => 300 * mb * (1.5 + Math.sin((2 * Math.PI * t) / hours(24))), 0.03, seed),
    );
    expect(verdict.leak).toBe(false);
  });

  it.each(seeds)('does not mistake a warm-up (fast rise, then a plateau) for a leak (noise seed %d)', (seed) => {
    const verdict = detectLeak(
      series(hours(6), (t) => 100 * mb + 400 * mb * (1 - Math.exp(-t / hours(0.7))), 0.03, seed),
    );
    expect(verdict).toMatchObject({ leak: false, reason: expect.stringContaining('warm-up or a single step') });
  });

  it.each(seeds)('does not mistake a single step up for a leak (noise seed %d)', (seed) => {
    const verdict = detectLeak(series(hours(6), (t) => (t < hours(2.5) ? 200 : 320) * mb, 0.03, seed));
    expect(verdict.leak).toBe(false);
  });

  it.each(seeds)('finds a leak that began inside the window, and says since when (noise seed %d)', (seed) => {
    const growth = (40 * mb) / 3600;
    const onset = hours(2);
    const verdict = detectLeak(
      series(hours(6), (t) => 200 * mb + Math.max(0, t - onset) * growth + sawtooth(t), 0.03, seed),
    );
    expect(verdict.leak).toBe(true);
    expect(verdict.reason).toMatch(/, since \d\d:\d\d$/);
    expect(verdict.slopePerSecond / growth).toBeGreaterThan(0.8);
  });

  it.each(seeds)('does not mistake a warm-up that begins inside the window for a leak (noise seed %d)', (seed) => {
    const onset = hours(2);
    const warm = (t: number) => (t < onset ? 100 : 100 + 400 * (1 - Math.exp(-(t - onset) / hours(0.5)))) * mb;
    expect(detectLeak(series(hours(6), warm, 0.03, seed)).leak).toBe(false);
  });

  it.each(seeds)(
    'does not mistake a restart, its warm-up and a slow collector inside a short window for a leak (noise seed %d)',
    (seed) => {
      const random = seededRandom(seed);
      // One sample a second for a minute: a steady sawtooth, a restart, a cache filled over 5 s
      // (16 MiB), then garbage at 1 MiB/s collected only when the heap doubles (every ~17 s).
      for (let restart = 10; restart <= 45; restart++) {
        const heap = (t: number) => {
          if (t < restart) return 4 * mb + (t % 4) * mb;
          if (t < restart + 5) return 0.7 * mb + ((t - restart) / 5) * 16 * mb;
          return 17 * mb + ((t - restart - 5) % 17) * mb;
        };
        const samples = Array.from({ length: 60 }, (_, t): [number, number] => [
          t,
          heap(t) * (1 + (random() - 0.5) * 0.02),
        ]);
        expect([restart, detectLeak(samples, { minAbsoluteGrowth: 4 * mb }).leak]).toEqual([restart, false]);
      }
    },
  );

  it('judges a leak that a restart interrupted from the restart on, once half the window is past it', () => {
    const leaking = (restart: number) =>
      Array.from({ length: 60 }, (_, t): [number, number] => [t, 100 + 40 * (t < restart ? t : t - restart)]);
    expect(detectLeak(leaking(20)).reason).toMatch(/, since the restart at 00:00$/);
    expect(detectLeak(leaking(20)).leak).toBe(true);
    expect(detectLeak(leaking(40))).toMatchObject({
      leak: false,
      reason: 'too soon after the restart at 00:00 to judge (a warm-up)',
    });
  });

  it.each(seeds)('does not mistake two steps up for a leak (noise seed %d)', (seed) => {
    const steps = (t: number) => (t < hours(2) ? 200 : t < hours(4) ? 260 : 320) * mb;
    expect(detectLeak(series(hours(6), steps, 0.03, seed)).leak).toBe(false);
  });

  it('leaves growth below the material amount alone, however steady', () => {
    const climb = Array.from({ length: 60 }, (_, t): [number, number] => [t, 0.7 * mb + (t / 60) * 2 * mb]);
    expect(detectLeak(climb).leak).toBe(true);
    expect(detectLeak(climb, { minAbsoluteGrowth: 4 * mb })).toMatchObject({
      leak: false,
      reason: expect.stringMatching(/^the floor grows by [12]\.\d MiB over the range, too little to matter$/),
    });
  });

  it('needs enough samples to say anything', () => {
    expect(
      detectLeak([
        [0, 1],
        [30, 2],
        [60, 3],
      ]),
    ).toMatchObject({ leak: false, reason: 'too few samples to judge a trend' });
  });
});

/** One sample every `step` seconds, one per bucket: the floors are the samples themselves. */
const line = (value: (i: number) => number, n = 60, step = 1): [number, number][] =>
  Array.from({ length: n }, (_, i) => [i * step, value(i)]);

describe('leak verdicts on exact series', () => {
  it('gives the slope, the p-value, the growth and the time to the limit of a steady climb', () => {
    // 1000 + 10 per sample over 60 samples: the floors climb 590 over 59 bucket widths of 59/60 s.
    const verdict = detectLeak(
      line((i) => 1000 + 10 * i),
      { limit: 2180 },
    );
    expect(verdict).toMatchObject({
      leak: true,
      reason: 'the floor grows 59% over the range, steadily (Mann-Kendall p = 1.6e-29)',
    });
    expect(verdict.slopePerSecond).toBeCloseTo(600 / 59, 9);
    expect(verdict.pValue).toBeCloseTo(1.6432e-29, 33);
    expect(verdict.secondsToLimit).toBeCloseTo((2180 - 1590) / (600 / 59), 6);
    expect(
      detectLeak(
        line((i) => 1000 + 10 * i),
        { limit: 1200 },
      ).secondsToLimit,
    ).toBe(0);
    expect(detectLeak(line((i) => 1000 + 10 * i))).not.toHaveProperty('secondsToLimit', expect.anything());
  });

  it('measures growth against the size of the starting level', () => {
    expect(detectLeak(line((i) => -1000 + 10 * i)).reason).toBe(
      'the floor grows 59% over the range, steadily (Mann-Kendall p = 1.6e-29)',
    );
    expect(
      detectLeak(
        line((i) => 1000 + i),
        { minGrowth: 0.1 },
      ),
    ).toMatchObject({
      leak: false,
      reason: 'the floor grows only 5.9% over the range',
    });
    expect(detectLeak(line((i) => 1000 + i)).leak).toBe(true);
  });

  it('states growth too small to matter in the series’ own units, and in MiB only for a mebibyte or more', () => {
    expect(
      detectLeak(
        line((i) => 100 + 2 * i),
        { minAbsoluteGrowth: 200 },
      ),
    ).toMatchObject({
      leak: false,
      reason: 'the floor grows by 118 over the range, too little to matter',
    });
    expect(
      detectLeak(
        line((i) => 10_000 + 40 * i),
        { minAbsoluteGrowth: 5000 },
      ).reason,
    ).toBe('the floor grows by 2360 over the range, too little to matter');
    expect(
      detectLeak(
        line((i) => 100 + 2 * i),
        { minAbsoluteGrowth: 118 },
      ).leak,
    ).toBe(true);
  });

  it('sees no leak in a fall, nor in a single late step that most pairs of samples do not cross', () => {
    expect(detectLeak(line((i) => 1000 - 10 * i))).toMatchObject({
      leak: false,
      reason: 'no significant upward trend of the floor',
    });
    expect(detectLeak(line((i) => (i < 40 ? 0 : 1)))).toMatchObject({
      leak: false,
      slopePerSecond: 0,
      reason: 'no significant upward trend of the floor',
    });
  });

  it('sees no leak in a noisy rise that is not significant', () => {
    const random = seededRandom(5);
    const noise = Array.from({ length: 60 }, () => random() * 2 - 1);
    const verdict = detectLeak(line((i) => 100 + 0.3 * i + 30 * noise[i]!, 60, 360));
    expect(verdict).toMatchObject({ leak: false, reason: 'no significant upward trend of the floor' });
    expect(verdict.slopePerSecond).toBeGreaterThan(0);
  });

  it('needs each half to rise significantly on its own: a late step or noise in the first half is not enough', () => {
    const firstHalfNo = 'no upward trend in the first half on its own: a warm-up or a single step, not a leak';
    // The first half: flat, then one small step (significant, but most pairs of samples are level).
    const step = (i: number) => (i < 20 ? 100 : i < 30 ? 101 : i < 50 ? 101 + 10 * (i - 30) : 301);
    expect(detectLeak(line(step, 60, 360)).reason).toBe(firstHalfNo);
    // The first half: a slight rise under noise, not significant.
    const random = seededRandom(5);
    const noise = Array.from({ length: 60 }, () => random() * 2 - 1);
    const noisy = (i: number) => (i < 30 ? 100 + 0.3 * i + 30 * noise[i]! : i < 50 ? 109 + 10 * (i - 30) : 309);
    expect(detectLeak(line(noisy, 60, 360)).reason).toBe(firstHalfNo);
  });

  it('names the half without a trend of its own', () => {
    expect(detectLeak(line((i) => (i < 30 ? 100 + 10 * i : 400)))).toMatchObject({
      leak: false,
      reason: 'no upward trend in the second half on its own: a warm-up or a single step, not a leak',
    });
    expect(detectLeak(line((i) => (i < 40 ? 100 : 100 + 10 * (i - 40)), 60, 360))).toMatchObject({
      leak: false,
      reason: 'no upward trend in the first half on its own: a warm-up or a single step, not a leak',
    });
  });

  it('tells a growth that slows down threefold, one that levels off at the end, and a floor that dips', () => {
    expect(detectLeak(line((i) => (i < 30 ? 100 + 8 * i : 340 + (i - 30)))).reason).toBe(
      'the growth slows down threefold between the halves: a warm-up or a single step, not a steady leak',
    );
    expect(detectLeak(line((i) => (i < 46 ? 100 + 10 * i : 560))).reason).toBe(
      'the growth levels off in the last third: a warm-up or a single step, not a leak',
    );
    expect(detectLeak(line((i) => (i < 30 ? 100 + i : i < 50 ? 130 + 20 * (i - 30) : 530))).reason).toBe(
      'the growth speeds up threefold between the halves: a warm-up or a single step, not a steady leak',
    );
    // The third quarter's floor only as high as the second's is not a rise.
    expect(detectLeak(line((i) => 100 + 10 * i - (i >= 30 && i < 45 ? 150 : 0))).reason).toBe(
      'the floor does not rise quarter after quarter: a cycle, not a leak',
    );
    // Lower than the second, reached in two steps (one fall of a quarter of the range would be a sawtooth's).
    const dip = (i: number) => (i >= 30 && i < 45 ? 170 : i >= 28 && i < 30 ? 85 : 0);
    expect(detectLeak(line((i) => 100 + 10 * i - dip(i))).reason).toBe(
      'the floor does not rise quarter after quarter: a cycle, not a leak',
    );
  });

  it('judges a climb that starts late from the first cut where it is steady, and says since when', () => {
    const late = detectLeak(line((i) => (i < 20 ? 100 : 100 + 10 * (i - 20)), 60, 360));
    expect(late).toMatchObject({ leak: true, reason: expect.stringMatching(/, since 01:31$/) });
    expect(late.slopePerSecond).toBeCloseTo(10 / 354, 6);
    expect(detectLeak(line((i) => (i < 34 ? 100 : 100 + 10 * (i - 34)), 60, 360)).reason).toMatch(/, since 02:59$/);
    const speedsUp = (i: number) => (i < 30 ? 100 + 2 * i : 160 + 10 * (i - 30));
    expect(detectLeak(line(speedsUp, 60, 360)).reason).toMatch(/, since 02:00$/);
    expect(detectLeak(line((i) => 1000 + 10 * i, 60, 360)).reason).not.toContain('since');
  });

  it('needs twelve buckets of samples, and takes the number of buckets it is given', () => {
    expect(detectLeak([])).toMatchObject({ leak: false, slopePerSecond: 0, pValue: 1 });
    expect(detectLeak(line((i) => 100 + 10 * i, 12)).leak).toBe(true);
    expect(detectLeak(line((i) => 100 + 10 * i, 11))).toMatchObject({
      leak: false,
      reason: 'too few samples to judge a trend',
    });
    expect(
      detectLeak(
        line((i) => 100 + 10 * i),
        { buckets: 12 },
      ).leak,
    ).toBe(true);
    expect(
      detectLeak(
        line((i) => 100 + 10 * i),
        { buckets: 11 },
      ).reason,
    ).toBe('too few samples to judge a trend');
  });

  it('reads the floor of each bucket past a glitch to zero and past missing values', () => {
    // Eleven samples a bucket, the second of them a scrape that read 0: the floor is the next lowest.
    const glitches = line((i) => (i % 11 === 1 ? 0 : 1000 + i), 660, 30);
    const verdict = detectLeak(glitches);
    expect(verdict.leak).toBe(true);
    expect(verdict.slopePerSecond).toBeCloseTo(1 / 30, 3);
    const gaps = detectLeak(line((i) => (i % 7 === 3 ? NaN : 1000 + 10 * i)));
    expect(gaps.leak).toBe(true);
    expect(gaps.slopePerSecond).toBeCloseTo(600 / 59, 6);
  });
});

describe('a collector slower than the buckets, and processes that start inside the window', () => {
  /**
   * One sample a second for a minute: `level` MiB of live heap growing `leak` MiB/s, and 1 MiB/s of
   * garbage collected every `period` s.
   */
  const collected = (level: number, leak: number, period: number, seed = 3) => {
    const random = seededRandom(seed);
    return line((t) => (level + leak * t + (t % period)) * mb * (1 + (random() - 0.5) * 0.01));
  };

  it('judges the low points after each collection: a leak lifts them one after another', () => {
    const verdict = detectLeak(collected(20, 0.5, 12), { minAbsoluteGrowth: 5 * mb, limit: 512 * mb });
    expect(verdict).toMatchObject({
      leak: true,
      reason: expect.stringMatching(/^the low points after each fall \(.+\) rise one after another, by \d+\.\d MiB/),
    });
    expect(verdict.slopePerSecond / (0.5 * mb)).toBeCloseTo(1, 1);
    expect(verdict.secondsToLimit! / ((512 - 50) / 0.5)).toBeCloseTo(1, 1);
  });

  it('sees a sawtooth in low points that stay level, and too little in low points that barely rise', () => {
    expect(detectLeak(collected(17, 0, 16), { minAbsoluteGrowth: 5 * mb }).reason).toMatch(
      /^the low points after each fall \(.+\) do not rise one after another: a sawtooth, not a leak$/,
    );
    expect(detectLeak(collected(17, 0.05, 12, 5), { minAbsoluteGrowth: 5 * mb }).reason).toMatch(
      /^the low points after each fall \(.+\) rise by [0-4]\.\d MiB over the range, too little to matter$/,
    );
  });

  it('judges the floor as a whole when it falls back only once or twice: a slow collector, a dip of noise', () => {
    // Two collections in six hours (every two hours): too few low points, but the floor as a whole climbs.
    for (const seed of seeds) {
      const slow = series(
        hours(6),
        (t) => 200 * mb + ((20 * mb) / 3600) * t + 100 * mb * ((t % 7200) / 7200),
        0.03,
        seed,
      );
      expect([seed, detectLeak(slow, { minAbsoluteGrowth: 5 * mb })]).toEqual([
        seed,
        expect.objectContaining({ leak: true, reason: expect.not.stringMatching(/low points/) }),
      ]);
    }
    // A count sampled once a bucket, ±3% noise, 30% growth: a dip of noise is no collection.
    for (const seed of seeds) {
      const random = seededRandom(seed);
      const noisy = line((t) => (200 + t) * (1 + (random() - 0.5) * 0.06), 60, 15);
      expect([seed, detectLeak(noisy, { minAbsoluteGrowth: 20 }).leak]).toEqual([seed, true]);
    }
  });

  it('judges a process that started in the window from its first collection on, past its warm-up', () => {
    // Started at 10 s: a cache filled at 4 MiB/s, collected at 30 s, then 1 MiB/s of garbage collected every 25 s.
    const heap = line(
      (t) => (t < 30 ? 1 + 4 * Math.min(t - 10, 5) + (t - 15 > 0 ? t - 15 : 0) : 17 + ((t - 30) % 25)) * mb,
      70,
    );
    const verdict = detectLeak(heap.slice(10), { startedAt: 10, windowStart: 0, minAbsoluteGrowth: 5 * mb });
    expect(verdict).toMatchObject({
      leak: false,
      reason: expect.stringMatching(/, since the process started at 00:00, after its first collection$/),
    });
  });

  it('judges many low points like any floors', () => {
    const verdict = detectLeak(
      line((t) => (20 + 0.1 * t + (t % 8)) * mb, 120),
      { buckets: 120 },
    );
    expect(verdict).toMatchObject({
      leak: true,
      reason: expect.stringMatching(/^low points after each fall \(\d\d falls\): the floor grows/),
    });
  });

  it('judges only the life of a process whose start it is told, once that is half the window', () => {
    const restarted = line((t) => (t < 20 ? 300 + 2 * t : 100 + 40 * (t - 20)));
    expect(detectLeak(restarted, { startedAt: 20 })).toMatchObject({
      leak: true,
      reason: expect.stringMatching(/, since the process started at 00:00$/),
    });
    expect(detectLeak(restarted, { startedAt: 35 })).toMatchObject({
      leak: false,
      reason: 'too soon after the process started at 00:00 to judge (a warm-up)',
    });
    // A process younger than the window: half of the window, not of its own samples, must be past.
    expect(detectLeak(restarted.slice(40), { startedAt: 40, windowStart: 0 }).reason).toMatch(/^too soon after/);
    // Started before the window: the whole window is its life, and a fall is not a restart.
    const steady = line((t) => 100 + 40 * t);
    expect(detectLeak(steady, { startedAt: -100 })).toMatchObject({
      leak: true,
      reason: expect.not.stringMatching(/since/),
    });
  });

  it('takes no false leak from a lab instance restarted into a bigger heap, in any minute of the recording', () => {
    const recorded = JSON.parse(
      readFileSync(new URL('../../fixtures/series/lab-restart-heap.json', import.meta.url), 'utf8'),
    ) as { heapKiB: [number, number][]; startedAt: [number, number][] };
    const heap = recorded.heapKiB.map(([t, kib]): [number, number] => [t, kib * 1024]);
    const leaks: number[] = [];
    for (let from = 0; from + 60 < heap.length; from++) {
      const window = heap.slice(from, from + 61);
      const end = window.at(-1)![0];
      const startedAt = Math.max(...recorded.startedAt.filter(([t]) => t <= end).map(([, at]) => at));
      const options = { minAbsoluteGrowth: 5.12 * mb, limit: 512 * mb, startedAt, windowStart: window[0]![0] };
      if (detectLeak(window, options).leak) leaks.push(from);
    }
    expect(leaks).toEqual([]);
  });
});

describe('the statistics', () => {
  it('Mann-Kendall: the two-sided p-value, corrected for ties, 1 when there is nothing to test', () => {
    const rising = line((i) => i, 10);
    expect(mannKendall(rising)).toBeCloseTo(8.3066e-5, 8);
    expect(mannKendall(line((i) => -i, 10))).toBeCloseTo(8.3066e-5, 8);
    const zigzag = line((i) => [1, 3, 2, 5, 4, 7, 6, 9, 8, 10][i]!, 10);
    expect(mannKendall(zigzag)).toBeCloseTo(0.00128231, 7);
    expect(mannKendall(line((i) => [1, 1, 2, 2, 3, 3][i]!, 6))).toBeCloseTo(0.0288537, 6);
    expect(mannKendall(line((i) => [1, 2, 1, 2][i]!, 4))).toBeCloseTo(0.698535, 5);
    expect(mannKendall(line(() => 1, 10))).toBe(1);
    expect(mannKendall(line((i) => [1, 2, 2, 1][i]!, 4))).toBeCloseTo(1, 8);
    expect(mannKendall(line((i) => i, 2))).toBe(1);
    expect(mannKendall(line((i) => i, 3))).toBeCloseTo(0.29627, 5);
  });

  it('Theil-Sen: the median pairwise slope, past an outlier and samples at the same time, and its intercept', () => {
    expect(theilSen(line((i) => [0, 1, 2, 10][i]!, 4))).toEqual({
      slope: expect.closeTo(13 / 6, 12),
      intercept: expect.closeTo(-7 / 12, 12),
    });
    expect(
      theilSen([
        [0, 0],
        [0, 1],
        [1, 1],
      ]),
    ).toEqual({ slope: 0.5, intercept: 0.5 });
    expect(
      theilSen([
        [0, 1],
        [2, 5],
        [4, 9],
      ]),
    ).toEqual({ slope: 2, intercept: 1 });
  });
});
