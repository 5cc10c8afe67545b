/** Turn what a kind compiled into the full Plan value: rollback chain, risk, approvals, fingerprint. */
import type { CompletedTask } from '../manifest/complete.js';
import type { OpsRepo } from '../manifest/model.js';
import { requiredApprovals } from '../policy/required-approvals.js';
import { sharedEnvironments } from '../policy/shared-environments.js';
import { claimantsOf, type Claimant } from '../policy/shared-targets.js';
import { fingerprintOf } from './fingerprint.js';
import { commonRiskFactors, scoreRisk } from './risk.js';
import type { ApprovalRequirement, KindPlan, Plan, PlanStep, RollbackStep } from './types.js';

export function assemblePlan(task: CompletedTask, compiled: KindPlan, repo: OpsRepo, executes: boolean): Plan {
  const doc = task.source.doc;
  const claimants = claimantsOf(task.service, repo.approvedServices);
  const taskRef = {
    name: task.name,
    kind: task.kind,
    service: task.service.metadata.name,
    env: task.env,
    environments: sharedEnvironments(task.env, [
      ...task.service.spec.environments,
      ...claimants.flatMap((c) => c.environments),
    ]),
    file: doc.file,
    line: doc.at([]).line,
  };
  const rollback = compiled.rollback ?? inversesOf(compiled.steps);
  const risk = scoreRisk([...commonRiskFactors(task, taskRef.environments, compiled.steps), ...compiled.riskFactors]);
  const owners = repo.approvedServices
    ? (repo.approvedServices.find((s) => s.metadata.name === taskRef.service)?.spec.owners ?? [])
    : task.service.spec.owners;
  const required = requiredApprovals(
    {
      kind: task.kind,
      environments: taskRef.environments,
      risk: risk.level,
      owners,
      requested: task.spec.approval as { required?: number; owners?: boolean } | undefined,
    },
    repo.config?.manifest,
  );
  const approvals = claimants.length === 0 ? required : heldBy(required, taskRef.service, claimants);
  const scripts = scriptsRun(compiled.steps, rollback, repo);
  const body = {
    task: taskRef,
    steps: compiled.steps,
    rollback,
    locks: compiled.locks,
    ...(scripts ? { scripts } : {}),
  };
  return {
    ...body,
    summary: compiled.summary,
    risk,
    approvals,
    filled: task.filled,
    executes,
    fingerprint: fingerprintOf(body),
  };
}

/**
 * The content of every script the plan may run, so a push that changes one changes the plan. A
 * script may call any other in scripts/, so a plan that runs one is bound to the whole folder.
 */
function scriptsRun(
  steps: readonly PlanStep[],
  rollback: readonly RollbackStep[],
  repo: OpsRepo,
): Record<string, string> | undefined {
  if (!repo.scripts) return undefined;
  const actions = [
    ...steps.flatMap((s) => [s.action, ...(s.inverse && s.inverse !== 'none-needed' ? [s.inverse] : [])]),
    ...rollback.map((r) => r.action),
  ];
  if (!actions.some((a) => a.provider === 'command')) return undefined;
  return Object.fromEntries([...repo.scripts].sort(([a], [b]) => a.localeCompare(b)));
}

/** Undo what was done, last step first. */
function inversesOf(steps: readonly PlanStep[]): RollbackStep[] {
  return [...steps]
    .reverse()
    .flatMap((step) =>
      step.inverse && step.inverse !== 'none-needed'
        ? [{ title: `Undo: ${step.title}`, action: step.inverse, undoes: step.id }]
        : [],
    );
}

/** The requirement when other services act on the task's targets: an owner of each of them too. */
function heldBy(required: ApprovalRequirement, service: string, claimants: readonly Claimant[]): ApprovalRequirement {
  const shared = claimants.map((c) => `service ${c.name} (${c.shares.join(', ')})`).join(', ');
  return {
    ...required,
    ownerGroups: [
      { of: `service ${service}`, members: required.owners },
      ...claimants.map((c) => ({ of: `service ${c.name}`, members: c.owners })),
    ],
    source: `${required.source}; held by ${shared} too, which act${claimants.length === 1 ? 's' : ''} on the same`,
  };
}
