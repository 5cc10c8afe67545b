/**
 * Use case: a pull request was opened or pushed to. Check and plan it at its head commit against
 * the approved policy and owners, then publish the "ZeroOps plan" check run and the summary comment.
 */
import type { Diagnostic } from '../manifest/diagnostic.js';
import { renderReport } from '../plan/render-report.js';
import type { Annotation, Forge, PullRequestRef } from '../forge/forge.js';
import { renderGovernance } from '../policy/render-governance.js';
import type { Store } from '../engine/store.js';
import { publishApprovalStatus } from './approval-status.js';
import { pullRecordId } from './record-keys.js';
import { checkChange } from './check-change.js';
import { planRecordOf } from './plan-record.js';
import type { Log, SchemaPreflight } from './ports.js';
import { renderLaneMap } from '../lanes/lane-map.js';
import { renderHistory } from '../knowledge/render-history.js';
import { caseRecords } from './case-library.js';

export const planCheckName = 'ZeroOps plan';
export const planCommentTopic = 'plan';

export interface PlanChangeDeps {
  forge: Forge;
  log: Log;
  /** With a store, plans are remembered per commit and approvals are tracked. */
  store?: Store;
  clock?: () => Date;
  preflight?: SchemaPreflight;
}

export interface PlanTrigger {
  author: string;
  /** Who pushed the head commit (the author when the pull request was opened). */
  pusher?: string;
  /** The pull request was just moved to another base branch. */
  baseChanged?: boolean;
}

export type PlanChangeOutcome = 'no-manifests' | 'planned' | 'errors';

export async function planChange(
  deps: PlanChangeDeps,
  pr: PullRequestRef,
  trigger?: PlanTrigger,
): Promise<PlanChangeOutcome> {
  const { forge, log, store } = deps;
  if (store && trigger) {
    const known = await store.pull(pullRecordId(pr, pr.number));
    const pusher = trigger.pusher ?? known?.lastPusher ?? trigger.author;
    const pushers = [...new Set([...(known?.pushers ?? []), trigger.author, pusher])];
    await store.savePull({
      ...known,
      id: pullRecordId(pr, pr.number),
      author: trigger.author,
      lastPusher: pusher,
      pushers,
      ...(trigger.baseChanged
        ? { baseSince: { base: pr.baseRef, at: (deps.clock?.() ?? new Date()).toISOString() } }
        : {}),
    });
  }
  const check = await checkChange(deps, pr);
  const { plans, governance, diagnostics } = check;
  if (check.changed.length === 0 && governance.length === 0) {
    await forge.publishCheck(pr, {
      name: planCheckName,
      headSha: pr.headSha,
      conclusion: 'neutral',
      title: 'Nothing to plan',
      summary:
        'This pull request changes no task, and no file that governs execution (`.zeroops/`, `services/`, `templates/`, `scripts/`) differs from the approved state.',
      annotations: [],
    });
    return 'no-manifests';
  }
  const now = deps.clock?.() ?? new Date();
  // Recorded before it is published: a review of this commit counts from the moment it is given.
  const record = planRecordOf(pr, check, now);
  await store?.savePlanRecord(record);
  const report = renderReport(plans, diagnostics);
  const notes = record.notes ?? [];
  const summary = [
    ...notes,
    ...(notes.length ? [''] : []),
    ...renderGovernance(governance, { branch: pr.baseRef, sha: check.basis.approvedSha }),
    report.summary,
  ].join('\n');
  const failed = diagnostics.some((d) => d.severity === 'error');
  // What earlier runs of the same kind on the same services say, next to the plan it informs.
  const history = store && plans.length ? renderHistory(plans, await caseRecords(store, pr), pr.number) : '';
  const title =
    governance.length && !failed ? `${report.title}; ${governance.length} governed file(s) changed` : report.title;
  await forge.publishCheck(pr, {
    name: planCheckName,
    headSha: pr.headSha,
    conclusion: failed ? 'failure' : 'success',
    title,
    summary,
    text: [report.text, history, ...(check.preflight ?? []), renderLaneMap(check.lanes)].filter(Boolean).join('\n\n'),
    annotations: diagnostics.map(toAnnotation),
  });
  const laneMap = renderLaneMap(check.lanes);
  await forge.upsertComment(
    pr,
    planCommentTopic,
    [
      `## ZeroOps plan for ${pr.headSha.slice(0, 7)}`,
      summary,
      report.text,
      history,
      ...(check.preflight ?? []),
      laneMap,
    ]
      .filter(Boolean)
      .join('\n\n'),
  );
  if (store) await publishApprovalStatus({ forge, store, clock: deps.clock }, pr);
  log.info(
    { pr: pr.number, head: pr.headSha, plans: plans.length, governed: governance.length, findings: diagnostics.length },
    'planned pull request',
  );
  return failed ? 'errors' : 'planned';
}

function toAnnotation(d: Diagnostic): Annotation {
  return {
    path: d.file,
    line: d.line,
    column: d.col,
    level: d.severity === 'error' ? 'failure' : 'warning',
    title: `${d.field} (${d.rule})`,
    message: d.message,
  };
}
