import { checkAndPlan } from '../../../src/app/check-and-plan.js';
import { formatDiagnostic } from '../../../src/manifest/diagnostic.js';
import { templateRepoFiles } from '../../support/ops-repo.js';
import { task } from '../../support/plan-task.js';

/** The example ops repo with checkout deploying through the fleet, and no example canaries. */
async function planOnFleet(yaml: string) {
  const context = (await templateRepoFiles())
    .filter((f) => !f.path.startsWith('tasks/canary-'))
    .map((f) =>
      f.path === 'services/checkout.yaml' ? { ...f, text: f.text.replace('provider: haproxy', 'provider: fleet') } : f,
    );
  return checkAndPlan({ files: [{ path: 'tasks/t.yaml', text: yaml }], context });
}

describe('a Rollout of a service that deploys through the fleet', () => {
  it('executes as a lane: deploy, take over, one judged step per percentage, retire the replaced', async () => {
    const { plans, diagnostics } = await planOnFleet(
      task('Rollout', 'version: v2\nfeatures: [A]\nreplaces: t0\nsteps: [5%, 20%]\ninterval: 10m', 't1') +
        '---\n' +
        task('Rollout', 'version: v1\nsteps: [5%]\ninterval: 10m', 't0'),
    );
    expect(diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
    const plan = plans.find((p) => p.task.name === 't1')!;
    expect(plan.executes).toBe(true);
    expect(plan.steps.map((s) => `${s.id}: ${s.action.provider} ${s.action.operation}`)).toEqual([
      'deploy-lane: lanes deploy',
      'take-over: lanes take-over',
      'lane-5: lanes route',
      'lane-20: lanes route',
      'retire-replaced: lanes retire',
    ]);
    expect(plan.steps[2]!.gates[0]).toMatchObject({
      metric: 'lane_error_share',
      compare: {
        service: 'checkout',
        env: 'production',
        lane: 't1',
        sampleSeconds: 60,
        minSamples: 8,
        minEffect: 0.01,
      },
    });
    expect(plan.rollback.map((r) => [r.undoes, r.action.operation, r.action.params.ownOnly])).toEqual([
      ['take-over', 'hand-back', undefined],
      ['deploy-lane', 'retire', true],
    ]);
  });

  it('warns when a step holds less than judging the lane takes', async () => {
    const { diagnostics } = await planOnFleet(
      task('Rollout', 'version: v2\nsteps: [5%]\ninterval: 2m\ncompare: { sample: 30s, minSamples: 6 }'),
    );
    expect(diagnostics.map(formatDiagnostic)).toContainEqual(
      expect.stringMatching(
        /^tasks\/t\.yaml:\d+:\d+ warning spec\.interval: each step holds 2m, but judging the lane takes 3m/,
      ),
    );
  });

  it('stays planned-only where the service deploys otherwise', async () => {
    const context = (await templateRepoFiles()).filter((f) => !f.path.startsWith('tasks/canary-'));
    const { plans } = await checkAndPlan({
      files: [{ path: 'tasks/t.yaml', text: task('Rollout', 'version: v2\nsteps: [5%]') }],
      context,
    });
    expect(plans.map((p) => [p.executes, p.steps[0]!.action.operation])).toEqual([[false, 'deploy-canary']]);
  });
});
