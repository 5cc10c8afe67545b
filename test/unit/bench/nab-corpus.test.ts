/** Reading a NAB-shaped corpus from any folder: categories may be links, and an empty folder is an error that says what was expected. */
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultNabDir, readCorpus } from '../../../bench/nab/corpus.js';

const windowsFile = join(defaultNabDir, 'combined_windows.json');
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nab-corpus-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('readCorpus', () => {
  it('follows linked categories and maps each window to its rows', () => {
    symlinkSync(join(defaultNabDir, 'data', 'realKnownCause'), join(dir, 'realKnownCause'));
    const corpus = readCorpus(dir, windowsFile);
    const taxi = corpus.find((f) => f.name === 'realKnownCause/nyc_taxi.csv')!;
    expect(corpus.every((f) => f.name.startsWith('realKnownCause/'))).toBe(true);
    expect(taxi.windows).toHaveLength(5);
    expect(taxi.times.slice(0, 2)).toEqual([Date.UTC(2014, 6, 1, 0, 0), Date.UTC(2014, 6, 1, 0, 30)]);
    // NAB centres a window of int(10 % of rows / anomalies) rows on each label, both ends included.
    for (const [start, end] of taxi.windows)
      expect(end - start + 1).toBe(Math.floor((0.1 * taxi.values.length) / 5) + 1);
  });

  it('refuses a folder without NAB-shaped files, naming the folder and the layout', () => {
    expect(() => readCorpus(dir, windowsFile)).toThrow(`${dir}: no <category>/<file>.csv found; expected NAB's layout`);
  });
});
