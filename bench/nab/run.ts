// `npm run bench:nab -- [--given-range] [--variants] [--detector NAME] [--data DIR] [--windows FILE]
//   [--profiles FILE] [--reference DIR] [--out DIR]`
// Runs detectors over a NAB-shaped corpus and prints, per profile, the in-sample score and the
// leave-one-category-out (held-out) score, with points per second; writes results in NAB's layout.
// By default each detector learns its range online, as the product does; `--given-range` is NAB's
// comparison mode, where each detector is handed the file's minimum and maximum first.
// `--variants` adds a row per declared configuration, each judged on its own.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { detectorKinds, defaultDetector } from '../../src/observe/detectors/registry.js';
import { table } from '../stats.js';
import { defaultNabDir, readCorpus, readProfiles } from './corpus.js';
import { fastest, runDetector, writeResults } from './evaluate.js';
import { figures } from './figures.js';
import { readReference } from './reference.js';
import { choices, figureRow, header, thresholds } from './report.js';

const { values } = parseArgs({
  options: {
    'given-range': { type: 'boolean', default: false },
    variants: { type: 'boolean', default: false },
    data: { type: 'string', default: join(defaultNabDir, 'data') },
    windows: { type: 'string', default: join(defaultNabDir, 'combined_windows.json') },
    profiles: { type: 'string', default: join(defaultNabDir, 'profiles.json') },
    reference: { type: 'string', default: join(defaultNabDir, 'reference', 'numenta') },
    detector: { type: 'string' },
    out: { type: 'string', default: '.bench-out/nab' },
  },
});
const givenRange = values['given-range']!;
const corpus = readCorpus(values.data!, values.windows!);
const profiles = readProfiles(values.profiles!);
const kinds = values.detector ? detectorKinds.filter((k) => k.name === values.detector) : detectorKinds;
if (kinds.length === 0)
  throw new Error(`unknown detector ${values.detector}; known: ${detectorKinds.map((k) => k.name).join(', ')}`);

const rows = [header(Object.keys(profiles))];
const notes: string[] = [];
for (const kind of kinds) {
  const configurations = [{ name: 'default', create: kind.create }, ...(kind.variants ?? [])];
  const runs = configurations.map((c) => ({ name: c.name, ...runDetector(c.create, corpus, givenRange) }));
  writeResults(join(values.out!, givenRange ? 'given-range' : 'online'), kind.name, corpus, runs[0]!);
  // Timed again once its code is compiled (the first pass also measures the JIT): three more passes.
  const timed = fastest([0, 1, 2].map(() => runDetector(kind.create, corpus, givenRange)));
  const figs = figures(corpus, runs, profiles);
  const name = kind === defaultDetector ? `${kind.name} (product)` : kind.name;
  rows.push(figureRow(name, figs, timed));
  if (values.variants && runs.length > 1)
    for (const run of runs) rows.push(figureRow(`  ${run.name}`, figures(corpus, [run], profiles)));
  notes.push(`${kind.name}: ${thresholds(figs, kind.alarmLevel)}`);
  if (runs.length > 1) notes.push(`${kind.name}, held out (standard): ${choices(figs[0]!.heldOut, true)}`);
}
const htm = readReference(values.reference!, 'numenta', corpus);
if (htm) {
  const figs = figures(corpus, [{ name: 'numenta', scores: htm }], profiles);
  rows.push(figureRow('numenta HTM (NAB results, given range)', figs));
  notes.push(`numenta HTM, held out (standard): ${choices(figs[0]!.heldOut, false)}`);
}

const windows = corpus.reduce((n, f) => n + f.windows.length, 0);
const mode = givenRange ? "given range (NAB's comparison mode)" : 'range learned online (the product)';
console.log(`\n## NAB, ${mode}: ${corpus.length} files, ${windows} windows (${values.data})\n`);
console.log(table(rows));
console.log('\nHeld out = configuration and threshold chosen on the other categories, scores pooled.');
console.log("Points/s: clock time in `update`, each file's fastest of three passes once compiled (CPU time for");
console.log('points/CPU s, which other processes on the machine inflate less than the clock).');
for (const note of notes) console.log(`- ${note}`);
