/** Each transition of the run state machine, on plain data: the run it returns and the events it records. */
import {
  applyCommand,
  beginRollback,
  gatesChecked,
  locksSettled,
  nextMove,
  outsideWindow,
  stepExecuted,
  stepFailed,
  stepStarted,
  undoFinished,
  undoSteps,
} from '../../../src/engine/machine.js';
import type { Evidence, Run, RunStatus, StepState } from '../../../src/engine/run.js';
import { aPlan, aRun, aStep } from '../../support/builders.js';

const t0 = new Date('2026-11-25T00:00:00Z');
const later = (s: number) => new Date(t0.getTime() + s * 1000);
const iso = (s: number) => later(s).toISOString();
const gate = {
  metric: 'error_rate',
  query: 'q',
  unit: 'ratio' as const,
  max: 0.01,
  windowSeconds: 60,
  phase: 'both' as const,
  display: 'error_rate ≤ 1% over 1m',
};
const look = (verdict: Evidence['verdict'], metric = 'error_rate', value: number | null = 0.001, note?: string) => ({
  at: t0.toISOString(),
  metric,
  value,
  limit: '≤ 1%',
  verdict,
  note,
});
const zeroops = (type: string, data: Record<string, unknown> = {}) => ({ type, actor: 'zeroops', data });

/** A run in the given status whose steps are in the given states (by position). */
function runWith(status: RunStatus, states: Partial<StepState>[], plan = aPlan()): Run {
  const run = aRun({ plan, status });
  return { ...run, steps: run.steps.map((s, i) => ({ ...s, ...states[i] })) };
}

describe('nextMove', () => {
  it('does nothing for a finished or paused run', () => {
    for (const status of ['succeeded', 'failed', 'rolled_back', 'aborted', 'paused'] as const)
      expect(nextMove(runWith(status, []), t0)).toEqual({ kind: 'idle' });
  });

  it('undoes the first rollback step still pending, and then nothing', () => {
    const run: Run = {
      ...aRun({ status: 'rolling_back' }),
      undo: [
        { title: 'undo two', status: 'succeeded' },
        { title: 'undo one', status: 'pending' },
      ],
    };
    expect(nextMove(run, t0)).toEqual({ kind: 'undo', index: 1 });
    const done = { ...run, undo: run.undo.map((u) => ({ ...u, status: 'succeeded' as const })) };
    expect(nextMove(done, t0)).toEqual({ kind: 'idle' });
  });

  it('does nothing for a running run whose steps all succeeded', () => {
    expect(nextMove(runWith('running', [{ status: 'succeeded' }, { status: 'succeeded' }]), t0)).toEqual({
      kind: 'idle',
    });
  });

  it('skips the steps that succeeded and executes the first that did not', () => {
    expect(nextMove(runWith('running', [{ status: 'succeeded' }]), t0)).toMatchObject({
      kind: 'execute',
      step: { id: 'two' },
    });
  });

  it('checks the gates of a holding step at its next check, or at the end of its hold if that comes first', () => {
    const holding = (holdUntil: string, nextCheckAt: string) =>
      runWith('running', [{ status: 'holding', holdUntil, nextCheckAt }]);
    expect(nextMove(holding(iso(30), iso(10)), later(5))).toEqual({ kind: 'wait', until: iso(10) });
    expect(nextMove(holding(iso(10), iso(30)), later(5))).toEqual({ kind: 'wait', until: iso(10) });
    expect(nextMove(holding(iso(30), iso(10)), later(10))).toMatchObject({ kind: 'check-gates', step: { id: 'one' } });
    expect(nextMove(holding(iso(10), iso(30)), later(11))).toMatchObject({ kind: 'check-gates', step: { id: 'one' } });
    expect(nextMove(holding(iso(30), iso(10)), later(60))).toMatchObject({ kind: 'check-gates', step: { id: 'one' } });
  });

  it('executes a step again once its retry wait is over, not before', () => {
    const retrying = runWith('running', [{ status: 'pending', attempts: 1, notBefore: iso(4) }]);
    expect(nextMove(retrying, later(3))).toEqual({ kind: 'wait', until: iso(4) });
    expect(nextMove(retrying, later(4))).toMatchObject({ kind: 'execute', step: { id: 'one' } });
    expect(nextMove(retrying, later(100))).toMatchObject({ kind: 'execute', step: { id: 'one' } });
  });

  it('executes a step that needs approval once approved, and resumes one that was running when approved', () => {
    const plan = aPlan([aStep('drop', { approval: 'approve the drop' })]);
    expect(nextMove(runWith('running', [{ status: 'pending' }], plan), t0)).toEqual({ kind: 'idle' });
    expect(nextMove(runWith('running', [{ status: 'pending', approvedBy: 'alice' }], plan), t0)).toMatchObject({
      kind: 'execute',
      step: { id: 'drop' },
    });
    expect(nextMove(runWith('running', [{ status: 'running', attempts: 1 }], plan), t0)).toMatchObject({
      kind: 'execute',
      step: { id: 'drop' },
    });
  });
});

describe('locksSettled', () => {
  it('names every lock it waits for and who holds it, and records the queueing once', () => {
    const locks = [
      { key: 'a', held: true, position: 0 },
      { key: 'b', held: false, position: 1, heldBy: 'run-7' },
      { key: 'c', held: false, position: 3 },
      { key: 'e', held: false, position: 0 },
      { key: 'd', held: false, position: -1 },
    ];
    const queued = locksSettled(aRun(), locks, later(5));
    expect(queued.run).toMatchObject({
      status: 'pending',
      locks,
      updatedAt: iso(5),
      reason:
        'waiting for lock b (position 1 in its queue, held by run-7), lock c (position 3 in its queue), lock e (position 0 in its queue)',
    });
    expect(queued.events).toEqual([zeroops('lock-queued', { locks: [locks[1], locks[2], locks[3]] })]);
    expect(locksSettled(queued.run, locks, later(6)).events).toEqual([]);
  });

  it('waits while a lock is not yet queued behind an earlier one', () => {
    const queued = locksSettled(aRun(), [{ key: 'a', held: false, position: -1 }], t0);
    expect(queued.run.status).toBe('pending');
    expect(queued.events).toEqual([zeroops('lock-queued', { locks: [] })]);
  });

  it('starts the run once it holds every lock', () => {
    const waiting = { ...aRun(), reason: 'waiting for lock a (position 1 in its queue)' };
    const locks = [
      { key: 'a', held: true, position: 0 },
      { key: 'b', held: true, position: 0 },
    ];
    const started = locksSettled(waiting, locks, later(5));
    expect(started.run).toMatchObject({ status: 'running', locks, updatedAt: iso(5) });
    expect(started.run.reason).toBeUndefined();
    expect(started.events).toEqual([zeroops('run-started', { locks: ['a', 'b'] })]);
  });

  it('waits for a person before the first step, unless that step is already approved', () => {
    const plan = aPlan([aStep('go', { approval: 'say go' })]);
    const locks = [{ key: 'a', held: true, position: 0 }];
    expect(locksSettled(aRun({ plan }), locks, t0).events).toEqual([
      zeroops('run-started', { locks: ['a'] }),
      zeroops('step-awaiting-approval', { step: 'go' }),
    ]);
    const approved = runWith('pending', [{ approvedBy: 'alice' }], plan);
    expect(locksSettled(approved, locks, t0).run.status).toBe('running');
  });
});

describe('a plan without steps', () => {
  it('starts, and then has nothing to do', () => {
    const empty = aRun({ plan: aPlan([]) });
    const started = locksSettled(empty, [{ key: 'a', held: true, position: 0 }], t0);
    expect(started.run.status).toBe('running');
    expect(started.events).toEqual([zeroops('run-started', { locks: ['a'] })]);
    expect(nextMove(started.run, t0)).toEqual({ kind: 'idle' });
  });
});

describe('transitions of a later step', () => {
  const plan = aPlan([aStep('one', { retries: 0 }), aStep('two', { gates: [gate], waitSeconds: 30, retries: 2 })]);
  const first = { status: 'succeeded' as const, attempts: 3, evidence: [look('pass', 'latency')] };

  it('count the attempts of that step, not the first one', () => {
    const run = runWith('running', [first], plan);
    const started = stepStarted(run, plan.steps[1]!, t0);
    expect(started.run.steps[1]).toMatchObject({ status: 'running', attempts: 1 });
    expect(started.events).toEqual([zeroops('step-started', { step: 'two', attempt: 1, action: 'haproxy noop' })]);
    const retry = stepFailed(started.run, plan.steps[1]!, 'timed out', t0);
    expect(retry.run.steps[1]).toMatchObject({ status: 'pending', notBefore: iso(1) });
    expect(retry.events).toEqual([
      zeroops('step-retry', { step: 'two', attempt: 1, error: 'timed out', retryInSeconds: 1 }),
    ]);
  });

  it('record the gates of that step with its own evidence', () => {
    const run = runWith(
      'running',
      [first, { status: 'holding', attempts: 1, holdUntil: iso(30), nextCheckAt: iso(10) }],
      plan,
    );
    const checked = gatesChecked(run, plan.steps[1]!, [look('pass')], later(10), 10);
    expect(checked.run.steps[1]!.evidence).toEqual([look('pass')]);
    expect(checked.run.steps[0]!.evidence).toEqual([look('pass', 'latency')]);
  });
});

describe('outsideWindow', () => {
  const windows = [{ name: 'night', days: ['wed' as const], from: '22:00', to: '06:00', timezone: 'UTC' }];

  it('lets a run without a schedule start at any time', () => {
    expect(outsideWindow(aRun(), t0)).toBeUndefined();
  });

  it('reschedules to the next opening, gives back its locks and says why', () => {
    const run = aRun({ schedule: { windows }, locks: [{ key: 'a', held: true, position: 0 }] });
    const moved = outsideWindow(run, t0)!;
    const why = 'outside the change windows: "night" wed 22:00-06:00 UTC (ends the next day)';
    expect(moved.run).toMatchObject({
      status: 'pending',
      startAt: '2026-11-25T22:00:00.000Z',
      locks: [],
      updatedAt: t0.toISOString(),
      reason: `scheduled: starts at 2026-11-25T22:00:00.000Z, when it may (${why}); \`/zeroops abort\` cancels it`,
    });
    expect(moved.events).toEqual([zeroops('run-rescheduled', { startAt: '2026-11-25T22:00:00.000Z', reason: why })]);
  });

  it('reads the environment of the task, not any other', () => {
    const elsewhere = [{ ...windows[0]!, env: 'staging' }];
    expect(outsideWindow(aRun({ schedule: { windows: elsewhere } }), t0)).toBeUndefined();
  });

  it('gives up, releasing its locks, when no window opens within the horizon', () => {
    const freezes = [{ name: 'forever', from: '2026-01-01T00:00:00Z', to: '2027-06-01T00:00:00Z' }];
    const run = aRun({ schedule: { windows, freezes }, locks: [{ key: 'a', held: true, position: 0 }] });
    const reason =
      'not started: change freeze "forever" until 2027-06-01T00:00:00Z, and no window opens in the next 35 days';
    expect(outsideWindow(run, t0)).toEqual({
      run: { ...run, status: 'aborted', reason, finishedAt: t0.toISOString(), updatedAt: t0.toISOString(), locks: [] },
      events: [zeroops('run-not-started', { reason })],
    });
  });
});

describe('stepStarted', () => {
  it('counts an attempt, clears the retry wait and says what it runs', () => {
    const run = runWith('waiting', [{ status: 'pending', attempts: 1, notBefore: iso(1), startedAt: iso(-9) }]);
    const started = stepStarted({ ...run, reason: 'waiting for approval' }, run.plan.steps[0]!, later(2));
    expect(started.run).toMatchObject({ status: 'running', updatedAt: iso(2) });
    expect(started.run.reason).toBeUndefined();
    expect(started.run.steps[0]).toEqual({
      id: 'one',
      status: 'running',
      attempts: 2,
      startedAt: iso(-9),
      evidence: [],
    });
    expect(started.run.steps[1]).toEqual(run.steps[1]);
    expect(started.events).toEqual([zeroops('step-started', { step: 'one', attempt: 2, action: 'haproxy noop' })]);
  });

  it('records when a step first started', () => {
    const run = runWith('running', []);
    expect(stepStarted(run, run.plan.steps[0]!, later(3)).run.steps[0]).toMatchObject({
      attempts: 1,
      startedAt: iso(3),
    });
  });

  it('does not count again a step found running (an attempt that crashed)', () => {
    const run = runWith('running', [{ status: 'running', attempts: 1, startedAt: iso(0) }]);
    expect(stepStarted(run, run.plan.steps[0]!, later(3)).run.steps[0]).toMatchObject({
      attempts: 1,
      startedAt: iso(0),
    });
  });
});

describe('stepExecuted', () => {
  it('finishes a step without gates or hold at once, and the run with its last step', () => {
    const plan = aPlan([aStep('one')]);
    const run = runWith('running', [{ status: 'running', attempts: 1 }], plan);
    const done = stepExecuted(run, plan.steps[0]!, undefined, later(4), 5);
    expect(done.run).toMatchObject({ status: 'succeeded', finishedAt: iso(4), updatedAt: iso(4) });
    expect(done.run.reason).toBeUndefined();
    expect(done.run.steps[0]).toMatchObject({ status: 'succeeded', finishedAt: iso(4) });
    expect(done.events).toEqual([
      zeroops('step-applied', { step: 'one', output: null }),
      zeroops('step-succeeded', { step: 'one' }),
      zeroops('run-succeeded'),
    ]);
  });

  it('keeps the output and moves on to the next step', () => {
    const run = runWith('running', [{ status: 'running', attempts: 1, error: 'earlier attempt' }]);
    const done = stepExecuted(run, run.plan.steps[0]!, { weight: 10 }, t0, 5);
    expect(done.run.status).toBe('running');
    expect(done.run.steps[0]).toMatchObject({ status: 'succeeded', output: { weight: 10 } });
    expect(done.run.steps[0]!.error).toBeUndefined();
    expect(done.events).toEqual([
      zeroops('step-applied', { step: 'one', output: { weight: 10 } }),
      zeroops('step-succeeded', { step: 'one' }),
    ]);
  });

  it('holds a step under its gates, looking at them no later than the end of the hold', () => {
    const plan = aPlan([aStep('one', { gates: [gate], waitSeconds: 30 })]);
    const run = runWith('running', [{ status: 'running', attempts: 1 }], plan);
    const held = stepExecuted(run, plan.steps[0]!, { ok: 1 }, t0, 10);
    expect(held.run.steps[0]).toMatchObject({
      status: 'holding',
      output: { ok: 1 },
      holdUntil: iso(30),
      nextCheckAt: iso(10),
    });
    expect(held.events).toEqual([
      zeroops('step-applied', { step: 'one', output: { ok: 1 } }),
      zeroops('step-holding', { step: 'one', seconds: 30 }),
    ]);
    expect(stepExecuted(run, plan.steps[0]!, {}, t0, 60).run.steps[0]).toMatchObject({ nextCheckAt: iso(30) });
  });

  it('looks at the gates at once when a gated step has no hold, and holds an ungated one that waits', () => {
    const gated = aPlan([aStep('one', { gates: [gate] })]);
    const run = runWith('running', [{ status: 'running', attempts: 1 }], gated);
    expect(stepExecuted(run, gated.steps[0]!, {}, t0, 10).run.steps[0]).toMatchObject({
      status: 'holding',
      holdUntil: iso(0),
      nextCheckAt: iso(0),
    });
    const waits = aPlan([aStep('one', { waitSeconds: 20 })]);
    const waiting = runWith('running', [{ status: 'running', attempts: 1 }], waits);
    expect(stepExecuted(waiting, waits.steps[0]!, {}, t0, 10).run.steps[0]).toMatchObject({
      status: 'holding',
      holdUntil: iso(20),
    });
  });

  it('waits for a person before the next step unless it is approved already', () => {
    const plan = aPlan([aStep('one'), aStep('drop', { approval: 'approve the drop' })]);
    const run = runWith('running', [{ status: 'running', attempts: 1 }], plan);
    expect(stepExecuted(run, plan.steps[0]!, {}, t0, 5).events.at(-1)).toEqual(
      zeroops('step-awaiting-approval', { step: 'drop' }),
    );
    const approved = runWith('running', [{ status: 'running', attempts: 1 }, { approvedBy: 'bob' }], plan);
    const done = stepExecuted(approved, plan.steps[0]!, {}, t0, 5);
    expect(done.run.status).toBe('running');
    expect(done.events.map((e) => e.type)).toEqual(['step-applied', 'step-succeeded']);
  });
});

describe('stepFailed', () => {
  const plan = aPlan([aStep('one', { retries: 3 }), aStep('two')]);
  const failing = (attempts: number) => runWith('running', [{ status: 'running', attempts }], plan);

  it('retries after a backoff that doubles with each attempt, and says so', () => {
    const retry = stepFailed(failing(3), plan.steps[0]!, 'timed out', t0);
    expect(retry.run.status).toBe('running');
    expect(retry.run.steps[0]).toMatchObject({ status: 'pending', error: 'timed out', notBefore: iso(4) });
    expect(retry.events).toEqual([
      zeroops('step-retry', { step: 'one', attempt: 3, error: 'timed out', retryInSeconds: 4 }),
    ]);
    expect(stepFailed(failing(2), plan.steps[0]!, 'x', t0).run.steps[0]!.notBefore).toBe(iso(2));
  });

  it('never waits more than a minute between attempts', () => {
    const many = aPlan([aStep('one', { retries: 20 })]);
    const run = runWith('running', [{ status: 'running', attempts: 8 }], many);
    expect(stepFailed(run, many.steps[0]!, 'x', t0).run.steps[0]!.notBefore).toBe(iso(60));
  });

  it('gives up once the retries are spent, and rolls back the started steps', () => {
    const failed = stepFailed(failing(4), plan.steps[0]!, 'timed out', later(7));
    expect(failed.run).toMatchObject({
      status: 'rolling_back',
      reason: 'step one failed after 4 attempt(s): timed out',
      undo: [{ title: 'undo one', status: 'pending' }],
    });
    expect(failed.run.steps[0]).toMatchObject({ status: 'failed', error: 'timed out', finishedAt: iso(7) });
    expect(failed.events).toEqual([
      zeroops('rollback-started', { reason: 'step one failed after 4 attempt(s): timed out', steps: 1 }),
    ]);
  });
});

describe('gatesChecked', () => {
  const plan = aPlan([aStep('one', { gates: [gate], waitSeconds: 30 }), aStep('two')]);
  const holding = (evidence: Evidence[] = []) =>
    runWith('running', [{ status: 'holding', attempts: 1, holdUntil: iso(30), nextCheckAt: iso(10), evidence }], plan);

  it('keeps holding while the gates pass before the hold ends, and looks again later', () => {
    const checked = gatesChecked(holding(), plan.steps[0]!, [look('pass')], later(10), 10);
    expect(checked.events).toEqual([]);
    expect(checked.run.steps[0]).toMatchObject({
      status: 'holding',
      nextCheckAt: iso(20),
      holdUntil: iso(30),
      evidence: [look('pass')],
    });
  });

  it('finishes the step when the gates pass at the end of the hold', () => {
    const checked = gatesChecked(holding(), plan.steps[0]!, [look('pass')], later(30), 10);
    expect(checked.run.steps[0]).toMatchObject({ status: 'succeeded', finishedAt: iso(30) });
    expect(checked.run.steps[0]!.holdUntil).toBeUndefined();
    expect(checked.run.steps[0]!.nextCheckAt).toBeUndefined();
    expect(checked.events).toEqual([
      zeroops('gates-passed', { step: 'one', evidence: [look('pass')] }),
      zeroops('step-succeeded', { step: 'one' }),
    ]);
  });

  it('does not end the step on a gate still waiting for data, even once the hold is over', () => {
    const checked = gatesChecked(holding(), plan.steps[0]!, [look('pass'), look('waiting', 'lane')], later(31), 10);
    expect(checked.events).toEqual([]);
    expect(checked.run.status).toBe('running');
    expect(checked.run.steps[0]).toMatchObject({ status: 'holding', nextCheckAt: iso(41) });
  });

  it('keeps the last fifty looks at the gates', () => {
    const old = Array.from({ length: 50 }, (_, i) => ({ ...look('pass'), value: i }));
    const checked = gatesChecked(holding(old), plan.steps[0]!, [look('pass', 'error_rate', 99)], later(10), 10);
    const kept = checked.run.steps[0]!.evidence;
    expect(kept).toHaveLength(50);
    expect(kept[0]!.value).toBe(1);
    expect(kept.at(-1)!.value).toBe(99);
  });

  it('rolls back on a breach, naming each breached gate and its value', () => {
    const looks = [look('breach', 'error_rate', 0.123456), look('pass', 'latency'), look('breach', 'saturation', null)];
    const checked = gatesChecked(holding(), plan.steps[0]!, looks, later(12), 10);
    const reason = 'gate breached during one: error_rate = 0.1235 (limit ≤ 1%), saturation = no data (limit ≤ 1%)';
    expect(checked.run).toMatchObject({
      status: 'rolling_back',
      reason,
      undo: [{ title: 'undo one', status: 'pending' }],
    });
    expect(checked.run.steps[0]).toMatchObject({
      status: 'failed',
      error: reason,
      finishedAt: iso(12),
      evidence: looks,
    });
    expect(checked.run.steps[0]!.holdUntil).toBeUndefined();
    expect(checked.run.steps[0]!.nextCheckAt).toBeUndefined();
    expect(checked.events).toEqual([
      zeroops('gate-breached', { step: 'one', evidence: [looks[0], looks[2]] }),
      zeroops('rollback-started', { reason, steps: 1 }),
    ]);
  });

  it('pauses on missing data, naming each metric and why, even at the end of the hold', () => {
    const looks = [
      look('inconclusive', 'error_rate', null, 'no series'),
      look('pass', 'latency'),
      look('inconclusive', 'saturation', null, 'stale'),
    ];
    const checked = gatesChecked(holding(), plan.steps[0]!, looks, later(30), 10);
    const reason =
      'no reliable metric data during one (error_rate: no series; saturation: stale); ZeroOps never rolls back on missing data alone — fix the metrics, then /zeroops resume or /zeroops rollback';
    expect(checked.run).toMatchObject({ status: 'paused', resumeTo: 'running', reason });
    expect(checked.run.steps[0]!.status).toBe('holding');
    expect(checked.events).toEqual([
      zeroops('gate-inconclusive', { step: 'one', evidence: [looks[0], looks[2]] }),
      zeroops('run-paused', { reason }),
    ]);
  });
});

describe('beginRollback and undo', () => {
  const plan = aPlan([aStep('one'), aStep('two'), aStep('three')], {
    rollback: [
      { title: 'undo three', action: { provider: 'haproxy', operation: 'undo', params: {} }, undoes: 'three' },
      { title: 'undo two', action: { provider: 'haproxy', operation: 'undo', params: {} }, undoes: 'two' },
      { title: 'tell the team', action: { provider: 'haproxy', operation: 'note', params: {} } },
      { title: 'undo one', action: { provider: 'haproxy', operation: 'undo', params: {} }, undoes: 'one' },
    ],
  });
  const run = runWith('running', [{ status: 'succeeded' }, { status: 'failed' }], plan);

  it('undoes only the steps that started, plus the steps that undo no step in particular', () => {
    expect(undoSteps(run).map((r) => r.title)).toEqual(['undo two', 'tell the team', 'undo one']);
    const rolling = beginRollback(run, 'because', later(1));
    expect(rolling.run).toMatchObject({
      status: 'rolling_back',
      reason: 'because',
      updatedAt: iso(1),
      undo: [
        { title: 'undo two', status: 'pending' },
        { title: 'tell the team', status: 'pending' },
        { title: 'undo one', status: 'pending' },
      ],
    });
    expect(rolling.run.finishedAt).toBeUndefined();
    expect(rolling.events).toEqual([zeroops('rollback-started', { reason: 'because', steps: 3 })]);
  });

  it('is rolled back at once when there is nothing to undo', () => {
    const nothing = runWith('running', [], aPlan([aStep('one')]));
    const done = beginRollback(nothing, 'because', later(1), [zeroops('first')]);
    expect(done.run).toMatchObject({ status: 'rolled_back', reason: 'because', undo: [], finishedAt: iso(1) });
    expect(done.events).toEqual([
      zeroops('first'),
      zeroops('rollback-started', { reason: 'because' }),
      zeroops('run-rolled-back', { undone: 0 }),
    ]);
    expect(undoSteps(nothing)).toEqual([]);
  });

  it('records each undo step, and is rolled back when all succeeded', () => {
    let rolling = beginRollback(run, 'because', t0).run;
    const first = undoFinished(rolling, 0, undefined, later(1));
    expect(first.run).toMatchObject({ status: 'rolling_back', updatedAt: iso(1) });
    expect(first.run.undo.map((u) => u.status)).toEqual(['succeeded', 'pending', 'pending']);
    expect(first.events).toEqual([zeroops('undo-succeeded', { index: 0, title: 'undo two' })]);
    rolling = undoFinished(first.run, 1, undefined, later(2)).run;
    const last = undoFinished(rolling, 2, undefined, later(3));
    expect(last.run).toMatchObject({ status: 'rolled_back', finishedAt: iso(3) });
    expect(last.events).toEqual([
      zeroops('undo-succeeded', { index: 2, title: 'undo one' }),
      zeroops('run-rolled-back', { undone: 3 }),
    ]);
    expect(nextMove(last.run, later(3))).toEqual({ kind: 'idle' });
  });

  it('fails loudly when an undo step fails: a person must look', () => {
    const rolling = beginRollback(run, 'because', t0).run;
    const failed = undoFinished(rolling, 1, 'connection refused', later(2));
    const reason =
      'rollback step "tell the team" failed: connection refused. The system may be half rolled back: a person must look now.';
    expect(failed.run).toMatchObject({ status: 'failed', reason, finishedAt: iso(2), updatedAt: iso(2) });
    expect(failed.run.undo).toEqual([
      { title: 'undo two', status: 'pending' },
      { title: 'tell the team', status: 'failed', error: 'connection refused' },
      { title: 'undo one', status: 'pending' },
    ]);
    expect(failed.events).toEqual([
      zeroops('undo-failed', { index: 1, error: 'connection refused' }),
      zeroops('run-failed', { reason }),
    ]);
  });
});

describe('applyCommand', () => {
  const by = (kind: 'pause' | 'resume' | 'abort' | 'rollback') => ({ kind, by: 'alice' });

  it('pauses a run, remembering what it was doing, and resumes it there', () => {
    const run = runWith('waiting', []);
    const paused = applyCommand(run, by('pause'), later(1));
    expect(paused.run).toMatchObject({
      status: 'paused',
      resumeTo: 'waiting',
      reason: 'paused by @alice',
      updatedAt: iso(1),
    });
    expect(paused.events).toEqual([{ type: 'run-paused', actor: 'alice', data: { reason: 'paused by @alice' } }]);
    expect(paused.refused).toBeUndefined();
    expect(applyCommand(paused.run, by('pause'), later(2))).toEqual({
      run: paused.run,
      events: [],
      refused: 'the run is already paused',
    });
    const resumed = applyCommand(paused.run, by('resume'), later(3));
    expect(resumed.run).toMatchObject({ status: 'waiting', updatedAt: iso(3) });
    expect(resumed.run.reason).toBeUndefined();
    expect(resumed.run.resumeTo).toBeUndefined();
    expect(resumed.events).toEqual([{ type: 'run-resumed', actor: 'alice', data: {} }]);
  });

  it('changes nothing and records nothing when it refuses', () => {
    const run = runWith('running', []);
    expect(applyCommand(run, by('resume'), t0)).toEqual({ run, events: [], refused: 'the run is not paused' });
    expect(applyCommand(run, { kind: 'approve-step', step: 'nope', by: 'bob' }, t0)).toEqual({
      run,
      events: [],
      refused: 'there is no step nope',
    });
  });

  it('resumes a paused run that did not say what it was doing as running', () => {
    expect(applyCommand(runWith('paused', []), by('resume'), t0).run.status).toBe('running');
  });

  it('aborts a run without undoing anything', () => {
    const aborted = applyCommand(runWith('running', []), by('abort'), later(1));
    expect(aborted.run).toMatchObject({
      status: 'aborted',
      reason: 'aborted by @alice; nothing was undone',
      finishedAt: iso(1),
      updatedAt: iso(1),
      undo: [],
    });
    expect(aborted.events).toEqual([{ type: 'run-aborted', actor: 'alice', data: {} }]);
  });

  it('rolls back on request, once', () => {
    const run = runWith('running', [{ status: 'succeeded' }]);
    const rolling = applyCommand(run, by('rollback'), later(1));
    expect(rolling.run).toMatchObject({ status: 'rolling_back', reason: 'rollback requested by @alice' });
    expect(rolling.events).toEqual([
      { type: 'rollback-requested', actor: 'alice', data: {} },
      zeroops('rollback-started', { reason: 'rollback requested by @alice', steps: 1 }),
    ]);
    expect(applyCommand(rolling.run, by('rollback'), later(2))).toEqual({
      run: rolling.run,
      events: [],
      refused: 'the run is already rolling back',
    });
  });

  it('refuses every command on a finished run, in words', () => {
    const done = runWith('rolled_back', []);
    expect(applyCommand(done, by('abort'), t0)).toEqual({
      run: done,
      events: [],
      refused: 'the run is already rolled back',
    });
  });

  it('approves a step that waits for it, and no other', () => {
    const plan = aPlan([aStep('one'), aStep('drop', { approval: 'approve the drop' })]);
    const waiting = { ...runWith('waiting', [{ status: 'succeeded' }], plan), reason: 'waiting for approval' };
    const approved = applyCommand(waiting, { kind: 'approve-step', step: 'drop', by: 'bob' }, later(1));
    expect(approved.run).toMatchObject({ status: 'running', updatedAt: iso(1) });
    expect(approved.run.reason).toBeUndefined();
    expect(approved.run.steps[1]).toMatchObject({ approvedBy: 'bob' });
    expect(approved.events).toEqual([{ type: 'step-approved', actor: 'bob', data: { step: 'drop' } }]);
    expect(applyCommand(approved.run, { kind: 'approve-step', step: 'drop', by: 'bob' }, later(2))).toMatchObject({
      events: [],
      refused: 'step drop was already approved by @bob',
    });
    expect(applyCommand(waiting, { kind: 'approve-step', step: 'one', by: 'bob' }, later(2)).refused).toBe(
      'step one needs no approval',
    );
    expect(applyCommand(waiting, { kind: 'approve-step', step: 'nope', by: 'bob' }, later(2)).refused).toBe(
      'there is no step nope',
    );
  });

  it('never approves ahead: the judgment is made when the run reaches the step and shows what it found', () => {
    const plan = aPlan([aStep('one'), aStep('observe'), aStep('drop', { approval: 'approve the drop' })]);
    const run = { ...runWith('running', [{ status: 'running', attempts: 1 }], plan), reason: 'busy' };
    expect(applyCommand(run, { kind: 'approve-step', step: 'drop', by: 'bob' }, t0)).toEqual({
      run,
      events: [],
      refused: 'step drop is not waiting for approval: the run is at step one, and asks when it gets there',
    });
    const first = aPlan([aStep('gate', { approval: 'look first' }), aStep('two')]);
    const notStarted = runWith('pending', [], first);
    expect(applyCommand(notStarted, { kind: 'approve-step', step: 'gate', by: 'bob' }, t0).refused).toBe(
      'the run has not started yet (it waits for its locks or its window)',
    );
    const rollingBack = { ...run, status: 'rolling_back' as const };
    expect(applyCommand(rollingBack, { kind: 'approve-step', step: 'drop', by: 'bob' }, t0).refused).toBe(
      'the run is rolling back',
    );
  });

  it('lets a paused run that was waiting go on once resumed', () => {
    const plan = aPlan([aStep('one'), aStep('drop', { approval: 'approve the drop' })]);
    const paused = { ...runWith('paused', [{ status: 'succeeded' }], plan), resumeTo: 'waiting' as const };
    const approved = applyCommand(paused, { kind: 'approve-step', step: 'drop', by: 'bob' }, t0).run;
    expect(approved).toMatchObject({ status: 'paused', resumeTo: 'running' });
    expect(approved.steps[1]!.approvedBy).toBe('bob');
  });
});
