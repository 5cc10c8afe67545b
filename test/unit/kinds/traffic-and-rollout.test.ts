import { planTask, task } from '../../support/plan-task.js';

describe('TrafficShift plans', () => {
  it('moves weights in equal increments and restores them on rollback', async () => {
    const plan = await planTask(
      task('TrafficShift', 'weights: { dc-a: 0%, dc-b: 150 }\nsteps: 4').replace('150', '100'),
    );
    const weights = plan.steps.map((s) =>
      (s.action.params.weights as { datacenter: string; percent: number }[])
        .map((w) => `${w.datacenter}=${w.percent}`)
        .join(' '),
    );
    expect(weights).toEqual(['dc-a=75 dc-b=100', 'dc-a=50 dc-b=100', 'dc-a=25 dc-b=100', 'dc-a=0 dc-b=100']);
    expect(plan.steps[0]!.action.params.weights).toContainEqual(
      expect.objectContaining({ datacenter: 'dc-a', backend: 'checkout_dc_a', normalWeight: 100 }),
    );
    expect(plan.rollback).toEqual([
      expect.objectContaining({
        action: expect.objectContaining({
          operation: 'restore-datacenter-weights',
          params: expect.objectContaining({ datacenters: ['dc-a', 'dc-b'] }),
        }),
      }),
    ]);
    expect(plan.risk.reasons).toContain('drains dc-a: 2 of 3 datacenters carry all traffic');
  });

  it('warms up from a drained datacenter', async () => {
    const plan = await planTask(task('TrafficShift', 'from: { dc-a: 0% }\nweights: { dc-a: 100% }\nsteps: 2'));
    expect(plan.steps.map((s) => (s.action.params.weights as { percent: number }[])[0]!.percent)).toEqual([50, 100]);
  });
});

describe('Rollout plans', () => {
  it('routes the audience, raises traffic step by step under the gates, then promotes', async () => {
    const plan = await planTask(
      task(
        'Rollout',
        'version: v9\naudience: { userTags: [beta] }\nsteps: [10%, 100%]\nanalysis:\n  - { metric: error_rate, max: 1% }',
      ),
    );
    expect(plan.steps.map((s) => s.id)).toEqual([
      'deploy-canary',
      'route-audience',
      'traffic-10',
      'traffic-100',
      'promote',
    ]);
    expect(plan.steps[2]!.gates).toEqual([
      expect.objectContaining({ metric: 'error_rate', max: 0.01, unit: 'ratio', windowSeconds: 60 }),
    ]);
    expect(plan.steps[3]!.inverse).toMatchObject({ operation: 'set-canary-weight', params: { percent: 10 } });
    expect(plan.steps[3]!.waitSeconds).toBe(300);
  });

  it('fills what the task leaves out from the template and says where from', async () => {
    const plan = await planTask(task('Rollout', 'version: v9\ntemplate: canary@2'));
    expect(plan.filled).toContainEqual({
      field: 'spec.steps',
      value: ['5%', '20%', '50%', '100%'],
      from: 'template canary@2',
    });
    expect(plan.filled).toContainEqual({ field: 'metadata.env', value: 'production', from: 'config defaultEnv' });
  });

  it('rates an ungated rollout that starts big as risky', async () => {
    const plan = await planTask(task('Rollout', 'version: v9\nsteps: [60%, 100%]'));
    expect(plan.risk.level).toBe('critical');
    expect(plan.risk.reasons).toEqual(
      expect.arrayContaining([
        expect.stringContaining('no metric gate'),
        expect.stringContaining('first step already sends 60%'),
      ]),
    );
    expect(plan.approvals).toMatchObject({ required: 2, ownerRequired: true, owners: ['alice', 'bob'] });
  });
});
