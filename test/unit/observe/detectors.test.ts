import { detectorKinds, defaultDetector } from '../../../src/observe/detectors/registry.js';
import type { DetectorVariant, ValueRange } from '../../../src/observe/detectors/detector.js';
import { seededRandom } from '../../../lab/components/load-generator.js';

const noisy = (n: number, seed = 7) => {
  const random = seededRandom(seed);
  return Array.from({ length: n }, (_, i) => 50 + 10 * Math.sin(i / 20) + random() * 4);
};
const configurations = detectorKinds.flatMap((kind) =>
  [{ name: 'default', create: kind.create }, ...(kind.variants ?? [])].map(
    (c: DetectorVariant) => [`${kind.name} (${c.name})`, c] as const,
  ),
);

describe.each(configurations)('detector %s', (_name, configuration) => {
  const run = (values: number[], range?: ValueRange) => {
    const detector = configuration.create(range);
    return values.map((v, i) => detector.update(i * 60_000, v));
  };

  it('scores every point in [0, 1], with its range learned online or given', () => {
    const values = [...noisy(600), ...Array(100).fill(0), ...noisy(300).map((v) => v * 100)];
    expect(run(values).every((s) => s >= 0 && s <= 1)).toBe(true);
    expect(run(values, { min: 0, max: Math.max(...values) }).every((s) => s >= 0 && s <= 1)).toBe(true);
  });

  it('never looks ahead: a different future leaves past scores unchanged', () => {
    const base = noisy(1000);
    const otherFuture = [...base.slice(0, 700), ...noisy(300, 99).map((v) => v * 3)];
    expect(run(otherFuture).slice(0, 700)).toEqual(run(base).slice(0, 700));
  });

  it('scores a spike far above the quiet points before it', () => {
    const values = noisy(1000);
    values[800] = 500;
    const scores = run(values);
    expect(scores[800]!).toBeGreaterThan(Math.max(...scores.slice(100, 800)) + 0.1);
  });
});

describe.each(detectorKinds.map((k) => [k.name, k] as const))('detector kind %s', (_name, kind) => {
  it('documents its idea and its cost per point', () => {
    expect(kind.description).toMatch(/per point/);
  });

  it('declares distinct names for its configurations', () => {
    const names = ['default', ...(kind.variants ?? []).map((v) => v.name)];
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('the default detector', () => {
  it('is a registered kind that names its alarm level', () => {
    expect(detectorKinds).toContain(defaultDetector);
    expect(defaultDetector.alarmLevel).toBeGreaterThan(0);
    expect(defaultDetector.alarmLevel).toBeLessThan(1);
  });
});
