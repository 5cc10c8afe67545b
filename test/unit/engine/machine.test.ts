/** The run state machine, on plain data. */
import {
  applyCommand,
  gatesChecked,
  locksSettled,
  nextMove,
  outsideWindow,
  stepExecuted,
  stepFailed,
  stepStarted,
  undoSteps,
  undoTimeoutSeconds,
} from '../../../src/engine/machine.js';
import type { Evidence, Run } from '../../../src/engine/run.js';
import type { PlanStep } from '../../../src/plan/types.js';
import { aPlan, aRun, aStep } from '../../support/builders.js';

const t0 = new Date('2026-11-25T00:00:00Z');
const later = (s: number) => new Date(t0.getTime() + s * 1000);
const gate = {
  metric: 'error_rate',
  query: 'q',
  unit: 'ratio' as const,
  max: 0.01,
  windowSeconds: 60,
  phase: 'both' as const,
  display: 'error_rate ≤ 1% over 1m',
};
const evidence = (verdict: Evidence['verdict'], value: number | null = 0.001): Evidence => ({
  at: t0.toISOString(),
  metric: 'error_rate',
  value,
  limit: '≤ 1%',
  verdict,
  note: verdict === 'inconclusive' ? 'no series' : undefined,
});

function running(run: Run): Run {
  return locksSettled(run, [{ key: 'k', held: true, position: 0 }], t0).run;
}

describe('scheduled runs', () => {
  const windows = [
    {
      name: 'night',
      days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as 'mon'[],
      from: '22:00',
      to: '06:00',
      timezone: 'UTC',
    },
  ];

  it('waits for its start time, then takes its locks', () => {
    const run = aRun({ startAt: '2026-11-25T22:00:00.000Z' });
    expect(nextMove(run, t0)).toEqual({ kind: 'wait', until: '2026-11-25T22:00:00.000Z' });
    expect(nextMove(run, new Date('2026-11-25T22:00:00Z'))).toEqual({ kind: 'acquire-locks' });
  });

  it('goes back to waiting when its window closed before it could start, and gives up when none opens', () => {
    const run = aRun({ schedule: { windows } });
    expect(outsideWindow(run, new Date('2026-11-25T23:00:00Z'))).toBeUndefined();
    const late = outsideWindow(run, new Date('2026-11-26T07:00:00Z'))!;
    expect(late.run).toMatchObject({
      status: 'pending',
      startAt: '2026-11-26T22:00:00.000Z',
      reason: expect.stringMatching(/^scheduled: starts at 2026-11-26T22:00:00.000Z/),
    });
    expect(late.events.map((e) => e.type)).toEqual(['run-rescheduled']);
    const frozen = aRun({
      schedule: { windows, freezes: [{ name: 'forever', from: '2026-01-01T00:00:00Z', to: '2027-06-01T00:00:00Z' }] },
    });
    expect(outsideWindow(frozen, t0)!.run).toMatchObject({
      status: 'aborted',
      reason: expect.stringContaining('no window opens in the next 35 days'),
    });
  });

  it('waits visibly when its first step needs a person', () => {
    const run = aRun({ plan: aPlan([aStep('go', { approval: '/zeroops approve-step go' })]) });
    const started = locksSettled(run, [{ key: 'k', held: true, position: 0 }], t0);
    expect(started.run).toMatchObject({
      status: 'waiting',
      reason: 'waiting for approval of step go: /zeroops approve-step go',
    });
    expect(nextMove(started.run, t0)).toEqual({ kind: 'idle' });
  });
});

describe('failures', () => {
  it('retries what may pass, and rolls back at once what retrying cannot help', () => {
    const run = running(aRun({ plan: aPlan([aStep('one', { retries: 3 })]) }));
    const started = stepStarted(run, run.plan.steps[0]!, t0).run;
    expect(stepFailed(started, run.plan.steps[0]!, 'timed out', t0).run.steps[0]).toMatchObject({
      status: 'pending',
      notBefore: later(1).toISOString(),
    });
    const final = stepFailed(started, run.plan.steps[0]!, 'kubernetes is not configured', t0, false);
    expect(final.run).toMatchObject({
      status: 'rolling_back',
      reason: 'step one failed, and retrying cannot help: kubernetes is not configured',
    });
  });
});

describe('a step that failed before it changed anything', () => {
  const plan = aPlan([aStep('one'), aStep('add', { retries: 1 })]);
  const [one, add] = plan.steps as [PlanStep, PlanStep];
  const afterOne = () => stepExecuted(stepStarted(running(aRun({ plan })), one, t0).run, one, {}, t0, 1).run;

  it('is not undone: its inverse would remove what was there before it', () => {
    let run = stepStarted(afterOne(), add, t0).run;
    run = stepFailed(run, add, 'column c already exists', t0, false, true).run;
    expect(run.steps[1]).toMatchObject({ status: 'failed', unchanged: true });
    expect(run.undo).toEqual([{ title: 'undo one', status: 'pending' }]);
    expect(run.reason).toBe(
      'step add failed, and retrying cannot help: column c already exists. Not undone: add, which failed ' +
        'before it changed anything',
    );
    expect(undoSteps(run).map((u) => u.undoes)).toEqual(['one']);
  });

  it('is undone when any attempt may have changed something', () => {
    let run = stepStarted(afterOne(), add, t0).run;
    run = stepFailed(run, add, 'connection lost', t0, true, false).run;
    run = stepFailed(stepStarted(run, add, later(1)).run, add, 'lock wait', later(1), true, true).run;
    expect(run.steps[1]).toMatchObject({ status: 'failed', unchanged: false });
    expect(undoSteps(run).map((u) => u.undoes)).toEqual(['add', 'one']);
  });

  it('is undone when an attempt was cut off by a crash, whatever the next one says', () => {
    let run = stepStarted(afterOne(), add, t0).run;
    run = stepStarted(run, add, later(1)).run; // the worker died mid-attempt: the step is found running
    run = stepFailed(run, add, 'column c already exists', later(1), false, true).run;
    expect(undoSteps(run).map((u) => u.undoes)).toEqual(['add', 'one']);
  });

  it('is undone by a rollback asked for while it waits to retry, if its attempt may have acted', () => {
    let run = stepStarted(afterOne(), add, t0).run;
    const waiting = stepFailed(run, add, 'connection lost at COMMIT', t0, true, false).run;
    expect(waiting.steps[1]).toMatchObject({ status: 'pending', attempts: 1 });
    run = applyCommand(waiting, { kind: 'rollback', by: 'alice' }, t0).run;
    expect(undoSteps(run).map((u) => u.undoes)).toEqual(['add', 'one']);
    const refused = stepFailed(stepStarted(afterOne(), add, t0).run, add, 'lock wait', t0, true, true).run;
    expect(undoSteps(applyCommand(refused, { kind: 'rollback', by: 'alice' }, t0).run).map((u) => u.undoes)).toEqual([
      'one',
    ]);
  });

  it('stays unchanged across attempts that each changed nothing', () => {
    let run = stepStarted(afterOne(), add, t0).run;
    run = stepFailed(run, add, 'lock wait', t0, true, true).run;
    expect(run.steps[1]).toMatchObject({ status: 'pending', unchanged: true });
    run = stepFailed(stepStarted(run, add, later(1)).run, add, 'lock wait', later(1), true, true).run;
    expect(undoSteps(run).map((u) => u.undoes)).toEqual(['one']);
  });
});

describe('run state machine', () => {
  it('takes locks first, and waits in the queue when another run holds one', () => {
    const run = aRun();
    expect(nextMove(run, t0)).toEqual({ kind: 'acquire-locks' });
    const queued = locksSettled(run, [{ key: 'k', held: false, position: 2 }], t0);
    expect(queued.run).toMatchObject({ status: 'pending', reason: 'waiting for lock k (position 2 in its queue)' });
    expect(running(run).status).toBe('running');
  });

  it('executes steps in order, holding under the gates before moving on', () => {
    const plan = aPlan([aStep('one', { gates: [gate], waitSeconds: 10 }), aStep('two')]);
    let run = running(aRun({ plan }));
    expect(nextMove(run, t0)).toMatchObject({ kind: 'execute', step: { id: 'one' } });
    run = stepStarted(run, plan.steps[0]!, t0).run;
    run = stepExecuted(run, plan.steps[0]!, { ok: true }, t0, 2).run;
    expect(run.steps[0]).toMatchObject({
      status: 'holding',
      holdUntil: later(10).toISOString(),
      nextCheckAt: later(2).toISOString(),
    });
    expect(nextMove(run, later(1))).toEqual({ kind: 'wait', until: later(2).toISOString() });
    run = gatesChecked(run, plan.steps[0]!, [evidence('pass')], later(2), 2).run;
    expect(run.steps[0]!.status).toBe('holding');
    run = gatesChecked(run, plan.steps[0]!, [evidence('pass')], later(10), 2).run;
    expect(run.steps[0]!.status).toBe('succeeded');
    expect(nextMove(run, later(10))).toMatchObject({ kind: 'execute', step: { id: 'two' } });
  });

  it('rolls back what was started when a gate is breached, and says why', () => {
    const plan = aPlan([aStep('one', { gates: [gate], waitSeconds: 10 }), aStep('two')]);
    let run = stepExecuted(stepStarted(running(aRun({ plan })), plan.steps[0]!, t0).run, plan.steps[0]!, {}, t0, 1).run;
    run = gatesChecked(run, plan.steps[0]!, [evidence('breach', 0.2)], later(1), 1).run;
    expect(run).toMatchObject({
      status: 'rolling_back',
      reason: 'gate breached during one: error_rate = 0.2 (limit ≤ 1%)',
      undo: [{ title: 'undo one', status: 'pending' }],
    });
    expect(nextMove(run, later(1))).toEqual({ kind: 'undo', index: 0 });
  });

  it('pauses on missing data and never rolls back for it alone', () => {
    const plan = aPlan([aStep('one', { gates: [gate], waitSeconds: 10 })]);
    let run = stepExecuted(stepStarted(running(aRun({ plan })), plan.steps[0]!, t0).run, plan.steps[0]!, {}, t0, 1).run;
    run = gatesChecked(run, plan.steps[0]!, [evidence('inconclusive', null)], later(1), 1).run;
    expect(run.status).toBe('paused');
    expect(run.undo).toEqual([]);
    expect(nextMove(run, later(2))).toEqual({ kind: 'idle' });
    expect(applyCommand(run, { kind: 'resume', by: 'alice' }, later(3)).run.status).toBe('running');
  });

  it('retries a failed step with backoff, then rolls back', () => {
    const plan = aPlan([aStep('one', { retries: 1 })]);
    let run = stepStarted(running(aRun({ plan })), plan.steps[0]!, t0).run;
    run = stepFailed(run, plan.steps[0]!, 'socket closed', t0).run;
    expect(run.steps[0]).toMatchObject({ status: 'pending', notBefore: later(1).toISOString() });
    expect(nextMove(run, t0)).toEqual({ kind: 'wait', until: later(1).toISOString() });
    run = stepFailed(stepStarted(run, plan.steps[0]!, later(1)).run, plan.steps[0]!, 'socket closed', later(1)).run;
    expect(run).toMatchObject({ status: 'rolling_back', reason: 'step one failed after 2 attempt(s): socket closed' });
  });

  it('waits for a person before a step that needs approval', () => {
    const plan = aPlan([aStep('one'), aStep('drop', { approval: 'approve the drop' })]);
    let run = stepExecuted(stepStarted(running(aRun({ plan })), plan.steps[0]!, t0).run, plan.steps[0]!, {}, t0, 1).run;
    expect(run).toMatchObject({ status: 'waiting', reason: 'waiting for approval of step drop: approve the drop' });
    expect(nextMove(run, t0)).toEqual({ kind: 'idle' });
    expect(applyCommand(run, { kind: 'approve-step', step: 'nope', by: 'alice' }, t0).refused).toBe(
      'there is no step nope',
    );
    run = applyCommand(run, { kind: 'approve-step', step: 'drop', by: 'alice' }, t0).run;
    expect(run.status).toBe('running');
    expect(nextMove(run, t0)).toMatchObject({ kind: 'execute', step: { id: 'drop' } });
  });

  it('refuses commands that do not apply', () => {
    const run = running(aRun());
    expect(applyCommand(run, { kind: 'resume', by: 'a' }, t0).refused).toBe('the run is not paused');
    const aborted = applyCommand(run, { kind: 'abort', by: 'a' }, t0).run;
    expect(aborted.status).toBe('aborted');
    expect(applyCommand(aborted, { kind: 'pause', by: 'a' }, t0).refused).toBe('the run is already aborted');
  });
});

describe('an undo', () => {
  it('may take as long as the step it undoes, and ten minutes at least', () => {
    const run = aRun({
      plan: aPlan([aStep('drop-index', { timeoutSeconds: 6 * 3600 }), aStep('quick', { timeoutSeconds: 30 })]),
    });
    const undo = (undoes?: string) => ({
      title: 'undo',
      action: { provider: 'postgres' as const, operation: 'restore-index', params: {} },
      undoes,
    });
    expect(undoTimeoutSeconds(run, undo('drop-index'))).toBe(6 * 3600);
    expect(undoTimeoutSeconds(run, undo('quick'))).toBe(600);
    expect(undoTimeoutSeconds(run, undo())).toBe(600);
  });
});
