/** A run as the API shows it: steps with their last evidence, the chain's timeline, and whether it is intact. */
import { runView, viewRun } from '../../../src/app/run-view.js';
import type { Run } from '../../../src/engine/run.js';
import { nextEvent, type ChainEvent, type NewEvent } from '../../../src/knowledge/event-chain.js';
import { aPlan, aRun, aStep } from '../../support/builders.js';

const chainOf = (id: string, events: NewEvent[]): ChainEvent[] =>
  events.reduce<ChainEvent[]>(
    (chain, e, i) => [...chain, nextEvent(chain.at(-1), id, e, `2026-11-25T00:0${i}:00.000Z`)],
    [],
  );

function aRunningRun(): { run: Run; events: ChainEvent[] } {
  const plan = aPlan([aStep('drain', { title: 'Drain dc-a' }), aStep('restart', { title: 'Restart dc-a' })]);
  const events = chainOf('run-7', [
    { type: 'run-created', actor: 'alice', data: { task: 'task-1' } },
    { type: 'step-applied', actor: 'zeroops', data: { step: 'drain', output: { stdout: 'token=hunter2' } } },
    { type: 'gates-passed', actor: 'zeroops', data: { step: 'drain' } },
  ]);
  const run = aRun({
    id: 'run-7',
    plan,
    status: 'running',
    providers: { prometheus: { url: 'http://prom:9090', bearerToken: { env: 'PROM_TOKEN' } } },
    captured: { weights: { secret: 'hunter2' } },
    steps: [
      {
        id: 'drain',
        status: 'succeeded',
        attempts: 2,
        startedAt: '2026-11-25T00:01:00.000Z',
        finishedAt: '2026-11-25T00:02:00.000Z',
        output: { summary: 'dc-a drained', stdout: 'token=hunter2' },
        evidence: [
          { at: '2026-11-25T00:01:30.000Z', metric: 'error_rate', value: 0.02, limit: '≤ 1%', verdict: 'breach' },
          { at: '2026-11-25T00:01:50.000Z', metric: 'error_rate', value: 0.004, limit: '≤ 1%', verdict: 'pass' },
        ],
      },
      { id: 'restart', status: 'running', attempts: 1, progress: '2 of 6 instances', evidence: [] },
    ],
    events: { seq: events.at(-1)!.seq, hash: events.at(-1)!.hash },
  });
  return { run, events };
}

describe('the API view of a run', () => {
  it('shows the status, each step with its last evidence and note, and the timeline in order', () => {
    const { run, events } = aRunningRun();
    const view = runView(run, [...events].reverse());
    expect(view).toMatchObject({
      id: 'run-7',
      repo: 'acme/ops',
      pullRequest: { number: 1, mergeSha: run.mergeSha },
      task: { name: 'task-1', kind: 'Runbook', service: 'checkout', env: 'production' },
      status: 'running',
      audit: { intact: true, problems: [] },
    });
    expect(view.steps).toEqual([
      {
        id: 'drain',
        title: 'Drain dc-a',
        status: 'succeeded',
        attempts: 2,
        startedAt: '2026-11-25T00:01:00.000Z',
        finishedAt: '2026-11-25T00:02:00.000Z',
        note: 'dc-a drained',
        lastEvidence: run.steps[0]!.evidence[1],
      },
      { id: 'restart', title: 'Restart dc-a', status: 'running', attempts: 1, note: '2 of 6 instances' },
    ]);
    expect(view.timeline.map((e) => [e.seq, e.type])).toEqual([
      [1, 'run-created'],
      [2, 'step-applied'],
      [3, 'gates-passed'],
    ]);
  });

  it("publishes no provider settings, captured values or step output (only the check run's summary)", () => {
    const { run, events } = aRunningRun();
    const json = JSON.stringify(runView(run, events));
    expect(json).not.toContain('hunter2');
    expect(json).not.toContain('PROM_TOKEN');
    expect(runView(run, events).timeline[1]!.data).toEqual({ step: 'drain' });
  });

  it('says when the chain was altered or cut after the run recorded it', () => {
    const { run, events } = aRunningRun();
    const altered = events.map((e) => (e.seq === 2 ? { ...e, actor: 'mallory' } : e));
    expect(runView(run, altered).audit).toMatchObject({ intact: false });
    expect(runView(run, events.slice(0, 2)).audit.problems.join()).toMatch(/recorded 3 events/);
  });

  it('takes a run that has recorded nothing yet as intact', () => {
    expect(runView(aRun(), []).audit).toEqual({ intact: true, problems: [] });
  });

  it('reads the run and its chain (named by its id) from the store; nothing for an unknown id', async () => {
    const { run, events } = aRunningRun();
    const store = {
      run: async (id: string) => (id === run.id ? run : undefined),
      events: async (chain: string) => (chain === run.id ? events : []),
    };
    expect((await viewRun(store, 'run-7'))?.timeline).toHaveLength(3);
    expect(await viewRun(store, 'run-8')).toBeUndefined();
  });
});
