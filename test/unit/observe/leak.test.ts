/** Leak detection on generated series: a leak is found and timed; sawtooth, cycle, warm-up and step are not leaks. */
import { seededRandom } from '../../../lab/components/load-generator.js';
import { detectLeak } from '../../../src/observe/leak.js';

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
