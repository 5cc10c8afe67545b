// `npm run bench:nab -- [--data DIR] [--windows FILE] [--profiles FILE] [--detector NAME] [--out DIR]`
// Runs detectors over every file of a NAB-shaped corpus, writes results in NAB's layout, and
// prints normalised scores for the three profiles and points per second.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { detectorKinds } from '../../src/observe/detectors/registry.js';
import { table } from '../stats.js';
import { defaultNabDir, readCorpus, readProfiles, type CorpusFile } from './corpus.js';
import { optimiseThreshold, scoreRows, type ScoredRow } from './scorer.js';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: join(defaultNabDir, 'data') },
    windows: { type: 'string', default: join(defaultNabDir, 'combined_windows.json') },
    profiles: { type: 'string', default: join(defaultNabDir, 'profiles.json') },
    detector: { type: 'string' },
    out: { type: 'string', default: '.bench-out/nab' },
  },
});

const corpus = readCorpus(values.data!, values.windows!);
const profiles = readProfiles(values.profiles!);
const kinds = values.detector ? detectorKinds.filter((k) => k.name === values.detector) : detectorKinds;
if (kinds.length === 0)
  throw new Error(`unknown detector ${values.detector}; known: ${detectorKinds.map((k) => k.name).join(', ')}`);

const rows: string[][] = [['detector', ...Object.keys(profiles), 'points/s']];
for (const kind of kinds) {
  let points = 0;
  let seconds = 0;
  const scores = new Map<string, number[]>();
  for (const file of corpus) {
    const detector = kind.create();
    const out = new Array<number>(file.values.length);
    const started = performance.now();
    for (let i = 0; i < file.values.length; i++) out[i] = detector.update(file.times[i]!, file.values[i]!);
    seconds += (performance.now() - started) / 1000;
    const bad = out.findIndex((score) => !(score >= 0 && score <= 1));
    if (bad >= 0)
      throw new Error(`${kind.name} gave ${out[bad]} for row ${bad} of ${file.name}: scores must be in [0, 1]`);
    points += file.values.length;
    scores.set(file.name, out);
    writeResults(values.out!, kind.name, file, out);
  }
  const figures = Object.values(profiles).map((costs) => {
    const scored = new Map<string, ScoredRow[]>(
      corpus.map((f) => [f.name, scoreRows(scores.get(f.name)!, f.windows, costs)]),
    );
    return optimiseThreshold(scored, costs).normalised.toFixed(2);
  });
  rows.push([kind.name, ...figures, Math.round(points / seconds).toLocaleString('en')]);
}
console.log(
  `\n## NAB (${corpus.length} files, ${corpus.reduce((n, f) => n + f.windows.length, 0)} windows; ${values.data})\n`,
);
console.log(table(rows));

function writeResults(out: string, detector: string, file: CorpusFile, scores: number[]): void {
  const path = join(out, detector, dirname(file.name), `${detector}_${file.name.split('/').pop()}`);
  mkdirSync(dirname(path), { recursive: true });
  const labels = new Set(file.windows.flatMap(([s, e]) => Array.from({ length: e - s + 1 }, (_, i) => s + i)));
  const lines = file.values.map((v, i) => `${file.timestamps[i]},${v},${scores[i]},${labels.has(i) ? 1 : 0}`);
  writeFileSync(path, `timestamp,value,anomaly_score,label\n${lines.join('\n')}\n`);
}
