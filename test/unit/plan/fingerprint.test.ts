import { planTask, task } from '../../support/plan-task.js';

describe('plan fingerprint', () => {
  const base = task('Rollout', 'version: v9\nsteps: [10%, 100%]\nanalysis:\n  - { metric: error_rate, max: 1% }');

  it('is the same for the same plan, whatever the key order or file', async () => {
    const reordered = base.replace('version: v9\n  steps: [10%, 100%]', 'steps: [10%, 100%]\n  version: v9');
    expect(reordered).not.toEqual(base);
    expect((await planTask(reordered)).fingerprint).toEqual((await planTask(base)).fingerprint);
  });

  it('changes when what the plan does changes', async () => {
    const changed = await planTask(base.replace('max: 1%', 'max: 2%'));
    expect(changed.fingerprint).not.toEqual((await planTask(base)).fingerprint);
    expect(changed.fingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});
