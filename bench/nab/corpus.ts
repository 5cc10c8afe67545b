/** Reading a NAB-shaped corpus: data files, anomaly windows as row ranges, profiles. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CostMatrix } from './scorer.js';

export interface CorpusFile {
  /** `<category>/<file>.csv` */
  name: string;
  timestamps: string[];
  /** The timestamps in milliseconds since the epoch, read as UTC. */
  times: number[];
  values: number[];
  windows: [number, number][];
}

export const defaultNabDir = new URL('../../../shared/bench/nab/', import.meta.url).pathname;

export function readCsv(path: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(path, 'utf8').trim().split(/\r?\n/);
  const columns = header!.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((cell, i) => [columns[i]!, cell])));
}

const epoch = (timestamp: string) =>
  Date.parse(
    `${timestamp
      .trim()
      .replace(' ', 'T')
      .replace(/\.\d+$/, '')}Z`,
  );

export function readCorpus(dataDir: string, windowsFile: string): CorpusFile[] {
  const windows = JSON.parse(readFileSync(windowsFile, 'utf8')) as Record<string, [string, string][]>;
  const files: CorpusFile[] = [];
  // statSync follows symbolic links, so a corpus may be assembled from links to categories.
  for (const category of readdirSync(dataDir)
    .filter((name) => statSync(join(dataDir, name)).isDirectory())
    .sort()) {
    for (const file of readdirSync(join(dataDir, category))
      .filter((f) => f.endsWith('.csv'))
      .sort()) {
      const name = `${category}/${file}`;
      const rows = readCsv(join(dataDir, category, file));
      const times = rows.map((r) => epoch(r.timestamp!));
      files.push({
        name,
        timestamps: rows.map((r) => r.timestamp!),
        times,
        values: rows.map((r) => Number(r.value)),
        windows: (windows[name] ?? []).map(([start, end]) => windowRows(times, epoch(start), epoch(end))),
      });
    }
  }
  if (files.length === 0)
    throw new Error(
      `${dataDir}: no <category>/<file>.csv found; expected NAB's layout, e.g. realKnownCause/nyc_taxi.csv`,
    );
  return files;
}

/** A window's first and last row: the rows whose timestamps fall inside it. */
function windowRows(times: number[], start: number, end: number): [number, number] {
  const first = times.findIndex((t) => t >= start);
  let last = first;
  while (last + 1 < times.length && times[last + 1]! <= end) last++;
  return [first, last];
}

export function readProfiles(file: string): Record<string, CostMatrix> {
  const profiles = JSON.parse(readFileSync(file, 'utf8')) as Record<string, { CostMatrix: CostMatrix }>;
  return Object.fromEntries(Object.entries(profiles).map(([name, p]) => [name, p.CostMatrix]));
}
