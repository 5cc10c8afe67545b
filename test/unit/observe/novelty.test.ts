/** The novelty detector on generated series: what it must notice, and that one event raises one alarm. */
import { seededRandom } from '../../../lab/components/load-generator.js';
import { novelty, noveltyDefaults } from '../../../src/observe/detectors/novelty.js';

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
const run = (values: number[]) => {
  const detector = novelty();
  return values.map((v, i) => detector.update(i * fiveMinutes, v));
};
const alarms = (scores: number[], from = 0, to = scores.length) =>
  scores.slice(from, to).filter((s) => s >= noveltyDefaults.alarmLevel).length;

describe('novelty detector', () => {
  it.each([3, 17, 29])('stays quiet on a steady daily cycle once it has seen a few days (seed %d)', (seed) => {
    expect(alarms(run(daily(14, seed)), 3 * perDay)).toBe(0);
  });

  it.each([3, 17, 29])(
    'notices a daily peak that fails to come, though every value is one it has seen (seed %d)',
    (seed) => {
      const values = daily(14, seed, (day) => (day === 12 ? 20 : 80));
      const scores = run(values);
      const missingPeak = 12 * perDay + 8 * 12; // 08:00 on day 12
      expect(alarms(scores, missingPeak, missingPeak + 24)).toBe(1);
      expect(alarms(scores, 3 * perDay, 12 * perDay)).toBe(0);
    },
  );

  it('raises one alarm for a lasting shift in level, then is silent while it lasts', () => {
    const random = seededRandom(8);
    const values = Array.from({ length: 2000 }, (_, i) => (i < 1500 ? 50 : 90) + (random() - 0.5) * 4);
    const scores = run(values);
    expect(alarms(scores, 1500, 1503)).toBe(1);
    expect(alarms(scores, 1503, 1500 + noveltyDefaults.quietAfterAlarm)).toBe(0);
    expect(alarms(scores, 300, 1500)).toBe(0);
  });

  it('notices a quiet series going noisy inside its usual range', () => {
    const random = seededRandom(12);
    const values = Array.from({ length: 3000 }, (_, i) => {
      const base = 50 + 20 * Math.sin(i / 40);
      return i < 2500 ? base + (random() - 0.5) : 50 + (random() - 0.5) * 30;
    });
    const scores = run(values);
    expect(alarms(scores, 2500, 2600)).toBe(1);
    expect(alarms(scores, 500, 2500)).toBe(0);
  });

  it('scores a missing sample 0 and does not learn from it', () => {
    const values = daily(6, 5);
    const withGaps = values.flatMap((v, i) => (i % 50 === 0 ? [NaN, v] : [v]));
    const scores = run(withGaps);
    expect(scores.filter((_, i) => Number.isNaN(withGaps[i]))).toEqual(Array(scores.length - values.length).fill(0));
    expect(scores.every((s) => s >= 0 && s <= 1)).toBe(true);
    expect(alarms(scores, 3 * perDay)).toBe(0);
  });
});
