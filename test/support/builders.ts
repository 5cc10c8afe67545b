/** Builders of plain data for tests. */
import type { Run } from '../../src/engine/run.js';
import type { Plan, PlanStep } from '../../src/plan/types.js';

export function aStep(id: string, overrides: Partial<PlanStep> = {}): PlanStep {
  return {
    id,
    title: `step ${id}`,
    action: { provider: 'haproxy', operation: 'noop', params: { id } },
    gates: [],
    timeoutSeconds: 60,
    retries: 1,
    inverse: { provider: 'haproxy', operation: 'undo', params: { id } },
    needs: [],
    ...overrides,
  };
}

export function aPlan(steps: PlanStep[] = [aStep('one'), aStep('two')], overrides: Partial<Plan> = {}): Plan {
  return {
    task: { name: 'task-1', kind: 'Runbook', service: 'checkout', env: 'production', file: 'tasks/t.yaml', line: 1 },
    summary: 'a test plan',
    steps,
    locks: [{ key: 'runbook:checkout/production/task-1', reason: 'test' }],
    rollback: [...steps]
      .reverse()
      .flatMap((s) =>
        s.inverse && s.inverse !== 'none-needed' ? [{ title: `undo ${s.id}`, action: s.inverse, undoes: s.id }] : [],
      ),
    risk: { level: 'low', score: 0, reasons: [] },
    approvals: { required: 1, ownerRequired: false, owners: [], source: 'test' },
    filled: [],
    executes: true,
    fingerprint: 'sha256:test',
    ...overrides,
  };
}

let counter = 0;
export function aRun(overrides: Partial<Run> = {}): Run {
  const plan = overrides.plan ?? aPlan();
  counter++;
  return {
    id: `run-${counter}`,
    key: `acme/ops/merge${counter}/task-1/sha256:test`,
    repo: { owner: 'acme', repo: 'ops' },
    pullNumber: 1,
    mergeSha: `merge${counter}`,
    startedBy: 'alice',
    plan,
    status: 'pending',
    steps: plan.steps.map((s) => ({ id: s.id, status: 'pending', attempts: 0, evidence: [] })),
    undo: [],
    captured: {},
    locks: [],
    createdAt: '2026-11-25T00:00:00.000Z',
    updatedAt: '2026-11-25T00:00:00.000Z',
    version: 1,
    events: { seq: 0, hash: 'sha256:0' },
    ...overrides,
  };
}
