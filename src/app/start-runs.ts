/**
 * Use case: a pull request was merged. ZeroOps re-checks everything itself — branch protection may
 * be missing — and starts one run per approved, executable task, once: the run's key is the
 * repository, merge commit, task and plan fingerprint. Only merges into the default branch (or a
 * branch its approved config names) execute; governed files that differ from the approved state
 * must be approved in the same pull request, or nothing runs and the approved state stays where
 * it was. A merge outside the change windows is scheduled for the next opening. Refusals are
 * said on the pull request.
 */
import { randomUUID } from 'node:crypto';
import type { RunReporter, Scheduler } from '../engine/ports.js';
import { newRun } from '../engine/new-run.js';
import type { Forge, PullRequestRef, RepoRef } from '../forge/forge.js';
import type { TaskApproval } from '../policy/approvals.js';
import { changeWindow, nextOpening } from '../policy/windows.js';
import { environmentsOf } from '../policy/shared-environments.js';
import type { Plan } from '../plan/types.js';
import type { Store } from '../engine/store.js';
import { approvalsFor, authorship } from './approval-status.js';
import { approvalItems } from './plan-record.js';
import { governedWroteKey } from './record-keys.js';
import { checkChange, type ChangeCheck } from './check-change.js';
import { approvedStateId } from './policy-basis.js';
import type { Log, SchemaPreflight } from './ports.js';
import { formatDiagnostic } from '../manifest/diagnostic.js';

import { proposeTemplates } from './propose-templates.js';
import type { TaskWriter } from '../nl/task-writer.js';

export interface StartRunsDeps {
  forge: Forge;
  store: Store;
  scheduler: Scheduler;
  log: Log;
  clock: () => Date;
  /** Told about runs scheduled for later, so their check run shows the wait at once. */
  reporter?: RunReporter;
  preflight?: SchemaPreflight;
  /** A language model that reads SOPs into template proposals, when one is configured. */
  writer?: TaskWriter;
}

export interface MergedPull {
  repo: RepoRef & { installationId?: number };
  number: number;
  mergeSha: string;
  baseSha: string;
  headSha: string;
  baseRef: string;
  defaultBranch: string;
  mergedBy: string;
}

export interface MergeOutcome {
  started: string[];
  scheduled: string[];
  refused: string[];
  /** Governed files whose approved change now governs the branch. */
  governs?: string[];
}

/** The merged pull request as a reference to its merge commit. */
const pullOf = (merged: MergedPull): PullRequestRef => ({
  ...merged.repo,
  number: merged.number,
  headSha: merged.mergeSha,
  baseSha: merged.baseSha,
  baseRef: merged.baseRef,
  defaultBranch: merged.defaultBranch,
});

export async function startRuns(deps: StartRunsDeps, merged: MergedPull): Promise<MergeOutcome> {
  const check = await checkChange(deps, pullOf(merged), 'merge');
  const outcome: MergeOutcome = { started: [], scheduled: [], refused: [] };
  if (!check.basis.executes) {
    if (check.changed.length > 0) outcome.refused.push(`any task: ${check.basis.executesBecause}`);
  } else if (check.plans.length > 0 || check.governance.length > 0 || check.diagnostics.length > 0) {
    await execute(deps, merged, check, outcome);
  }
  await say(deps.forge, merged, outcome);
  // What the default branch now teaches (repeated hand-written settings, SOPs): proposed, never applied.
  if (merged.baseRef === merged.defaultBranch)
    await proposeTemplates(deps, merged.repo, await mergePeople(deps, merged)).catch((error: Error) =>
      deps.log.warn({ pr: merged.number, err: error.message }, 'template proposals could not be made'),
    );
  deps.log.info(
    { pr: merged.number, merge: merged.mergeSha, ...outcome, refused: outcome.refused.length },
    'merge handled',
  );
  return outcome;
}

/** Who brought a merge in: its author, everyone who pushed to it or asked for it, and who merged it. */
async function mergePeople(deps: StartRunsDeps, merged: MergedPull): Promise<string[]> {
  const wrote = await authorship(deps, merged.repo, merged.number);
  const people = [wrote.author, wrote.lastPusher, ...wrote.pushers, ...wrote.requestedBy, merged.mergedBy];
  return [...new Set(people.map((p) => p.toLowerCase()))];
}

async function execute(
  deps: StartRunsDeps,
  merged: MergedPull,
  check: ChangeCheck,
  outcome: MergeOutcome,
): Promise<void> {
  const errors = check.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    // Said in full: some appear only at the merge (a fork's transform, run over the rows only now).
    outcome.refused.push(
      `any task: the manifests have ${errors.length} error(s) at the merge commit; nothing runs until they are ` +
        `fixed:\n${errors
          .slice(0, 5)
          .map((e) => `  - ${formatDiagnostic(e)}`)
          .join('\n')}`,
    );
    return;
  }
  const items = approvalItems(check.plans, check.governance, check.basis.approvedSha, {
    ...merged.repo,
    baseRef: merged.baseRef,
  });
  const approvals = new Map((await approvalsFor(deps, pullOf(merged), items)).map((a) => [a.task, a]));
  const unapproved = check.governance.filter((g) => !approvals.get(g.name)?.approved);
  if (unapproved.length > 0) {
    const people = await mergePeople(deps, merged);
    for (const g of unapproved) {
      const key = governedWroteKey(merged.repo, merged.baseRef, check.basis.approvedSha, g.path);
      for (const person of people) await deps.store.saveCheckpoint(`${key}/${person}`, { pull: merged.number });
    }
    outcome.refused.push(
      `any task: governed files changed without the approval they need, so \`${merged.baseRef}\` keeps ${check.basis.approvedSha.slice(0, 7)} as its approved state ` +
        `(its policy, owners, templates and scripts) and the next pull request must get these changes approved:\n${unapproved.map((g) => `  - \`${g.path}\`: ${approvals.get(g.name)?.missing.join('; ')}`).join('\n')}`,
    );
    return;
  }
  if (check.governance.length > 0) {
    const moved = await deps.store.saveApprovedState(
      {
        id: approvedStateId(merged.repo, merged.baseRef),
        sha: merged.mergeSha,
        by: `#${merged.number}`,
        at: deps.clock().toISOString(),
      },
      { expect: check.basis.approvedSha },
    );
    // Another merge moved the approved state first: this one was judged against an older state, so judge it again.
    if (!moved)
      throw new Error(
        `the approved state of ${merged.baseRef} moved while #${merged.number} was checked; checking it again`,
      );
    outcome.governs = check.governance.map((g) => g.path);
  }
  for (const plan of check.plans) await startOne(deps, merged, check, plan, approvals.get(plan.task.name), outcome);
}

async function startOne(
  deps: StartRunsDeps,
  merged: MergedPull,
  check: ChangeCheck,
  plan: Plan,
  approval: TaskApproval | undefined,
  outcome: MergeOutcome,
): Promise<void> {
  const name = `\`${plan.task.name}\``;
  if (!approval?.approved)
    return void outcome.refused.push(
      `${name}: not approved: ${approval?.missing.join('; ') ?? 'no review of this plan'}`,
    );
  if (!plan.executes) {
    return void outcome.refused.push(
      `${name}: ${plan.task.kind} execution is not available yet in this version of ZeroOps; the plan is approved and recorded, and nothing was changed`,
    );
  }
  const now = deps.clock();
  const window = changeWindow(check.basis.policy, environmentsOf(plan.task), now);
  const opening = window.open ? undefined : nextOpening(check.basis.policy, environmentsOf(plan.task), now);
  if (!window.open && !opening)
    return void outcome.refused.push(
      `${name}: not now, and no change window opens in the next 35 days: ${window.reason}`,
    );
  const schedule = opening && {
    startAt: opening,
    reason: `scheduled: starts at ${opening.toISOString()}, when it may (merged ${window.reason}); \`/zeroops abort\` cancels it`,
  };
  const { windows, freezes } = check.basis.policy?.spec ?? {};
  const origin = {
    repo: merged.repo,
    pullNumber: merged.number,
    mergeSha: merged.mergeSha,
    startedBy: merged.mergedBy,
    providers: check.basis.policy?.spec.providers,
    ...(windows?.length || freezes?.length ? { schedule: { windows, freezes } } : {}),
  };
  const { run, created } = await deps.store.createRun(newRun(plan, origin, randomUUID(), now, schedule));
  if (!created) return;
  const event = {
    type: schedule ? 'run-scheduled' : 'run-created',
    actor: merged.mergedBy,
    data: {
      task: plan.task.name,
      fingerprint: plan.fingerprint,
      mergeSha: merged.mergeSha,
      ...(schedule ? { startAt: run.startAt } : {}),
    },
  };
  await deps.store.appendEvents(run.id, [event], now.toISOString());
  if (schedule) await deps.reporter?.changed(run, [event]);
  await deps.scheduler.later(run.id, run.version, schedule ? opening!.getTime() - now.getTime() : 0);
  (schedule ? outcome.scheduled : outcome.started).push(
    schedule ? `${name} at ${opening!.toISOString()} (${window.reason})` : plan.task.name,
  );
}

async function say(
  forge: Forge,
  merged: MergedPull,
  { started, scheduled, refused, governs }: MergeOutcome,
): Promise<void> {
  const lines = [
    ...(governs?.length
      ? [
          `🔐 Approved and merged: ${governs.map((p) => `\`${p}\``).join(', ')} now govern ` +
            `\`${merged.baseRef}\` (its approved state is ${merged.mergeSha.slice(0, 7)}).`,
        ]
      : []),
    ...(started.length
      ? [
          `🚀 Merged in ${merged.mergeSha.slice(0, 7)}: started ${started.map((t) => `\`${t}\``).join(', ')}. Follow each run in its check run "ZeroOps run: <task>"; steer it with \`/zeroops pause | resume | abort | rollback | approve-step <step> | status\`.`,
        ]
      : []),
    ...(scheduled.length
      ? [
          `🕒 Scheduled, because the change window is closed now: ${scheduled.join(', ')}. \`/zeroops abort\` cancels a scheduled run.`,
        ]
      : []),
    ...(refused.length ? ['⛔ ZeroOps did not execute:', '', ...refused.map((r) => `- ${r}`)] : []),
  ];
  if (lines.length) await forge.comment(merged.repo, merged.number, lines.join('\n'));
}
