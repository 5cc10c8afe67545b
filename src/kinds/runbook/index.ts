/**
 * Runbook: provider actions as written, serially or as a graph of `needs`. Each step may carry its
 * own undo and may wait for a person's approval.
 */
import type { CompletedTask } from '../../manifest/complete.js';
import type { AnalysisRule, Runbook } from '../../manifest/model.js';
import { parseDuration } from '../../manifest/units.js';
import { gatesFrom } from '../../plan/gates.js';
import type { Action, KindPlan, PlanStep } from '../../plan/types.js';
import { defaultStepTimeoutSeconds, step, type KindModule } from '../kind.js';
import { runbookSteps } from './rules.js';

type RunbookSpec = Runbook['spec'] & { mode: 'serial' | 'parallel' };

export const runbook: KindModule = {
  kind: 'Runbook',
  executes: true,
  defaults: { spec: { mode: 'serial' }, perDatacenter: false },
  requiredAfterCompletion: [],
  rules: [runbookSteps],
  compile,
};

function compile(task: CompletedTask): KindPlan {
  const spec = task.spec as RunbookSpec;
  const gates = gatesFrom(spec.analysis as AnalysisRule[] | undefined, task.service);
  const steps: PlanStep[] = spec.steps.map((s, i) =>
    step({
      id: s.name,
      title: `${s.action.provider} ${s.action.operation}`,
      action: { ...s.action, params: s.action.params ?? {} } as Action,
      inverse: s.undo ? ({ ...s.undo, params: s.undo.params ?? {} } as Action) : undefined,
      needs: s.needs ?? (spec.mode === 'serial' && i > 0 ? [spec.steps[i - 1]!.name] : []),
      timeoutSeconds: s.timeout ? parseDuration(s.timeout)! : defaultStepTimeoutSeconds,
      retries: s.retries ?? 0,
      approval: s.approve ? `/zeroops approve-step ${s.name}` : undefined,
      gates,
    }),
  );
  return {
    summary: `Runbook of ${steps.length} step(s) on ${task.service.metadata.name}, ${spec.mode === 'serial' && !spec.steps.some((s) => s.needs) ? 'one after another' : 'following their needs'}`,
    steps,
    locks: [
      {
        key: `runbook:${task.service.metadata.name}/${task.name}`,
        reason: 'one run of this runbook at a time',
      },
    ],
    riskFactors: [],
  };
}
