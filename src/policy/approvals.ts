/**
 * Whether each task's plan is approved: approvals come from reviews by people with write access
 * who are neither the author nor the last pusher, and count only for the plan fingerprint the
 * reviewer saw. Pure.
 */

export type Permission = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';

export interface ReviewInput {
  user: string;
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' | 'PENDING';
  /** Plan fingerprints by task at the commit the review was given on; undefined when never planned. */
  fingerprints?: Record<string, string>;
  submittedAt: string;
}

export interface TaskApprovalInput {
  name: string;
  fingerprint: string;
  required: number;
  ownerRequired: boolean;
  owners: string[];
}

export interface TaskApproval {
  task: string;
  approved: boolean;
  approvers: string[];
  /** What is still missing, in plain words; empty when approved. */
  missing: string[];
}

export interface ApprovalInput {
  tasks: TaskApprovalInput[];
  reviews: ReviewInput[];
  permissions: Record<string, Permission>;
  author: string;
  lastPusher: string;
}

const canApprove: Permission[] = ['admin', 'maintain', 'write'];

export function evaluateApprovals(input: ApprovalInput): TaskApproval[] {
  const latest = latestReviewPerUser(input.reviews);
  return input.tasks.map((task) => {
    const ignored: string[] = [];
    const approvers = latest.filter((review) => {
      if (review.state !== 'APPROVED') return false;
      if (review.user === input.author) return ignored.push(`@${review.user} wrote the change`), false;
      if (review.user === input.lastPusher) return ignored.push(`@${review.user} pushed the last commit`), false;
      if (!canApprove.includes(input.permissions[review.user] ?? 'none')) return ignored.push(`@${review.user} has no write access`), false;
      if (review.fingerprints?.[task.name] !== task.fingerprint) return ignored.push(`@${review.user} approved an earlier plan of ${task.name}`), false;
      return true;
    }).map((r) => r.user);
    const missing: string[] = [];
    if (approvers.length < task.required) missing.push(`${task.required - approvers.length} more approval(s) (${approvers.length} of ${task.required})`);
    if (task.ownerRequired && !approvers.some((a) => task.owners.includes(a))) missing.push(`an approval from an owner: ${task.owners.map((o) => `@${o}`).join(', ')}`);
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
