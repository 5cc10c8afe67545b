/** The NAB scorer reproduces NAB's own per-file scores of its numenta detector, for every file and profile. */
import { join } from 'node:path';
import { defaultNabDir, readCorpus, readCsv, readProfiles } from '../../../bench/nab/corpus.js';
import { optimiseThreshold, scoreAt, scoreRows, type ScoredRow } from '../../../bench/nab/scorer.js';

const corpus = readCorpus(join(defaultNabDir, 'data'), join(defaultNabDir, 'combined_windows.json'));
const profiles = readProfiles(join(defaultNabDir, 'profiles.json'));
const referenceScores = (file: string) =>
  readCsv(
    join(
      defaultNabDir,
      'reference',
      'numenta',
      file.replace(/[^/]+$/, (f) => `numenta_${f}`),
    ),
  ).map((r) => Number(r.anomaly_score));

describe.each(Object.keys(profiles))('NAB scorer, profile %s', (profile) => {
  const costs = profiles[profile]!;
  const expected = readCsv(join(defaultNabDir, 'reference', 'numenta', `numenta_${profile}_scores.csv`)).filter(
    (r) => r.File,
  );

  it('covers every file of the corpus', () => {
    expect(expected.map((r) => r.File).sort()).toEqual(corpus.map((f) => f.name).sort());
  });

  it.each(corpus.map((f) => [f.name, f] as const))('scores %s as NAB does', (_name, file) => {
    const reference = expected.find((r) => r.File === file.name)!;
    const result = scoreAt(
      scoreRows(referenceScores(file.name), file.windows, costs),
      Number(reference.Threshold),
      costs,
    );
    expect(Math.abs(result.score - Number(reference.Score))).toBeLessThan(0.001);
    expect([result.tp, result.fp, result.fn, result.tn]).toEqual(
      [reference.TP, reference.FP, reference.FN, reference.TN].map(Number),
    );
  });
});

describe('threshold optimisation', () => {
  it('finds a threshold at least as good as the reference one, and normalises null to 0 and perfect to 100', () => {
    const costs = profiles.standard!;
    const rows = new Map<string, ScoredRow[]>(
      corpus.map((f) => [f.name, scoreRows(referenceScores(f.name), f.windows, costs)]),
    );
    const result = optimiseThreshold(rows, costs);
    const atReference = [...rows.values()].reduce((sum, r) => sum + scoreAt(r, 0.542187690735, costs).score, 0);
    expect(result.rawScore).toBeGreaterThanOrEqual(atReference - 1e-9);
    const never = new Map<string, ScoredRow[]>(
      corpus.map((f) => [
        f.name,
        scoreRows(
          f.values.map(() => 0),
          f.windows,
          costs,
        ),
      ]),
    );
    expect(optimiseThreshold(never, costs).normalised).toBeCloseTo(0, 9);
    const perfect = new Map<string, ScoredRow[]>(
      corpus.map((f) => [
        f.name,
        scoreRows(
          f.values.map((_, i) => (f.windows.some(([s]) => s === i) ? 1 : 0)),
          f.windows,
          costs,
        ),
      ]),
    );
    expect(optimiseThreshold(perfect, costs).normalised).toBeCloseTo(100, 6);
  });
});
