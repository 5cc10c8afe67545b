/** NAB's published per-row results of another detector (numenta HTM), read as a run of ours. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readCsv, type CorpusFile } from './corpus.js';

/** The scores per file, or undefined when any file of the corpus has no result in `dir`. */
export function readReference(
  dir: string,
  detector: string,
  corpus: readonly CorpusFile[],
): Map<string, number[]> | undefined {
  const path = (name: string) =>
    join(
      dir,
      name.replace(/[^/]+$/, (file) => `${detector}_${file}`),
    );
  if (!corpus.every((f) => existsSync(path(f.name)))) return undefined;
  return new Map(corpus.map((f) => [f.name, readCsv(path(f.name)).map((r) => Number(r.anomaly_score))]));
}
