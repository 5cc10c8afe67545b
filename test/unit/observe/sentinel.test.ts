/** The product's detector on generated series: what it must notice, one alarm per event, and what it learns first. */
import { seededRandom } from '../../../lab/components/load-generator.js';
import { novelty } from '../../../src/observe/detectors/novelty.js';
import { sentinel, sentinelAlarmLevel, sentinelDefaults } from '../../../src/observe/detectors/sentinel.js';
import type { StreamingDetector, ValueRange } from '../../../src/observe/detectors/detector.js';

const fiveMinutes = 300_000;
const perDay = 288;
/** A daily cycle sampled every 5 minutes: 20 by night, 80 from 08:00 to 18:00, with noise. */
function daily(days: number, seed: number, peak = (_day: number) => 80): number[] {
  const random = seededRandom(seed);
  return Array.from({ length: days * perDay }, (_, i) => {
    const hour = ((i % perDay) * 5) / 60;
    return (hour >= 8 && hour < 18 ? peak(Math.floor(i / perDay)) : 20) + (random() - 0.5) * 6;
  });
}
const noise = (n: number, seed: number, level = 50, spread = 4) => {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => level + (random() - 0.5) * spread);
};
const run = (values: number[], detector: StreamingDetector = sentinel()) =>
  values.map((v, i) => detector.update(i * fiveMinutes, v));
const alarms = (scores: number[], from = 0, to = scores.length) =>
  scores.slice(from, to).filter((s) => s >= sentinelAlarmLevel).length;

describe('sentinel detector', () => {
  it.each([3, 17, 29])('stays quiet on a steady daily cycle once it has seen a few days (seed %d)', (seed) => {
    expect(alarms(run(daily(14, seed)), 3 * perDay)).toBe(0);
  });

  it.each([3, 17, 29])('notices a daily peak that fails to come, though every value is familiar (seed %d)', (seed) => {
    const scores = run(daily(14, seed, (day) => (day === 12 ? 20 : 80)));
    const missingPeak = 12 * perDay + 8 * 12; // 08:00 on day 12
    expect(alarms(scores, missingPeak, missingPeak + 24)).toBeGreaterThanOrEqual(1);
    expect(alarms(scores, 3 * perDay, 12 * perDay)).toBe(0);
  });

  it('raises one alarm for a lasting shift in level, then mutes its echo', () => {
    const values = noise(2000, 8).map((v, i) => (i < 1500 ? v : v + 40));
    const scores = run(values);
    expect(alarms(scores, 1500, 1503)).toBe(1);
    expect(alarms(scores, 1503, 1500 + sentinelDefaults.quietPoints)).toBe(0);
    expect(alarms(scores, 300, 1500)).toBe(0);
  });

  it('reports a much stronger anomaly right after a weak alarm, where plain silence would hide it', () => {
    const values = noise(2000, 21);
    values[1500] = 57; // a modest spike
    values[1560] = 150; // a far larger one, inside the first one's echo window
    const scores = run(values);
    expect(scores[1500]).toBeGreaterThanOrEqual(sentinelAlarmLevel);
    expect(scores[1560]).toBeGreaterThan(sentinelDefaults.escalation * scores[1500]!);
    expect(run(values, novelty())[1560]).toBe(0);
  });

  it('discounts surprise while its history is short, and not once it is long', () => {
    const spikeAt = (at: number, warmUp: boolean) => {
      const values = noise(at + 1, 5);
      values[at] = 60;
      return run(values, sentinel({ warmUp }))[at]!;
    };
    expect(spikeAt(300, true)).toBeLessThan(0.9 * spikeAt(300, false));
    expect(spikeAt(6000, true)).toBeCloseTo(spikeAt(6000, false), 12);
    expect(spikeAt(300, true)).toBeLessThan(spikeAt(6000, true));
  });

  it('given the range in advance, judges a level against it rather than against the series so far', () => {
    // A slow rise of 10, in steps smaller than the noise's, to a level the series never had.
    const values = noise(3000, 13).map((v, i) => v + Math.min(Math.max(i - 2500, 0), 50) / 5);
    const range: ValueRange = { min: 0, max: 500 };
    // Until the first 64-point shape holding the rise is complete (row 2519), only the level can tell.
    expect(alarms(run(values), 2500, 2519)).toBeGreaterThanOrEqual(1);
    expect(alarms(run(values, sentinel({}, range)), 2500, 2519)).toBe(0);
  });

  it('scores a missing sample 0 and does not learn from it', () => {
    const values = daily(6, 5);
    const withGaps = values.flatMap((v, i) => (i % 50 === 0 ? [NaN, v] : [v]));
    const scores = run(withGaps);
    const learned = run(values);
    expect(scores.filter((_, i) => Number.isNaN(withGaps[i]))).toEqual(Array(withGaps.length - values.length).fill(0));
    expect(alarms(scores, 3 * perDay)).toBe(alarms(learned, 3 * perDay));
  });
});
