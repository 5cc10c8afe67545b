import { renderPlan } from '../../../src/plan/render-markdown.js';
import { planTask, task } from '../../support/plan-task.js';

describe('plan rendering', () => {
  it('draws a Mermaid graph when steps run in parallel', async () => {
    const plan = await planTask(task('Runbook', [
      'mode: parallel',
      'steps:',
      '  - { name: flush-a, action: { provider: command, operation: run, params: { argv: [scripts/flush.sh, dc-a] } } }',
      '  - { name: flush-b, action: { provider: command, operation: run, params: { argv: [scripts/flush.sh, dc-b] } } }',
      '  - { name: notify, needs: [flush-a, flush-b], action: { provider: notify, operation: send } }',
    ].join('\n')));
    const markdown = renderPlan(plan);
    expect(markdown).toContain('```mermaid\ngraph TD\n  flush_a["flush-a"]\n  flush_b["flush-b"]\n  notify["notify"]\n  flush_a --> notify\n  flush_b --> notify\n```');
    expect(markdown).toContain('**Rollback**: none possible; every step must be undone by hand.');
  });

  it('draws no graph for a straight line of steps', async () => {
    const plan = await planTask(task('TrafficShift', 'weights: { dc-a: 0% }\nsteps: 2'));
    expect(renderPlan(plan)).not.toContain('mermaid');
  });
});
