/** Running a detector over a corpus, timing it, and weighting its scores for a profile. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { StreamingDetector, ValueRange } from '../../src/observe/detectors/detector.js';
import type { CorpusFile } from './corpus.js';
import { scoreRows, type CostMatrix, type ScoredRow } from './scorer.js';

export interface Timing {
  points: number;
  /** Time spent in `update` only, on the clock and in this process's CPU time (all its threads). */
  seconds: number;
  cpuSeconds: number;
}

export interface DetectorRun extends Timing {
  /** Anomaly scores per file name. */
  scores: Map<string, number[]>;
  /** The timing of each file, in corpus order. */
  files: Timing[];
}

export function rangeOf(values: readonly number[]): ValueRange {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}

/** One detector per file; `givenRange` hands it the file's minimum and maximum first, as NAB does. */
export function runDetector(
  create: (range?: ValueRange) => StreamingDetector,
  corpus: readonly CorpusFile[],
  givenRange: boolean,
): DetectorRun {
  const run: DetectorRun = { scores: new Map(), files: [], points: 0, seconds: 0, cpuSeconds: 0 };
  for (const file of corpus) {
    const detector = create(givenRange ? rangeOf(file.values) : undefined);
    const out = new Array<number>(file.values.length);
    const started = performance.now();
    const cpu = process.cpuUsage();
    for (let i = 0; i < file.values.length; i++) out[i] = detector.update(file.times[i]!, file.values[i]!);
    const used = process.cpuUsage(cpu);
    run.files.push({
      points: file.values.length,
      seconds: (performance.now() - started) / 1000,
      cpuSeconds: (used.user + used.system) / 1e6,
    });
    run.points += file.values.length;
    run.seconds += run.files.at(-1)!.seconds;
    run.cpuSeconds += run.files.at(-1)!.cpuSeconds;
    const bad = out.findIndex((score) => !(score >= 0 && score <= 1));
    if (bad >= 0) throw new Error(`a score of ${out[bad]} for row ${bad} of ${file.name}: scores must be in [0, 1]`);
    run.scores.set(file.name, out);
  }
  return run;
}

/**
 * The fastest of several runs of one configuration over the same corpus, file by file, so that a
 * moment when other processes took the core costs one file's time, not the whole figure.
 */
export function fastest(runs: readonly DetectorRun[]): Timing {
  const timing: Timing = { points: 0, seconds: 0, cpuSeconds: 0 };
  runs[0]!.files.forEach((file, i) => {
    timing.points += file.points;
    timing.seconds += Math.min(...runs.map((r) => r.files[i]!.seconds));
    timing.cpuSeconds += Math.min(...runs.map((r) => r.files[i]!.cpuSeconds));
  });
  return timing;
}

export function weigh(
  corpus: readonly CorpusFile[],
  scores: ReadonlyMap<string, number[]>,
  costs: CostMatrix,
): Map<string, ScoredRow[]> {
  return new Map(corpus.map((f) => [f.name, scoreRows(scores.get(f.name)!, f.windows, costs)]));
}

/** Results in NAB's layout: `<out>/<detector>/<category>/<detector>_<file>.csv`. */
export function writeResults(out: string, detector: string, corpus: readonly CorpusFile[], run: DetectorRun): void {
  for (const file of corpus) {
    const scores = run.scores.get(file.name)!;
    const path = join(out, detector, dirname(file.name), `${detector}_${file.name.split('/').pop()}`);
    mkdirSync(dirname(path), { recursive: true });
    const labels = new Set(file.windows.flatMap(([s, e]) => Array.from({ length: e - s + 1 }, (_, i) => s + i)));
    const lines = file.values.map((v, i) => `${file.timestamps[i]},${v},${scores[i]},${labels.has(i) ? 1 : 0}`);
    writeFileSync(path, `timestamp,value,anomaly_score,label\n${lines.join('\n')}\n`);
  }
}
