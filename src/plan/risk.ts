/** Risk: the kind's factors plus the ones every plan shares, summed into a level with its reasons. */
import type { CompletedTask } from '../manifest/complete.js';
import type { PlanStep, Risk, RiskFactor, RiskLevel } from './types.js';

const productionLike = /^(prod|production|live)$/i;

/**
 * `environments`: every environment whose targets the task changes (its own first, then its
 * service's and those of services acting on the same targets): a label does not move a task off
 * production's targets (policy/shared-environments.ts, policy/shared-targets.ts).
 */
export function commonRiskFactors(
  task: CompletedTask,
  environments: readonly string[],
  steps: readonly PlanStep[],
): RiskFactor[] {
  const factors: RiskFactor[] = [];
  const production = environments.find((e) => productionLike.test(e));
  if (production)
    factors.push({
      reason: production === task.env ? `runs in ${task.env}` : `changes what ${production} runs on`,
      weight: 1,
    });
  const gated = steps.some((step) => step.gates.length > 0);
  if (!gated) factors.push({ reason: 'no metric gate watches it: add spec.analysis', weight: 2 });
  // A long run is long to watch and long to undo: ten steps are normal, hundreds are not.
  if (steps.length > 200)
    factors.push({ reason: `${steps.length} steps: a run this long cannot be watched or undone quickly`, weight: 4 });
  else if (steps.length > 30)
    factors.push({ reason: `${steps.length} steps: a long run to watch and to undo`, weight: 1 });
  const irreversible = steps.filter((step) => step.inverse === undefined);
  if (irreversible.length > 0) {
    factors.push({
      reason: `${irreversible.length} step(s) cannot be undone automatically: ${irreversible.map((s) => s.id).join(', ')}`,
      weight: 2,
    });
  }
  return factors;
}

export function scoreRisk(factors: readonly RiskFactor[]): Risk {
  const score = factors.reduce((sum, factor) => sum + factor.weight, 0);
  return { level: levelOf(score), score, reasons: factors.map((factor) => factor.reason) };
}

function levelOf(score: number): RiskLevel {
  if (score >= 6) return 'critical';
  if (score >= 4) return 'high';
  if (score >= 2) return 'medium';
  return 'low';
}
