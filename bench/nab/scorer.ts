/**
 * The NAB scorer, written from the method in ../shared/bench/nab/README.md: probation, anomaly
 * windows, the scaled sigmoid, the best detection per window, a threshold swept over the pooled
 * corpus per profile, and normalisation between the null and the perfect detector. Pure.
 */

export interface CostMatrix {
  tpWeight: number;
  fpWeight: number;
  fnWeight: number;
}

export interface ScoredRow {
  score: number;
  /** The row's weighted score were it a detection (NAB's S(t)). */
  weighted: number;
  /** Index of the window it is in; null outside windows; 'probation' when not scored. */
  window: number | null | 'probation';
}

export const scaledSigmoid = (y: number): number => (y > 3 ? -1 : 2 / (1 + Math.exp(5 * y)) - 1);

export const probationLength = (rows: number): number => Math.min(Math.floor(0.15 * rows), 750);

/** Weighted scores per row, for one file. `windows` are row index ranges, inclusive, in order. */
export function scoreRows(
  anomalyScores: readonly number[],
  windows: readonly [number, number][],
  costs: CostMatrix,
): ScoredRow[] {
  const maxTP = scaledSigmoid(-1);
  const probation = probationLength(anomalyScores.length);
  const rows: ScoredRow[] = [];
  let next = 0;
  let current: { index: number; left: number; right: number } | undefined;
  let previous: { right: number; width: number } | undefined;
  anomalyScores.forEach((score, i) => {
    if (!current && next < windows.length && windows[next]![0] === i) {
      current = { index: next, left: windows[next]![0], right: windows[next]![1] };
      next++;
    }
    let weighted: number;
    if (current) {
      const width = current.right - current.left + 1;
      weighted = (scaledSigmoid(-(current.right - i + 1) / width) * costs.tpWeight) / maxTP;
    } else {
      weighted = (previous ? scaledSigmoid(Math.abs(previous.right - i) / (previous.width - 1)) : -1) * costs.fpWeight;
    }
    rows.push({ score, weighted, window: i < probation ? 'probation' : current ? current.index : null });
    if (current && i === current.right) {
      previous = { right: current.right, width: current.right - current.left + 1 };
      current = undefined;
    }
  });
  return rows;
}

export interface FileScore {
  score: number;
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

/** One file's score with detections at `score >= threshold`. */
export function scoreAt(rows: readonly ScoredRow[], threshold: number, costs: CostMatrix): FileScore {
  const best = new Map<number, number>();
  const windows = new Set<number>();
  let fpScore = 0;
  const counts = { tp: 0, fp: 0, fn: 0, tn: 0 };
  for (const row of rows) {
    if (row.window === 'probation') continue;
    const detected = row.score >= threshold;
    if (row.window !== null) {
      windows.add(row.window);
      if (detected) {
        counts.tp++;
        best.set(row.window, Math.max(best.get(row.window) ?? -Infinity, row.weighted));
      } else counts.fn++;
    } else if (detected) {
      counts.fp++;
      fpScore += row.weighted;
    } else counts.tn++;
  }
  let score = fpScore;
  for (const window of windows) score += best.has(window) ? best.get(window)! : -costs.fnWeight;
  return { score, ...counts };
}

export interface CorpusResult {
  threshold: number;
  rawScore: number;
  normalised: number;
  perFile: Map<string, FileScore>;
}

/** Sweep every distinct anomaly score as a threshold over the pooled corpus; keep the best. */
export function optimiseThreshold(files: ReadonlyMap<string, ScoredRow[]>, costs: CostMatrix): CorpusResult {
  // Sweep in descending order, updating the pooled score incrementally as rows become detections.
  const all: { file: string; row: ScoredRow }[] = [];
  let windows = 0;
  let raw = 0;
  for (const [file, rows] of files) {
    const fileWindows = new Set(rows.filter((r) => typeof r.window === 'number').map((r) => r.window as number));
    windows += fileWindows.size;
    raw -= fileWindows.size * costs.fnWeight;
    for (const row of rows) if (row.window !== 'probation') all.push({ file, row });
  }
  all.sort((a, b) => b.row.score - a.row.score);
  const best = new Map<string, number>();
  let bestRaw = raw;
  let bestThreshold = 1.1;
  for (let i = 0; i < all.length;) {
    const threshold = all[i]!.row.score;
    for (let first = true; i < all.length && (first || all[i]!.row.score === threshold); i++, first = false) {
      const { file, row } = all[i]!;
      if (row.window === null) raw += row.weighted;
      else {
        const key = `${file}#${row.window as number}`;
        const before = best.get(key);
        if (before === undefined) raw += costs.fnWeight + row.weighted;
        else if (row.weighted > before) raw += row.weighted - before;
        best.set(key, Math.max(before ?? -Infinity, row.weighted));
      }
    }
    if (raw > bestRaw) [bestRaw, bestThreshold] = [raw, threshold];
  }
  const perFile = new Map([...files].map(([file, rows]) => [file, scoreAt(rows, bestThreshold, costs)]));
  return { threshold: bestThreshold, rawScore: bestRaw, normalised: normalise(bestRaw, windows, costs), perFile };
}

export function normalise(raw: number, windows: number, costs: CostMatrix): number {
  const perfect = windows * costs.tpWeight;
  const none = -windows * costs.fnWeight;
  return (100 * (raw - none)) / (perfect - none);
}
