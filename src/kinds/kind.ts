/** What every task kind provides: its defaults, its rules and its compiler from spec to plan steps. */
import type { CompletedTask, KindDefaults } from '../manifest/complete.js';
import type { TaskManifest } from '../manifest/model.js';
import type { Rule } from '../manifest/rules/rule.js';
import type { TaskKind } from '../manifest/schemas.js';
import type { Action, KindPlan, PlanStep } from '../plan/types.js';

export interface KindModule {
  kind: TaskKind;
  defaults: KindDefaults;
  /** Spec fields that must be set once the template and defaults are applied. */
  requiredAfterCompletion: string[];
  rules: Rule<TaskManifest>[];
  compile(task: CompletedTask): KindPlan;
  /** Whether this version carries the kind's plans out on merge (else they are planned and approved only). */
  executes: boolean | ((task: CompletedTask) => boolean);
  /** When `executes` depends on the task: which tasks execute, in words (for the reference). */
  executesWhen?: string;
}

export const executesTask = (kind: KindModule, task: CompletedTask) =>
  typeof kind.executes === 'function' ? kind.executes(task) : kind.executes;

export const defaultStepTimeoutSeconds = 600;
export const defaultStepRetries = 2;

type StepInput = Omit<PlanStep, 'needs' | 'gates' | 'timeoutSeconds' | 'retries'> & Partial<PlanStep>;

export function step(input: StepInput): PlanStep {
  return { gates: [], timeoutSeconds: defaultStepTimeoutSeconds, retries: defaultStepRetries, needs: [], ...input };
}

/** Each step waits for the one before it. */
export function inSequence(steps: PlanStep[]): PlanStep[] {
  return steps.map((s, i) => (i === 0 ? s : { ...s, needs: [steps[i - 1]!.id] }));
}

export const action = (
  provider: Action['provider'],
  operation: string,
  params: Record<string, unknown> = {},
): Action => ({ provider, operation, params });

export function datacentersOf(task: CompletedTask): string[] {
  return (task.spec.datacenters as string[] | undefined) ?? task.service.spec.datacenters.map((dc) => dc.name);
}
