import { cell, code } from '../../../src/plan/markdown.js';
import { renderPlan } from '../../../src/plan/render-markdown.js';
import { aPlan, aStep } from '../../support/builders.js';
import { planTask, task } from '../../support/plan-task.js';

describe('plan rendering', () => {
  it("draws a Mermaid graph when a plan's steps branch and join", () => {
    const plan = aPlan([aStep('flush-a'), aStep('flush-b'), aStep('notify', { needs: ['flush-a', 'flush-b'] })]);
    const markdown = renderPlan(plan);
    expect(markdown).toContain(
      '```mermaid\ngraph TD\n  flush_a["flush-a"]\n  flush_b["flush-b"]\n  notify["notify"]\n  flush_a --> notify\n  flush_b --> notify\n```',
    );
  });

  it('refuses a Runbook graph this version would not follow', async () => {
    await expect(
      planTask(
        task(
          'Runbook',
          [
            'mode: parallel',
            'steps:',
            '  - { name: a, action: { provider: command, operation: run, params: { argv: [scripts/x.sh] } } }',
            '  - { name: b, needs: [], action: { provider: command, operation: run, params: { argv: [scripts/x.sh] } } }',
          ].join('\n'),
        ),
      ),
    ).rejects.toThrow(
      /mode: parallel is not executed[\s\S]*spec.steps\[1\].needs: needs is not executed: .*order the steps instead \(this one follows a\)/,
    );
  });

  it('shows the script and its arguments a step runs, and whether the plan executes in this version', async () => {
    const runbook = renderPlan(
      await planTask(
        task(
          'Runbook',
          'steps:\n  - { name: flush, action: { provider: command, operation: run, params: { argv: [scripts/flush.sh, --dc, dc-a] } } }',
        ),
      ),
    );
    expect(runbook).toContain('| 1 | `flush` command run | `command run`: `scripts/flush.sh --dc dc-a` |');
    expect(runbook).toContain('**On merge**: executes, once approved.');
    const rollout = renderPlan(await planTask(task('Rollout', 'version: v1.2.0\nsteps: [10%, 100%]')));
    expect(rollout).toContain(
      '**On merge**: nothing runs: Rollout execution is not available in this version of ZeroOps',
    );
  });

  it('keeps tables whole whatever a manifest writes: pipes and backticks are escaped', async () => {
    const plan = await planTask(task('Rollout', 'version: "v1|2`x"\nsteps: [10%, 100%]'));
    const markdown = renderPlan(plan);
    const rows = markdown.split('\n').filter((line) => line.startsWith('| 1 |'));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.split(/(?<!\\)\|/).length).toBe(7);
    expect(code('a`b')).toBe('``a`b``');
    expect(code('`x')).toBe('`` `x ``');
    expect(cell('a|b\nc')).toBe('a\\|b c');
  });

  it('rates a very long plan as risky', async () => {
    const steps = Array.from(
      { length: 300 },
      (_, i) => `  - { name: s${i}, action: { provider: command, operation: run, params: { argv: [scripts/x.sh] } } }`,
    ).join('\n');
    const plan = await planTask(task('Runbook', `steps:\n${steps}`));
    expect(plan.risk.reasons).toContain('300 steps: a run this long cannot be watched or undone quickly');
    expect(['high', 'critical']).toContain(plan.risk.level);
  });

  it('draws no graph for a straight line of steps', async () => {
    const plan = await planTask(task('TrafficShift', 'weights: { dc-a: 0% }\nsteps: 2'));
    expect(renderPlan(plan)).not.toContain('mermaid');
  });
});
