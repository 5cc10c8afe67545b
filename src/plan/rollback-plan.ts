/**
 * A run's rollback as a plan of its own, to run later (the patrol's "roll the change back"): the
 * rollback steps in order, under the same locks, each its own step with no further undo. Pure.
 */
import type { Plan } from './types.js';
import { fingerprintOf } from './fingerprint.js';

export function rollbackPlanOf(original: Plan, name: string, reason: string): Plan {
  const steps = original.rollback.map((r, i) => ({
    id: `undo-${i + 1}`,
    title: r.title,
    action: r.action,
    gates: [],
    timeoutSeconds: 600,
    retries: 1,
    inverse: 'none-needed' as const,
    needs: i === 0 ? [] : [`undo-${i}`],
  }));
  const plan: Plan = {
    ...original,
    task: { ...original.task, name, kind: original.task.kind },
    summary: `Roll back ${original.task.name}: ${reason}`,
    steps,
    rollback: [],
    fingerprint: '',
  };
  return { ...plan, fingerprint: fingerprintOf(plan) };
}
