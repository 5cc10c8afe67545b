/** A detector's figures on a corpus: in-sample and leave-one-category-out, for every profile. */
import type { CorpusFile } from './corpus.js';
import { weigh } from './evaluate.js';
import { leaveOneCategoryOut, type LocoResult } from './loco.js';
import { optimiseThreshold, type CostMatrix } from './scorer.js';

export interface ProfileFigures {
  profile: string;
  /** The first (default) configuration, threshold optimised on the whole corpus. */
  inSample: number;
  inSampleThreshold: number;
  /** Configuration and threshold chosen on the other categories, held-out scores pooled. */
  heldOut: LocoResult;
}

/** `runs` holds each declared configuration's scores per file, the default first. */
export function figures(
  corpus: readonly CorpusFile[],
  runs: readonly { name: string; scores: ReadonlyMap<string, number[]> }[],
  profiles: Record<string, CostMatrix>,
): ProfileFigures[] {
  return Object.entries(profiles).map(([profile, costs]) => {
    const candidates = runs.map((run) => ({ name: run.name, rows: weigh(corpus, run.scores, costs) }));
    const inSample = optimiseThreshold(candidates[0]!.rows, costs);
    return {
      profile,
      inSample: inSample.normalised,
      inSampleThreshold: inSample.threshold,
      heldOut: leaveOneCategoryOut(candidates, costs),
    };
  });
}
