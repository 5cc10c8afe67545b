/**
 * Whether each task's plan is approved: approvals come from reviews by people with write access
 * who are neither the author nor the last pusher, and count only for the plan fingerprint the
 * reviewer saw; a change request by such a person holds every task until withdrawn. Pure.
 */

export type Permission = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';

export interface ReviewInput {
  user: string;
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' | 'PENDING';
  /** Plan fingerprints by task at the commit the review was given on; undefined when never planned. */
  fingerprints?: Record<string, string>;
  submittedAt: string;
  /** Why it approves nothing here, whatever it approved: it was given for a merge into another branch. */
  stale?: string;
}

/** People of whom one must approve: logins or `org/team` slugs; none listed means the repository's admins and maintainers. */
export interface OwnerGroup {
  /** What they own, in words: `service checkout`, `the repository`. */
  of: string;
  members: string[];
}

export interface TaskApprovalInput {
  name: string;
  fingerprint: string;
  required: number;
  /** Every group needs an approval from one of its members. */
  owners: OwnerGroup[];
  /** People whose approval does not count for this item, and why (who wrote a change merged unapproved). */
  excluded?: { login: string; because: string }[];
}

export interface TaskApproval {
  task: string;
  approved: boolean;
  approvers: string[];
  /** What is still missing, in plain words; empty when approved. */
  missing: string[];
}

export interface Approver {
  author: string;
  lastPusher: string;
  /** Everyone who pushed to the change: co-authors, whose approval does not count either. */
  pushers?: string[];
  /** Who asked ZeroOps for the change in words: the bot opened it, they wrote it. */
  requestedBy?: string[];
  permissions: Record<string, Permission>;
  /** Members of the `org/team` owners, as the forge resolved them. */
  teams?: Record<string, string[]>;
}

export interface ApprovalInput extends Approver {
  tasks: TaskApprovalInput[];
  reviews: ReviewInput[];
}

const canApprove: Permission[] = ['admin', 'maintain', 'write'];
const administers: Permission[] = ['admin', 'maintain'];
const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Why a person's approval does not count, whatever they approve; undefined when it can. */
export function approverProblem(user: string, who: Approver): string | undefined {
  if (same(user, who.author)) return `@${user} wrote the change`;
  if (same(user, who.lastPusher)) return `@${user} pushed the last commit`;
  if (who.pushers?.some((p) => same(p, user))) return `@${user} pushed commits to the change`;
  if (who.requestedBy?.some((p) => same(p, user))) return `@${user} asked for the change`;
  if (!canApprove.includes(who.permissions[user] ?? 'none')) return `@${user} has no write access`;
  return undefined;
}

/** Whether `user` is one of the owners of a group (a login, a member of a listed team, or an admin where none are listed). */
export function isOwner(user: string, group: OwnerGroup, who: Approver): boolean {
  if (group.members.length === 0) return administers.includes(who.permissions[user] ?? 'none');
  return group.members.some((member) =>
    member.includes('/') ? (who.teams?.[member.toLowerCase()] ?? []).some((m) => same(m, user)) : same(member, user),
  );
}

export function describeOwners(group: OwnerGroup): string {
  if (group.members.length === 0) {
    return group.of === 'the repository'
      ? 'an admin or maintainer of the repository'
      : `an admin or maintainer of the repository (${group.of} has no owners in the approved state yet)`;
  }
  return `an owner of ${group.of}: ${group.members.map((o) => `@${o}`).join(', ')}`;
}

/**
 * Who asked for a change sent through the HTTP API: its token's holder, who may be among the
 * reviewers without anyone knowing. Such a change needs one approval more than the policy asks.
 */
export const throughTheApi = '(the HTTP API)';

export function evaluateApprovals(input: ApprovalInput): TaskApproval[] {
  const latest = latestReviewPerUser(input.reviews);
  const extra = input.requestedBy?.includes(throughTheApi) ? 1 : 0;
  return input.tasks.map((policyTask) => {
    const task = { ...policyTask, required: policyTask.required + extra };
    const ignored: string[] = [];
    const approvers = latest
      .filter((review) => {
        if (review.state !== 'APPROVED') return false;
        if (review.stale) return (ignored.push(`@${review.user} ${review.stale}`), false);
        const problem = approverProblem(review.user, input);
        if (problem) return (ignored.push(problem), false);
        const excluded = task.excluded?.find((e) => same(e.login, review.user));
        if (excluded) return (ignored.push(`@${review.user} ${excluded.because}`), false);
        if (review.fingerprints?.[task.name] !== task.fingerprint)
          return (ignored.push(`@${review.user} approved an earlier plan of ${task.name}`), false);
        return true;
      })
      .map((r) => r.user);
    const missing: string[] = [];
    if (approvers.length < task.required)
      missing.push(
        `${task.required - approvers.length} more approval(s) (${approvers.length} of ${task.required}` +
          `${extra ? ', one more than the policy asks: it came through the HTTP API' : ''})`,
      );
    for (const group of task.owners) {
      if (!approvers.some((a) => isOwner(a, group, input))) missing.push(`an approval from ${describeOwners(group)}`);
    }
    // As on GitHub: a change request by someone who could approve holds until they approve or it is dismissed.
    for (const review of latest)
      if (review.state === 'CHANGES_REQUESTED' && !approverProblem(review.user, input))
        missing.push(`@${review.user} requested changes: approved by them, or their review dismissed`);
    if (missing.length && ignored.length) missing.push(`not counted: ${[...new Set(ignored)].join('; ')}`);
    return { task: task.name, approved: missing.length === 0, approvers, missing };
  });
}

/** A person's latest review decides; comments do not replace an approval. */
function latestReviewPerUser(reviews: ReviewInput[]): ReviewInput[] {
  const byUser = new Map<string, ReviewInput>();
  for (const review of [...reviews].sort((a, b) => a.submittedAt.localeCompare(b.submittedAt))) {
    if (review.state === 'COMMENTED' || review.state === 'PENDING') continue;
    byUser.set(review.user, review);
  }
  return [...byUser.values()];
}
