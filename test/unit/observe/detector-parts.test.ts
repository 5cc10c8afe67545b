/** The parts the detectors are built from: envelope, time-of-day range, shape memory, alarm policies. */
import { seededRandom } from '../../../lab/components/load-generator.js';
import { EchoFilter } from '../../../src/observe/detectors/echo.js';
import { Envelope } from '../../../src/observe/detectors/envelope.js';
import { OncePerEvent } from '../../../src/observe/detectors/once-per-event.js';
import { ShapeMemory } from '../../../src/observe/detectors/shape-memory.js';
import { SlidingTop } from '../../../src/observe/detectors/sliding-top.js';
import { TimeOfDayRange } from '../../../src/observe/detectors/time-of-day-range.js';

const fill = (envelope: Envelope, values: number[]) => values.forEach((v) => envelope.push(v));

describe('Envelope', () => {
  it('measures how far a value steps outside, in widths, on either side', () => {
    const envelope = new Envelope({ block: 1 });
    fill(
      envelope,
      Array.from({ length: 100 }, (_, i) => 10 + (i % 11)),
    ); // 10..20
    expect(envelope.excess(15)).toBe(0);
    expect(envelope.excess(30)).toBeCloseTo(1);
    expect(envelope.excess(5)).toBeCloseTo(0.5);
  });

  it('ignores steps below when only steps above count', () => {
    const envelope = new Envelope({ block: 1, upperOnly: true });
    fill(envelope, [1, 2, 3, 2, 1]);
    expect(envelope.excess(-100)).toBe(0);
    expect(envelope.excess(5)).toBeGreaterThan(0);
  });

  it('leaves the rarest tail outside and keeps a lone extreme seen in a block', () => {
    const random = seededRandom(5);
    const envelope = new Envelope({ span: 5000, block: 4 });
    fill(
      envelope,
      Array.from({ length: 5000 }, () => random()),
    );
    expect(envelope.upper).toBeGreaterThan(0.99);
    expect(envelope.upper).toBeLessThan(1);
    expect(envelope.lower).toBeLessThan(0.01);
    const small = new Envelope({ span: 400, block: 4 });
    fill(small, [0.5, 0.5, 9, 0.5, ...Array(100).fill(0.5)]);
    expect(small.upper).toBe(9);
  });

  it('forgets what is older than its span', () => {
    const envelope = new Envelope({ span: 100, block: 4 });
    fill(envelope, [...Array(100).fill(50), ...Array(100).fill(1)]);
    expect(envelope.upper).toBe(1);
  });

  it('never takes a width below a scale known in advance', () => {
    const envelope = new Envelope({ block: 1, minWidth: 40 });
    fill(
      envelope,
      Array.from({ length: 100 }, (_, i) => 10 + (i % 11)),
    ); // 10..20: a width of 10 of its own
    expect(envelope.width).toBe(40);
    expect(envelope.excess(30)).toBeCloseTo(0.25);
  });

  it('gives a flat series a width of 1 % of its level, so a wiggle is not huge', () => {
    const envelope = new Envelope({ block: 1 });
    fill(envelope, Array(50).fill(200));
    expect(envelope.width).toBeCloseTo(4);
    expect(envelope.excess(201)).toBeCloseTo(0.25);
  });
});

describe('TimeOfDayRange', () => {
  const minute = 60_000;
  const day = 1440 * minute;
  /** One value per quarter hour for `days` days: 100 from 09:00 to 17:00, else 10. */
  const office = (range: TimeOfDayRange, days: number) => {
    for (let t = 0; t < days * day; t += 15 * minute) {
      const hour = (t % day) / (60 * minute);
      range.push(t, hour >= 9 && hour < 17 ? 100 : 10);
    }
  };

  it('trusts a slot only after enough values', () => {
    const range = new TimeOfDayRange({ minimum: 24 });
    office(range, 10);
    expect(range.excess(30 * day + 3 * 60 * minute, 100, 90)).toBe(0);
  });

  it('notices a level that the same time of day has never seen, in units of the given width', () => {
    const range = new TimeOfDayRange();
    office(range, 30);
    const threeAm = 30 * day + 3 * 60 * minute;
    const noon = 30 * day + 12 * 60 * minute;
    expect(range.excess(threeAm, 100, 90)).toBeCloseTo(1);
    expect(range.excess(noon, 10, 90)).toBeCloseTo(1);
    expect(range.excess(noon, 100, 90)).toBe(0);
    expect(range.excess(threeAm, 10, 90)).toBe(0);
  });
});

describe('SlidingTop', () => {
  /** The k-th largest of the last `capacity` values, the slow way. */
  const reference = (values: number[], capacity: number, k: number) =>
    [...values.slice(-capacity)].sort((a, b) => b - a)[k - 1];

  it.each([
    ['noise', (i: number, r: () => number) => r() + 0 * i],
    ['a falling series, which keeps every value', (i: number) => -i],
    ['a rising series', (i: number) => i],
    ['repeated values', (i: number, r: () => number) => Math.floor(r() * 3) + 0 * i],
  ])('gives the k-th largest of the window on %s', (_name, draw) => {
    const random = seededRandom(9);
    const top = new SlidingTop(50, 4);
    const seen: number[] = [];
    for (let i = 0; i < 400; i++) {
      const value = draw(i, random);
      top.push(value);
      seen.push(value);
      for (let k = 1; k <= Math.min(4, seen.length); k++) expect(top.largest(k)).toBe(reference(seen, 50, k));
    }
    expect(top.length).toBe(50);
  });
});

describe('ShapeMemory', () => {
  /** The mean distance of each new shape to its k nearest among the last `memory`, by brute force. */
  function bruteForce(values: number[], piece: number, length: number, memory: number, k: number) {
    const means: number[] = [];
    for (let i = 0; i + piece <= values.length; i += piece)
      means.push(values.slice(i, i + piece).reduce((a, b) => a + b, 0) / piece);
    const shapes = means.slice(length - 1).map((_, i) => means.slice(i, i + length));
    return shapes.map((shape, i) => {
      const past = shapes.slice(Math.max(0, i - memory), i);
      if (past.length < k) return undefined;
      const distances = past.map((p) => Math.sqrt(p.reduce((sum, v, j) => sum + (v - shape[j]!) ** 2, 0)));
      return (
        distances
          .sort((a, b) => a - b)
          .slice(0, k)
          .reduce((a, b) => a + b, 0) / k
      );
    });
  }

  it('finds the same nearest shapes as a search through all of them', () => {
    const random = seededRandom(4);
    const values = Array.from({ length: 3000 }, (_, i) => Math.sin(i / 30) * 10 + random() * 4 + (i > 2000 ? 8 : 0));
    const memory = new ShapeMemory({ piece: 4, length: 6, memory: 40, k: 3 });
    const answers = values.map((v) => memory.push(v, 0, 1)).filter((_, i) => (i + 1) % 4 === 0);
    const expected = bruteForce(values, 4, 6, 40, 3);
    expect(answers.slice(5)).toHaveLength(expected.length);
    answers.slice(5).forEach((answer, i) => {
      if (expected[i] === undefined) expect(answer).toBeUndefined();
      else expect(answer).toBeCloseTo(expected[i]!, 9);
    });
  });

  it('answers once per completed piece, after a whole shape and k remembered shapes', () => {
    const memory = new ShapeMemory({ piece: 4, length: 3, k: 2 });
    const answers = Array.from({ length: 40 }, (_, i) => memory.push(i % 7, 0, 1));
    const answered = answers.flatMap((a, i) => (a === undefined ? [] : [i]));
    expect(answered[0]).toBe(4 * 3 + 4 * 2 - 1); // 3 pieces make the first shape, k more before answering
    expect(answered.every((i) => (i + 1) % 4 === 0)).toBe(true);
  });

  it('finds a repeated shape near and a new shape far', () => {
    const memory = new ShapeMemory({ piece: 2, length: 4, memory: 100, k: 3 });
    const wave = (i: number) => Math.sin((2 * Math.PI * i) / 16);
    let repeated = 0;
    for (let i = 0; i < 800; i++) repeated = memory.push(wave(i), 0, 1) ?? repeated;
    let strange = 0;
    for (let i = 800; i < 808; i++) strange = memory.push(i % 2 === 0 ? 3 : -3, 0, 1) ?? strange;
    expect(repeated).toBeLessThan(0.05);
    expect(strange).toBeGreaterThan(1);
  });
});

describe('EchoFilter', () => {
  it('reports an alarm, mutes its echo, but reports an escalation and then listens again', () => {
    const echo = new EchoFilter(0.1, 1.5, 3);
    const scores = [0.05, 0.2, 0.25, 0.29, 0.31, 0.2, 0.2, 0.2, 0.2, 0.12];
    // 0.05 is below the alarm level; 0.2 opens a window; 0.25 and 0.29 are its echo; 0.31 > 1.5 × 0.2
    // escalates and opens its own window, muting up to 0.465 for three points.
    expect(scores.map((s) => echo.filter(s))).toEqual([0.05, 0.2, 0, 0, 0.31, 0, 0, 0, 0.2, 0]);
  });
});

describe('OncePerEvent', () => {
  it('passes an alarm, silences what follows for a while, then listens again', () => {
    const once = new OncePerEvent(0.5, 3);
    expect([0.9, 0.9, 0.9, 0.9, 0.9, 0.2].map((s) => once.filter(s))).toEqual([0.9, 0, 0, 0, 0.9, 0]);
  });
});
