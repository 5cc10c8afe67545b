/** Case records from runs, the search for similar cases, and what the plan says about them. */
import { caseRecordOf, type CaseRecord } from '../../../src/knowledge/case-record.js';
import { renderHistory } from '../../../src/knowledge/render-history.js';
import { lessonsFrom, similarCases } from '../../../src/knowledge/similar-cases.js';
import type { Plan } from '../../../src/plan/types.js';
import { aPlan, aRun, aStep } from '../../support/builders.js';

const rolloutPlan = (overrides: Partial<Plan> = {}) =>
  aPlan([aStep('canary-5')], {
    task: { name: 'checkout-v1-3', kind: 'Rollout', service: 'checkout', env: 'production', file: 't', line: 1 },
    summary: 'Canary v1.3.0 of checkout through 5% → 100%',
    filled: [{ field: 'spec.steps', value: ['5%'], from: 'template canary@2' }],
    ...overrides,
  });

function aCase(
  n: number,
  status: CaseRecord['status'],
  metric?: string,
  overrides: Partial<CaseRecord> = {},
): CaseRecord {
  return {
    run: `run-${n}`,
    repo: 'acme/ops',
    pullNumber: n,
    task: `checkout-v1-${n}`,
    kind: 'Rollout',
    service: 'checkout',
    env: 'production',
    version: `v1.${n}.0`,
    template: 'canary@2',
    status,
    breaches: metric ? [{ step: 'canary-20', metric, value: 0.41, limit: '≤ 0.3' }] : [],
    startedBy: 'alice',
    startedAt: `2026-11-0${n}T10:00:00Z`,
    finishedAt: `2026-11-0${n}T10:20:00Z`,
    durationSeconds: 1200,
    ...overrides,
  };
}

describe('caseRecordOf', () => {
  it('records the kind, service, template, version, outcome, the last breach of each step and the duration', () => {
    const run = aRun({
      plan: rolloutPlan(),
      status: 'rolled_back',
      reason: 'gate latency_p95 breached',
      createdAt: '2026-12-01T10:00:00Z',
      finishedAt: '2026-12-01T10:12:30Z',
      steps: [
        {
          id: 'canary-5',
          status: 'failed',
          attempts: 1,
          evidence: [
            { at: 't1', metric: 'latency_p95', value: 0.2, limit: '≤ 0.3', verdict: 'pass' },
            { at: 't2', metric: 'latency_p95', value: 0.5, limit: '≤ 0.3', verdict: 'breach' },
          ],
        },
      ],
    });
    expect(caseRecordOf(run)).toMatchObject({
      kind: 'Rollout',
      service: 'checkout',
      template: 'canary@2',
      version: 'v1.3.0',
      status: 'rolled_back',
      breaches: [{ step: 'canary-5', metric: 'latency_p95', value: 0.5, limit: '≤ 0.3' }],
      durationSeconds: 750,
    });
  });

  it('has no finish for a run still going', () => {
    expect(caseRecordOf(aRun({ status: 'running' })).finishedAt).toBeUndefined();
  });
});

describe('similarCases and lessonsFrom', () => {
  const records = [
    aCase(1, 'succeeded', undefined, { template: 'canary@1' }),
    aCase(2, 'rolled_back', 'latency_p95'),
    aCase(3, 'rolled_back', 'latency_p95'),
    aCase(4, 'succeeded', undefined, { service: 'payments' }),
    aCase(5, 'failed', undefined, { kind: 'SchemaChange', reason: 'no index on user_id', template: undefined }),
    aCase(6, 'running' as never, undefined, { finishedAt: undefined }),
  ];

  it('finds finished cases of the same service and kind, same template first, never the pull request itself', () => {
    const found = similarCases({ kind: 'Rollout', service: 'checkout', template: 'canary@2', pullNumber: 3 }, records);
    expect(found.map((c) => c.pullNumber)).toEqual([2, 1]);
  });

  it('learns a metric that ended two or more cases, and a reason a kind failed', () => {
    const rollouts = similarCases({ kind: 'Rollout', service: 'checkout', template: 'canary@2' }, records);
    expect(lessonsFrom(rollouts)).toEqual([{ kind: 'breach', metric: 'latency_p95', cases: [records[2], records[1]] }]);
    const schema = similarCases({ kind: 'SchemaChange', service: 'checkout' }, records);
    expect(lessonsFrom(schema)).toEqual([{ kind: 'failure', reason: 'no index on user_id', cases: [records[4]] }]);
  });

  it('learns nothing from a single breach', () => {
    expect(lessonsFrom([aCase(2, 'rolled_back', 'latency_p95')])).toEqual([]);
  });
});

describe('renderHistory', () => {
  const records = [
    aCase(2, 'rolled_back', 'latency_p95'),
    aCase(3, 'rolled_back', 'latency_p95'),
    aCase(1, 'succeeded'),
  ];

  it('tells a plan without the gate to bind it, with links to the runs that breached it', () => {
    const text = renderHistory([rolloutPlan()], records, 9);
    expect(text).toContain('### What history says');
    expect(text).toContain('the last 3 Rollout run(s) of checkout: 2 rolled back, 1 succeeded.');
    expect(text).toContain(
      '⚠ the last 2 Rollouts of checkout with canary@2 that ended early breached `latency_p95` (#3, #2); ' +
        'this plan does not gate on `latency_p95`: bind it in `spec.analysis`.',
    );
    expect(text).toContain('| #3 | `checkout-v1-3` v1.3.0 | canary@2 | rolled back | `latency_p95` 0.41 against ≤ 0.3');
  });

  it('says the plan gates on it when it does', () => {
    const gated = rolloutPlan({
      steps: [
        aStep('canary-5', {
          gates: [
            {
              metric: 'latency_p95',
              query: 'q',
              unit: 'seconds',
              max: 0.3,
              phase: 'hold',
              display: 'latency_p95 ≤ 300ms',
            } as never,
          ],
        }),
      ],
    });
    expect(renderHistory([gated], records)).toContain('this plan gates on it (latency_p95 ≤ 300ms).');
  });

  it('says nothing when there is no history', () => {
    expect(renderHistory([rolloutPlan()], [])).toBe('');
  });
});
