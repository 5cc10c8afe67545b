/**
 * Use case: a pull request was merged. ZeroOps re-checks everything itself — branch protection may
 * be missing — and starts one run per approved, executable task, once: the run's key is the
 * repository, merge commit, task and plan fingerprint. Refusals are said on the pull request.
 */
import { randomUUID } from 'node:crypto';
import type { Scheduler } from '../engine/ports.js';
import { newRun } from '../engine/new-run.js';
import type { Forge, RepoRef } from '../forge/forge.js';
import { loadDocuments } from '../manifest/load.js';
import { opsRepoLayout } from '../manifest/model.js';
import { changeWindow } from '../policy/windows.js';
import type { Plan } from '../plan/types.js';
import type { Store } from '../store/store.js';
import { approvalsFor } from './approval-status.js';
import { checkChange } from './plan-change.js';
import type { Log } from './ports.js';

/** Kinds whose execution this version of ZeroOps carries out. */
export const executableKinds = new Set(['TrafficShift', 'Restart', 'Runbook']);

export interface StartRunsDeps {
  forge: Forge;
  store: Store;
  scheduler: Scheduler;
  log: Log;
  clock: () => Date;
}

export interface MergedPull {
  repo: RepoRef & { installationId?: number };
  number: number;
  mergeSha: string;
  baseSha: string;
  headSha: string;
  mergedBy: string;
}

export async function startRuns(deps: StartRunsDeps, merged: MergedPull): Promise<{ started: string[]; refused: string[] }> {
  const pr = { ...merged.repo, number: merged.number, headSha: merged.mergeSha, baseSha: merged.baseSha };
  const { plans, diagnostics, baseConfig } = await checkChange(deps.forge, pr);
  if (plans.length === 0 && diagnostics.length === 0) return { started: [], refused: [] };
  const refused: string[] = [];
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) refused.push(`the manifests have ${errors.length} error(s) at the merge commit; nothing runs until they are fixed`);
  const approvals = errors.length ? new Map() : await approvalsAtMerge(deps, merged, plans);
  const config = baseConfig ? loadDocuments([{ path: opsRepoLayout.config, text: baseConfig }]).configs[0]?.manifest : undefined;
  const started: string[] = [];
  for (const plan of errors.length ? [] : plans) {
    const problem = refusal(plan, approvals, config, deps.clock());
    if (problem) {
      refused.push(`\`${plan.task.name}\`: ${problem}`);
      continue;
    }
    const { run, created } = await deps.store.createRun(newRun(plan, { repo: merged.repo, pullNumber: merged.number, mergeSha: merged.mergeSha, startedBy: merged.mergedBy, providers: config?.spec.providers }, randomUUID(), deps.clock()));
    if (!created) continue;
    await deps.store.appendEvents(run.id, [{ type: 'run-created', actor: merged.mergedBy, data: { task: plan.task.name, fingerprint: plan.fingerprint, mergeSha: merged.mergeSha } }], deps.clock().toISOString());
    await deps.scheduler.later(run.id, run.version, 0);
    started.push(plan.task.name);
  }
  await say(deps.forge, merged, started, refused);
  deps.log.info({ pr: merged.number, merge: merged.mergeSha, started, refused: refused.length }, 'merge handled');
  return { started, refused };
}

/** Reviews approved the plans they saw; the merge commit's plans must be the very same ones. */
async function approvalsAtMerge(deps: StartRunsDeps, merged: MergedPull, plans: Plan[]) {
  const tasks = plans.map((p) => ({ name: p.task.name, fingerprint: p.fingerprint, required: p.approvals.required, ownerRequired: p.approvals.ownerRequired, owners: p.approvals.owners }));
  const approvals = await approvalsFor(deps, merged.repo, merged.number, tasks);
  return new Map(approvals.map((a) => [a.task, a]));
}

function refusal(plan: Plan, approvals: Map<string, { approved: boolean; missing: string[] }>, config: Parameters<typeof changeWindow>[0], now: Date): string | undefined {
  const approval = approvals.get(plan.task.name);
  if (!approval?.approved) return `not approved: ${approval?.missing.join('; ') ?? 'no review of this plan'}`;
  const window = changeWindow(config, plan.task.env, now);
  if (!window.open) return `not now: ${window.reason}`;
  if (!executableKinds.has(plan.task.kind)) return `${plan.task.kind} execution is not available yet in this version of ZeroOps; the plan is approved and recorded, and nothing was changed`;
  return undefined;
}

async function say(forge: Forge, merged: MergedPull, started: string[], refused: string[]): Promise<void> {
  const lines = [
    ...(started.length ? [`🚀 Merged in ${merged.mergeSha.slice(0, 7)}: started ${started.map((t) => `\`${t}\``).join(', ')}. Follow each run in its check run "ZeroOps run: <task>"; steer it with \`/zeroops pause | resume | abort | rollback | approve-step <step> | status\`.`] : []),
    ...(refused.length ? ['⛔ ZeroOps did not execute:', '', ...refused.map((r) => `- ${r}`)] : []),
  ];
  if (lines.length) await forge.comment(merged.repo, merged.number, lines.join('\n'));
}
