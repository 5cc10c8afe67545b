/**
 * Remediating an incident as the policy allows: auto runs the first option at once (once per
 * incident: a second try is a person's call), confirm waits for `/zeroops remediate <option>` from a
 * person with write access, suggest proposes the task as a pull request, observe records only. A
 * remediation is a normal run — planned from the approved state, under the same locks and gates,
 * with a check run and an event chain — whose outcome the incident records.
 */
import { randomUUID } from 'node:crypto';
import type { Remediation } from '../diagnose/cause.js';
import type { RunReporter, Scheduler } from '../engine/ports.js';
import { newRun } from '../engine/new-run.js';
import type { Incident } from '../engine/store.js';
import { formatDiagnostic } from '../manifest/diagnostic.js';
import type { Config } from '../manifest/model.js';
import { code } from '../plan/markdown.js';
import { rollbackPlanOf } from '../plan/rollback-plan.js';
import type { Plan } from '../plan/types.js';
import type { Inspection } from '../patrol/inspection.js';
import { remediationWork } from '../patrol/remediation-task.js';
import { checkAndPlan } from './check-and-plan.js';
import { isOpsManifest } from './check-change.js';
import { patrolBasis, type PatrolRepo } from './patrol-basis.js';
import { levelsOf, publish, record, repoOf, type IncidentDeps } from './patrol-incidents.js';

export interface RemediationDeps extends IncidentDeps {
  scheduler: Scheduler;
  reporter?: RunReporter;
}

/** Where a remediation is planned from: the approved state of the default branch. */
export interface PatrolContext {
  repo: PatrolRepo;
  sha: string;
  config?: Config;
  inspection?: Inspection;
}

/** What the policy lets ZeroOps do now about the incident's first option. */
export async function actOn(deps: RemediationDeps, incident: Incident, ctx: PatrolContext): Promise<void> {
  const patrol = incident.patrol!;
  const option = preferred(patrol.cause.remediations, ctx.inspection);
  if (!option) return;
  const level = levelsOf(ctx.config, patrol)[option.id];
  const tried = patrol.remediations.filter((r) => r.option === option.id);
  if (level === 'auto' && !tried.some((r) => r.by === 'zeroops'))
    await startRemediation(deps, incident, option.id, 'zeroops', ctx);
  else if (level === 'confirm' && tried.length === 0) {
    patrol.remediations.push({ option: option.id, by: 'zeroops', at: deps.clock().toISOString(), status: 'proposed' });
    await record(
      deps,
      incident,
      'remediation-proposed',
      `proposed ${option.title}; waiting for /zeroops remediate ${option.id}`,
    );
    await deps.forge.comment(
      repoOf(incident),
      incident.issueNumber,
      `ZeroOps proposes **${option.title}** (${option.why}). The policy asks a person to confirm: someone with write access, comment ${code(`/zeroops remediate ${option.id}`)}.`,
    );
    await publish(deps, incident, ctx.config);
  } else if (level === 'suggest' && tried.length === 0) await propose(deps, incident, option, ctx);
}

/** Runs an option of the incident now, as `by` asked (or ZeroOps, on its own). */
export async function startRemediation(
  deps: RemediationDeps,
  incident: Incident,
  optionId: string,
  by: string,
  ctx: PatrolContext,
): Promise<{ runId?: string; refused?: string }> {
  const patrol = incident.patrol!;
  const option = patrol.cause.remediations.find((r) => r.id === optionId);
  if (!option)
    return {
      refused: `${optionId} is not an option here: ${patrol.cause.remediations.map((r) => r.id).join(', ') || 'none'}`,
    };
  const attempt = patrol.remediations.filter((r) => r.option === optionId && r.runId).length + 1;
  const planned = await planOf(deps, incident, option, attempt, ctx);
  if ('refused' in planned) {
    patrol.remediations.push({ option: optionId, by, at: deps.clock().toISOString(), status: 'refused' });
    await record(deps, incident, 'remediation-refused', `${option.title} cannot run: ${planned.refused}`, by);
    await publish(deps, incident, ctx.config);
    return planned;
  }
  const now = deps.clock();
  const origin = {
    repo: { owner: ctx.repo.owner, repo: ctx.repo.repo, installationId: ctx.repo.installationId },
    pullNumber: incident.issueNumber,
    mergeSha: ctx.sha,
    startedBy: by,
    providers: ctx.config?.spec.providers,
  };
  const run = {
    ...newRun(planned.plan, origin, randomUUID(), now),
    incident: { id: incident.id, issueNumber: incident.issueNumber, option: optionId },
  };
  const { run: stored, created } = await deps.store.createRun(run);
  if (created) {
    await deps.store.appendEvents(
      stored.id,
      [{ type: 'run-created', actor: by, data: { task: planned.plan.task.name, incident: incident.id } }],
      now.toISOString(),
    );
    await deps.scheduler.later(stored.id, stored.version, 0);
  }
  patrol.remediations.push({ option: optionId, runId: stored.id, by, at: now.toISOString(), status: 'running' });
  incident.runIds = [...incident.runIds, stored.id];
  await record(
    deps,
    incident,
    'remediation-started',
    `${option.title}: run ${stored.id} (${planned.plan.task.name})`,
    by,
  );
  await deps.forge.comment(
    repoOf(incident),
    incident.issueNumber,
    `▶ ${by === 'zeroops' ? 'ZeroOps runs, as the policy allows,' : `@${by} asked for`} **${option.title}**: run ${code(stored.id)}, followed in the check run "ZeroOps run: ${planned.plan.task.name}". ZeroOps checks afterwards whether it worked.`,
  );
  await publish(deps, incident, ctx.config);
  return { runId: stored.id };
}

async function planOf(
  deps: RemediationDeps,
  incident: Incident,
  option: Remediation,
  attempt: number,
  ctx: PatrolContext,
): Promise<{ plan: Plan } | { refused: string }> {
  const patrol = incident.patrol!;
  const work = remediationWork(option, patrol.cause, {
    service: patrol.service,
    env: patrol.env,
    incident: incident.issueNumber,
    attempt,
    inspection: ctx.inspection,
  });
  if (work.kind === 'none') return { refused: work.why };
  if (work.kind === 'rollback') {
    const original = await deps.store.run(work.runId);
    if (!original) return { refused: `run ${work.runId} is not in the store` };
    if (original.plan.rollback.length === 0) return { refused: `${original.plan.task.name} has no rollback steps` };
    return { plan: rollbackPlanOf(original.plan, work.name, `incident #${incident.issueNumber}`) };
  }
  const tree = await deps.forge.listTree(ctx.repo, ctx.sha);
  const read = (path: string, id: string) => deps.forge.readBlob(ctx.repo, { path, id });
  const context = await Promise.all(
    tree.filter((e) => isOpsManifest(e.path)).map(async (e) => ({ path: e.path, text: await read(e.path, e.id) })),
  );
  const result = await checkAndPlan({
    files: [{ path: `tasks/${work.name}.yaml`, text: work.text }],
    context: context.filter((f) => f.path !== '.zeroops/config.yaml'),
    policyConfig: context.find((f) => f.path === '.zeroops/config.yaml') ?? null,
    scripts: new Map(tree.filter((e) => e.path.startsWith('scripts/')).map((e) => [e.path, e.id])),
  });
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) return { refused: errors.map(formatDiagnostic).join('; ') };
  const plan = result.plans[0];
  if (!plan?.executes) return { refused: `${plan?.task.kind ?? 'the task'} does not execute in this version` };
  return { plan };
}

/** suggest: the remediation as a task in a pull request, reviewed and merged like any other. */
async function propose(
  deps: RemediationDeps,
  incident: Incident,
  option: Remediation,
  ctx: PatrolContext,
): Promise<void> {
  const patrol = incident.patrol!;
  const work = remediationWork(option, patrol.cause, {
    service: patrol.service,
    env: patrol.env,
    incident: incident.issueNumber,
    attempt: 1,
    inspection: ctx.inspection,
  });
  if (work.kind !== 'task') return;
  const pull = await deps.forge.proposeChange(ctx.repo, {
    branch: `zeroops/${work.name}`,
    title: `${option.title} (incident #${incident.issueNumber})`,
    body: `ZeroOps proposes this remediation of #${incident.issueNumber}: ${option.why}.\n\nMerging it runs it, once approved like any task.`,
    files: { [`tasks/remediations/${work.name}.yaml`]: work.text },
  });
  patrol.remediations.push({
    option: option.id,
    by: 'zeroops',
    at: deps.clock().toISOString(),
    status: 'proposed',
    pullNumber: pull.number,
  });
  await record(deps, incident, 'remediation-proposed', `proposed ${option.title} as #${pull.number}`);
  await publish(deps, incident, ctx.config);
}

/** The option the inspection names first (its `remediate`), else the diagnosis' first. */
function preferred(options: Remediation[], inspection?: Inspection): Remediation | undefined {
  const named = inspection?.remediate?.split('@')[0];
  return options.find((o) => o.id === named) ?? options[0];
}

/** `/zeroops remediate <option>` on an incident's issue, from a person with write access. */
export async function remediateOnRequest(
  deps: RemediationDeps,
  issue: { repo: { owner: string; repo: string }; number: number },
  option: string,
  by: string,
): Promise<string> {
  const incident = await deps.store.incident(`${issue.repo.owner}/${issue.repo.repo}#${issue.number}`);
  if (!incident?.patrol) return 'this issue is not an incident the patrol filed; nothing was done.';
  if (incident.state === 'closed') return 'this incident is closed; nothing was done.';
  const repo = (await deps.store.repos()).find((r) => r.owner === issue.repo.owner && r.repo === issue.repo.repo);
  if (!repo) return 'ZeroOps does not know this repository yet; nothing was done.';
  const basis = await patrolBasis(deps, repo);
  const service = basis.services.find((s) => s.metadata.name === incident.patrol!.service);
  const inspection = service?.spec.inspections?.find((i) => i.name === incident.patrol!.inspection);
  const started = await startRemediation(deps, incident, option, by, {
    repo,
    sha: basis.sha,
    config: basis.config,
    inspection,
  });
  return started.runId
    ? `▶ ${option} is running as run ${code(started.runId)}.`
    : `${started.refused}; nothing was done.`;
}
