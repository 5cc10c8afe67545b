/** Turn what a kind compiled into the full Plan value: rollback chain, risk, approvals, fingerprint. */
import type { CompletedTask } from '../manifest/complete.js';
import type { OpsRepo } from '../manifest/model.js';
import { requiredApprovals } from '../policy/required-approvals.js';
import { fingerprintOf } from './fingerprint.js';
import { commonRiskFactors, scoreRisk } from './risk.js';
import type { KindPlan, Plan, PlanStep, RollbackStep } from './types.js';

export function assemblePlan(task: CompletedTask, compiled: KindPlan, repo: OpsRepo): Plan {
  const doc = task.source.doc;
  const taskRef = { name: task.name, kind: task.kind, service: task.service.metadata.name, env: task.env, file: doc.file, line: doc.at([]).line };
  const rollback = compiled.rollback ?? inversesOf(compiled.steps);
  const risk = scoreRisk([...commonRiskFactors(task, compiled.steps), ...compiled.riskFactors]);
  const approvals = requiredApprovals({
    kind: task.kind, env: task.env, risk: risk.level, owners: task.service.spec.owners,
    requested: task.spec.approval as { required?: number; owners?: boolean } | undefined,
  }, repo.config?.manifest);
  const body = { task: taskRef, steps: compiled.steps, rollback, locks: compiled.locks };
  return { ...body, summary: compiled.summary, risk, approvals, filled: task.filled, fingerprint: fingerprintOf(body) };
}

/** Undo what was done, last step first. */
function inversesOf(steps: readonly PlanStep[]): RollbackStep[] {
  return [...steps].reverse().flatMap((step) =>
    step.inverse && step.inverse !== 'none-needed' ? [{ title: `Undo: ${step.title}`, action: step.inverse, undoes: step.id }] : []);
}
