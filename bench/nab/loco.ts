/**
 * Leave-one-category-out: how a detector does on a category nobody chose anything on. For each
 * category, the configuration (among a small declared set) and the threshold are chosen on the
 * other categories alone, then the held-out category is scored with them. The held-out raw scores
 * of all folds are pooled and normalised like one corpus. Pure.
 */
import { normalise, optimiseThreshold, scoreAt, type CostMatrix, type ScoredRow } from './scorer.js';

/** One configuration's weighted rows per file (`<category>/<file>.csv` → rows). */
export interface Candidate {
  name: string;
  rows: ReadonlyMap<string, ScoredRow[]>;
}

export interface Fold {
  category: string;
  candidate: string;
  threshold: number;
  /** The held-out category's raw score, and its windows. */
  raw: number;
  windows: number;
}

export interface LocoResult {
  normalised: number;
  folds: Fold[];
}

export const categoryOf = (file: string): string => file.slice(0, file.indexOf('/'));

const windowCount = (rows: readonly ScoredRow[]) =>
  new Set(rows.flatMap((r) => (typeof r.window === 'number' ? [r.window] : []))).size;

const only = (rows: ReadonlyMap<string, ScoredRow[]>, keep: (file: string) => boolean) =>
  new Map([...rows].filter(([file]) => keep(file)));

/** Candidates are tried in order; a later one must score strictly better to be chosen. */
export function leaveOneCategoryOut(candidates: readonly Candidate[], costs: CostMatrix): LocoResult {
  if (candidates.length === 0) throw new Error('leave-one-category-out needs at least one candidate');
  const files = [...candidates[0]!.rows.keys()];
  const categories = [...new Set(files.map(categoryOf))].sort();
  const folds = categories.map((category): Fold => {
    const training = (file: string) => categoryOf(file) !== category;
    let chosen: { candidate: Candidate; threshold: number; normalised: number } | undefined;
    for (const candidate of candidates) {
      const fit = optimiseThreshold(only(candidate.rows, training), costs);
      if (!chosen || fit.normalised > chosen.normalised)
        chosen = { candidate, threshold: fit.threshold, normalised: fit.normalised };
    }
    const heldOut = only(chosen!.candidate.rows, (file) => !training(file));
    let raw = 0;
    let windows = 0;
    for (const rows of heldOut.values()) {
      raw += scoreAt(rows, chosen!.threshold, costs).score;
      windows += windowCount(rows);
    }
    return { category, candidate: chosen!.candidate.name, threshold: chosen!.threshold, raw, windows };
  });
  const raw = folds.reduce((sum, f) => sum + f.raw, 0);
  const windows = folds.reduce((sum, f) => sum + f.windows, 0);
  return { normalised: normalise(raw, windows, costs), folds };
}
