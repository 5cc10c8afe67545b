/**
 * The plan ZeroOps recorded for a commit of a pull request: what each approval given on that
 * commit approves. A commit reviewed before ZeroOps had planned it (a quick review, a merge that
 * came before the plan was published, a delivery that was lost) is planned when it is asked for.
 */
import { environmentsOf } from '../policy/shared-environments.js';
import type { PullRequestRef } from '../forge/forge.js';
import type { PlanRecord, Store } from '../engine/store.js';
import { renderSchedule } from '../policy/render-governance.js';
import { governedWroteKey, planRecordId, repoKey } from './record-keys.js';
import type { ApprovalItem } from '../engine/store.js';
import type { OwnerGroup, TaskApprovalInput } from '../policy/approvals.js';
import type { ApprovalRequirement } from '../plan/types.js';
import type { RepoRef } from '../forge/forge.js';
import { checkChange, type ChangeCheck, type CheckChangeDeps } from './check-change.js';

export function planRecordOf(pr: PullRequestRef, check: ChangeCheck, now: Date): PlanRecord {
  return {
    id: planRecordId(pr, pr.number, pr.headSha),
    repo: repoKey(pr),
    pullNumber: pr.number,
    sha: pr.headSha,
    base: pr.baseRef,
    createdAt: now.toISOString(),
    errors: check.diagnostics.filter((d) => d.severity === 'error').length,
    tasks: approvalItems(check.plans, check.governance, check.basis.approvedSha, pr),
    notes: changeNotes(check, now),
  };
}

/** What decides whether and when a merge executes, besides approvals. */
export function changeNotes(check: ChangeCheck, now: Date): string[] {
  if (!check.basis.executes)
    return [`⚠️ **Merging this pull request executes nothing**: ${check.basis.executesBecause}.`];
  return renderSchedule(
    check.basis.policy,
    check.plans.map((p) => environmentsOf(p.task)),
    now,
  );
}

/** The record of `sha`, planning it now if it never was; undefined when the commit cannot be read. */
export async function recordedPlan(
  deps: CheckChangeDeps & { store: Store },
  pr: PullRequestRef,
  sha: string,
): Promise<PlanRecord | undefined> {
  const known = await deps.store.planRecord(planRecordId(pr, pr.number, sha));
  if (known) return known;
  const at = { ...pr, headSha: sha };
  let check: ChangeCheck;
  try {
    // A record is its plans and their fingerprints: no preflight (it would read the rows to say nothing here).
    check = await checkChange({ ...deps, preflight: undefined }, at);
  } catch {
    return undefined; // a commit force-pushed away: nothing it approved can be known
  }
  const record = planRecordOf(at, check, deps.clock?.() ?? new Date());
  await deps.store.savePlanRecord(record);
  return record;
}

/** What a record asks to approve: each task's plan and each governed change, with who must approve it. */
export function approvalItems(
  plans: readonly {
    task: { name: string; env: string; file: string; service: string };
    fingerprint: string;
    risk: { level: string };
    approvals: ApprovalRequirement;
  }[],
  governance: readonly (TaskApprovalInput & { path: string })[],
  approvedSha: string,
  pr: RepoRef & { baseRef: string },
): ApprovalItem[] {
  return [
    ...plans.map((p) => ({
      name: p.task.name,
      fingerprint: p.fingerprint,
      required: p.approvals.required,
      risk: p.risk.level,
      env: p.task.env,
      file: p.task.file,
      owners: ownerGroupsOf(p),
    })),
    ...governance.map((g) => ({
      name: g.name,
      fingerprint: g.fingerprint,
      required: g.required,
      owners: g.owners,
      wroteKey: governedWroteKey(pr, pr.baseRef, approvedSha, g.path),
    })),
  ];
}

/** Every group of owners a plan needs an approval from: none, its service's, or each service on its targets. */
export const ownerGroupsOf = (p: { task: { service: string }; approvals: ApprovalRequirement }): OwnerGroup[] =>
  p.approvals.ownerRequired
    ? (p.approvals.ownerGroups ?? [{ of: `service ${p.task.service}`, members: p.approvals.owners }])
    : [];
