/** Running detectors over a corpus in either mode, and the figures the NAB bench prints. */
import { join } from 'node:path';
import { defaultNabDir, readCorpus, type CorpusFile } from '../../../bench/nab/corpus.js';
import { fastest, rangeOf, runDetector, type DetectorRun } from '../../../bench/nab/evaluate.js';
import { figures } from '../../../bench/nab/figures.js';
import { leaveOneCategoryOut } from '../../../bench/nab/loco.js';
import { readReference } from '../../../bench/nab/reference.js';
import { optimiseThreshold, scoreRows, type CostMatrix } from '../../../bench/nab/scorer.js';
import type { ValueRange } from '../../../src/observe/detectors/detector.js';

const file = (name: string, values: number[], windows: [number, number][] = []): CorpusFile => ({
  name,
  timestamps: values.map((_, i) => String(i)),
  times: values.map((_, i) => i * 60_000),
  values,
  windows,
});
const corpus = [
  file(
    'a/one.csv',
    Array.from({ length: 100 }, (_, i) => (i === 60 ? 9 : 1)),
    [[55, 64]],
  ),
  file(
    'b/two.csv',
    Array.from({ length: 100 }, (_, i) => (i === 40 ? -7 : 2)),
    [[35, 44]],
  ),
];
const costs: CostMatrix = { tpWeight: 1, fpWeight: 0.11, fnWeight: 1 };

describe('runDetector', () => {
  it("hands each detector its file's range only in the given-range mode", () => {
    const seen: (ValueRange | undefined)[] = [];
    const create = (range?: ValueRange) => (seen.push(range), { update: () => 0 });
    expect(runDetector(create, corpus, false).points).toBe(200);
    runDetector(create, corpus, true);
    expect(seen).toEqual([undefined, undefined, { min: 1, max: 9 }, { min: -7, max: 2 }]);
    expect(rangeOf([3, -1, 4])).toEqual({ min: -1, max: 4 });
  });

  it('refuses a score outside [0, 1], naming the file and the row', () => {
    let row = 0;
    const create = () => ({ update: () => (row++ === 3 ? 1.5 : 0) });
    expect(() => runDetector(create, corpus, false)).toThrow('a score of 1.5 for row 3 of a/one.csv');
  });
});

describe('fastest', () => {
  it('takes each file at its fastest pass, so one slow moment costs one file', () => {
    const pass = (seconds: number[], cpu: number[]): DetectorRun => ({
      scores: new Map(),
      files: seconds.map((s, i) => ({ points: 100, seconds: s, cpuSeconds: cpu[i]! })),
      points: 200,
      seconds: seconds[0]! + seconds[1]!,
      cpuSeconds: cpu[0]! + cpu[1]!,
    });
    expect(fastest([pass([3, 1], [2, 1]), pass([1, 5], [1, 4])])).toEqual({ points: 200, seconds: 2, cpuSeconds: 2 });
  });
});

describe('figures', () => {
  it('scores the first configuration in-sample and lets every fold choose among all of them', () => {
    const spikes = (f: CorpusFile) => f.values.map((v) => (Math.abs(v) > 5 ? 1 : 0));
    const blind = new Map(corpus.map((f) => [f.name, f.values.map(() => 0)]));
    const sharp = new Map(corpus.map((f) => [f.name, spikes(f)]));
    const [standard] = figures(
      corpus,
      [
        { name: 'blind', scores: blind },
        { name: 'sharp', scores: sharp },
      ],
      { standard: costs },
    );
    const rows = (scores: Map<string, number[]>) =>
      new Map(corpus.map((f) => [f.name, scoreRows(scores.get(f.name)!, f.windows, costs)]));
    expect(standard!.inSample).toBeCloseTo(optimiseThreshold(rows(blind), costs).normalised, 12);
    const loco = leaveOneCategoryOut(
      [
        { name: 'blind', rows: rows(blind) },
        { name: 'sharp', rows: rows(sharp) },
      ],
      costs,
    );
    expect(standard!.heldOut).toEqual(loco);
    expect(standard!.heldOut.folds.map((f) => f.candidate)).toEqual(['sharp', 'sharp']);
  });
});

describe('readReference', () => {
  const reference = join(defaultNabDir, 'reference', 'numenta');

  it("reads NAB's per-row results of a detector for every file of the corpus", () => {
    const split = readCorpus(join(defaultNabDir, 'data'), join(defaultNabDir, 'combined_windows.json'));
    const scores = readReference(reference, 'numenta', split)!;
    expect([...scores.keys()]).toEqual(split.map((f) => f.name));
    for (const f of split) expect(scores.get(f.name)).toHaveLength(f.values.length);
  });

  it('has nothing to say about a corpus it holds no results for', () => {
    expect(readReference(reference, 'numenta', corpus)).toBeUndefined();
  });
});
