/**
 * Use case: a review was given or dismissed, or the plan changed. Work out which task plans are
 * approved (policy from the base branch, fingerprints per commit) and publish "ZeroOps approval".
 */
import type { Forge, PullRequestRef, RepoRef } from '../forge/forge.js';
import { evaluateApprovals, type Permission, type TaskApproval, type TaskApprovalInput } from '../policy/approvals.js';
import type { Store } from '../store/store.js';

export const approvalCheckName = 'ZeroOps approval';

export interface ApprovalDeps {
  forge: Forge;
  store: Store;
}

export const repoKey = (repo: RepoRef) => `${repo.owner}/${repo.repo}`;
export const planRecordId = (repo: RepoRef, number: number, sha: string) => `${repoKey(repo)}#${number}@${sha}`;
export const pullRecordId = (repo: RepoRef, number: number) => `${repoKey(repo)}#${number}`;

/** Evaluate the approvals of a pull request's task plans, against the reviews given so far. */
export async function approvalsFor(deps: ApprovalDeps, repo: RepoRef, number: number, tasks: TaskApprovalInput[]): Promise<TaskApproval[]> {
  const reviews = await deps.forge.reviews(repo, number);
  const pull = await deps.store.pull(pullRecordId(repo, number));
  const state = pull ? undefined : await deps.forge.pullState(repo, number);
  const author = pull?.author ?? state!.author;
  const fingerprintsAt = new Map<string, Record<string, string> | undefined>();
  const permissions: Record<string, Permission> = {};
  for (const review of reviews) {
    if (!fingerprintsAt.has(review.commitSha)) {
      const at = await deps.store.planRecord(planRecordId(repo, number, review.commitSha));
      fingerprintsAt.set(review.commitSha, at && Object.fromEntries(at.tasks.map((t) => [t.name, t.fingerprint])));
    }
    permissions[review.user] ??= await deps.forge.permission(repo, review.user);
  }
  return evaluateApprovals({
    tasks, author, lastPusher: pull?.lastPusher ?? author, permissions,
    reviews: reviews.map((r) => ({ user: r.user, state: r.state, submittedAt: r.submittedAt, fingerprints: fingerprintsAt.get(r.commitSha) })),
  });
}

export async function publishApprovalStatus(deps: ApprovalDeps, pr: PullRequestRef): Promise<TaskApproval[] | undefined> {
  const record = await deps.store.planRecord(planRecordId(pr, pr.number, pr.headSha));
  if (!record || record.tasks.length === 0) return undefined;
  const approvals = await approvalsFor(deps, pr, pr.number, record.tasks);
  const waiting = approvals.filter((a) => !a.approved);
  const rows = approvals.map((a) => `| \`${a.task}\` | ${a.approved ? '✅ approved' : '⏳ waiting'} | ${a.approvers.map((u) => `@${u}`).join(', ') || '—'} | ${a.missing.join('; ') || '—'} |`);
  await deps.forge.publishCheck(pr, {
    name: approvalCheckName, headSha: pr.headSha, conclusion: waiting.length ? 'action_required' : 'success',
    title: waiting.length ? `${waiting.length} of ${approvals.length} plan(s) still need approval` : `All ${approvals.length} plan(s) approved`,
    summary: ['Approvals count from people with write access who did not write or last push the change, for the exact plan they reviewed.', '',
      '| Task | State | Approved by | Still missing |', '|---|---|---|---|', ...rows].join('\n'),
    annotations: [],
  });
  return approvals;
}
