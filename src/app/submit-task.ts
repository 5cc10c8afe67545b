/**
 * Use case: a task sent to the HTTP API becomes the pull request a person would have opened, checked
 * first against the repository's default branch exactly as its plan will be (see propose-task).
 * Only repositories ZeroOps has heard from are served: their installation is how it reaches them.
 */
import type { KnownRepo, Store } from '../engine/store.js';
import type { Forge } from '../forge/forge.js';
import { proposeTask } from './propose-task.js';
import { throughTheApi } from '../policy/approvals.js';
import { requestersKey } from './record-keys.js';
import {
  planSummary,
  problemsOf,
  readSubmission,
  taskRequest,
  type PlanSummary,
  type Problem,
} from './task-submission.js';

export interface SubmitDeps {
  store: Pick<Store, 'repos' | 'loopState' | 'saveLoopState'>;
  forgeFor(repo: KnownRepo): Promise<Forge>;
}

export type Submitted =
  | { outcome: 'opened'; pullRequest: { number: number; url?: string }; plans: PlanSummary[] }
  | { outcome: 'invalid'; problems: Problem[] }
  | { outcome: 'unknown-repo'; repo: string };

export async function submitTask(deps: SubmitDeps, body: unknown): Promise<Submitted> {
  const read = readSubmission(body);
  if ('problems' in read) return { outcome: 'invalid', problems: read.problems };
  const { submission } = read;
  const wanted = `${submission.repo.owner}/${submission.repo.repo}`.toLowerCase();
  // GitHub's names ignore case; the stored one is the repository's own spelling.
  const known = (await deps.store.repos()).find((r) => `${r.owner}/${r.repo}`.toLowerCase() === wanted);
  if (!known) return { outcome: 'unknown-repo', repo: `${submission.repo.owner}/${submission.repo.repo}` };
  const repo = { owner: known.owner, repo: known.repo };
  const forge = await deps.forgeFor(known);
  const proposal = await proposeTask(forge, repo, taskRequest(submission));
  if (!proposal.opened) {
    const problems = proposal.diagnostics.length
      ? problemsOf(proposal.diagnostics)
      : proposal.problems.map((message) => ({ field: 'path', message }));
    return { outcome: 'invalid', problems };
  }
  try {
    // Whoever holds the token may also review: the change needs one approval more (see throughTheApi).
    await deps.store.saveLoopState(requestersKey(repo, proposal.number), [throughTheApi]);
  } catch (error) {
    await forge.updateIssue(repo, proposal.number, { state: 'closed' });
    throw error;
  }
  return {
    outcome: 'opened',
    pullRequest: { number: proposal.number, ...(proposal.url ? { url: proposal.url } : {}) },
    plans: proposal.plans.map(planSummary),
  };
}
