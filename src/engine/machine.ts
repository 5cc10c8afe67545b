/**
 * The run state machine, pure: what to do next for a run, and how each outcome changes it. The
 * runner performs the moves; nothing here touches the world or reads a clock.
 */
import type { NewEvent } from '../knowledge/event-chain.js';
import type { PlanStep, RollbackStep } from '../plan/types.js';
import { changeWindow, nextOpening } from '../policy/windows.js';
import { environmentsOf } from '../policy/shared-environments.js';
import { isTerminal, mayHaveActed, type Evidence, type Run, type StepState } from './run.js';

export type Move =
  | { kind: 'acquire-locks' }
  | { kind: 'execute'; step: PlanStep }
  | { kind: 'check-gates'; step: PlanStep }
  | { kind: 'undo'; index: number }
  | { kind: 'wait'; until: string }
  | { kind: 'idle' };

export interface Transition {
  run: Run;
  events: NewEvent[];
}

const at = (now: Date, plusSeconds = 0) => new Date(now.getTime() + plusSeconds * 1000).toISOString();
const event = (type: string, data: Record<string, unknown> = {}, actor = 'zeroops'): NewEvent => ({
  type,
  actor,
  data,
});

export function nextMove(run: Run, now: Date): Move {
  if (isTerminal(run.status) || run.status === 'paused') return { kind: 'idle' };
  if (run.status === 'pending')
    return run.startAt && run.startAt > now.toISOString()
      ? { kind: 'wait', until: run.startAt }
      : { kind: 'acquire-locks' };
  if (run.status === 'rolling_back') {
    const index = run.undo.findIndex((u) => u.status === 'pending');
    return index >= 0 ? { kind: 'undo', index } : { kind: 'idle' };
  }
  const state = run.steps.find((s) => s.status !== 'succeeded');
  if (!state) return { kind: 'idle' };
  const step = run.plan.steps.find((s) => s.id === state.id)!;
  if (state.status === 'holding') {
    const due = [state.nextCheckAt, state.holdUntil].filter(Boolean).sort()[0]!;
    return due <= now.toISOString() ? { kind: 'check-gates', step } : { kind: 'wait', until: due };
  }
  if (state.status === 'pending' && step.approval && !state.approvedBy) return { kind: 'idle' };
  if (state.notBefore && state.notBefore > now.toISOString()) return { kind: 'wait', until: state.notBefore };
  return { kind: 'execute', step };
}

function withStep(run: Run, id: string, change: Partial<StepState>, now: Date, extra: Partial<Run> = {}): Run {
  return { ...run, ...extra, updatedAt: at(now), steps: run.steps.map((s) => (s.id === id ? { ...s, ...change } : s)) };
}

export function locksSettled(run: Run, locks: Run['locks'], now: Date): Transition {
  const waiting = locks.filter((l) => !l.held && l.position >= 0); // position -1: not queued yet, behind an earlier lock
  if (locks.some((l) => !l.held)) {
    const reason = `waiting for ${waiting.map((l) => `lock ${l.key} (position ${l.position} in its queue${l.heldBy ? `, held by ${l.heldBy}` : ''})`).join(', ')}`;
    return {
      run: { ...run, locks, reason, updatedAt: at(now) },
      events: run.reason === reason ? [] : [event('lock-queued', { locks: waiting })],
    };
  }
  const started = {
    run: { ...run, locks, status: 'running' as const, reason: undefined, updatedAt: at(now) },
    events: [event('run-started', { locks: locks.map((l) => l.key) })],
  };
  const first = run.plan.steps[0];
  if (!first?.approval || run.steps[0]?.approvedBy) return started;
  // A run whose first step needs a person waits visibly, like one whose later step does.
  const reason = `waiting for approval of step ${first.id}: ${first.approval}`;
  return {
    run: { ...started.run, status: 'waiting', reason },
    events: [...started.events, event('step-awaiting-approval', { step: first.id })],
  };
}

/**
 * A run about to start outside its change windows (it waited for a lock past the window's end, or
 * a freeze began) goes back to waiting for the next opening instead of starting.
 */
export function outsideWindow(run: Run, now: Date): Transition | undefined {
  if (!run.schedule) return undefined;
  const config = { apiVersion: 'zeroops.dev/v1', kind: 'Config', spec: run.schedule } as const;
  const verdict = changeWindow(config, environmentsOf(run.plan.task), now);
  if (verdict.open) return undefined;
  const opening = nextOpening(config, environmentsOf(run.plan.task), now);
  if (!opening) {
    const reason = `not started: ${verdict.reason}, and no window opens in the next 35 days`;
    return {
      run: { ...run, status: 'aborted', reason, finishedAt: at(now), updatedAt: at(now), locks: [] },
      events: [event('run-not-started', { reason })],
    };
  }
  const reason = `scheduled: starts at ${opening.toISOString()}, when it may (${verdict.reason}); \`/zeroops abort\` cancels it`;
  return {
    run: { ...run, startAt: opening.toISOString(), reason, locks: [], updatedAt: at(now) },
    events: [event('run-rescheduled', { startAt: opening.toISOString(), reason: verdict.reason })],
  };
}

/** Recorded before the effect: the checkpoint that makes a crashed attempt visible. */
export function stepStarted(run: Run, step: PlanStep, now: Date): Transition {
  const state = run.steps.find((s) => s.id === step.id)!;
  // A step found running was cut off by a crash: whatever that attempt did is unknown.
  const resumed = state.status === 'running';
  const attempts = resumed ? state.attempts : state.attempts + 1;
  return {
    run: withStep(
      run,
      step.id,
      {
        status: 'running',
        attempts,
        startedAt: state.startedAt ?? at(now),
        notBefore: undefined,
        ...(resumed ? { unchanged: false } : {}),
      },
      now,
      { status: 'running', reason: undefined },
    ),
    events: [
      event('step-started', {
        step: step.id,
        attempt: attempts,
        action: `${step.action.provider} ${step.action.operation}`,
      }),
    ],
  };
}

/** Long work's latest word on how far it got: shown while the step runs, not an event of the chain. */
export function stepProgressed(run: Run, step: PlanStep, summary: string, now: Date): Transition {
  return { run: withStep(run, step.id, { progress: summary }, now), events: [] };
}

export function stepExecuted(
  run: Run,
  step: PlanStep,
  output: unknown,
  now: Date,
  gateCheckSeconds: number,
): Transition {
  const hold = step.waitSeconds ?? 0;
  const events = [event('step-applied', { step: step.id, output: output ?? null })];
  if (hold === 0 && step.gates.length === 0)
    return succeedStep(withStep(run, step.id, { output, unchanged: false }, now), step, now, events);
  return {
    run: withStep(
      run,
      step.id,
      {
        status: 'holding',
        output,
        unchanged: false,
        holdUntil: at(now, hold),
        nextCheckAt: at(now, Math.min(gateCheckSeconds, hold)),
      },
      now,
    ),
    events: [...events, event('step-holding', { step: step.id, seconds: hold })],
  };
}

/**
 * A failure the effect called final (`retryable: false`) is not retried, whatever the step allows.
 * One it called `untouched` leaves the step unchanged, if every earlier attempt was too.
 */
export function stepFailed(
  run: Run,
  step: PlanStep,
  error: string,
  now: Date,
  retryable = true,
  untouched = false,
): Transition {
  const state = run.steps.find((s) => s.id === step.id)!;
  const unchanged = untouched && state.unchanged !== false;
  if (retryable && state.attempts <= step.retries) {
    const backoff = Math.min(60, 2 ** (state.attempts - 1));
    return {
      run: withStep(run, step.id, { status: 'pending', error, notBefore: at(now, backoff), unchanged }, now),
      events: [event('step-retry', { step: step.id, attempt: state.attempts, error, retryInSeconds: backoff })],
    };
  }
  const failed = withStep(run, step.id, { status: 'failed', error, finishedAt: at(now), unchanged }, now);
  const why = retryable ? `failed after ${state.attempts} attempt(s)` : 'failed, and retrying cannot help';
  return beginRollback(failed, `step ${step.id} ${why}: ${error}`, now);
}

export function gatesChecked(
  run: Run,
  step: PlanStep,
  evidence: Evidence[],
  now: Date,
  gateCheckSeconds: number,
): Transition {
  const state = run.steps.find((s) => s.id === step.id)!;
  const recorded = withStep(run, step.id, { evidence: [...state.evidence, ...evidence].slice(-50) }, now);
  const breach = evidence.filter((e) => e.verdict === 'breach');
  if (breach.length > 0) {
    const reason = `gate breached during ${step.id}: ${breach.map((e) => `${e.metric} = ${formatValue(e.value)} (limit ${e.limit})`).join(', ')}`;
    const failed = withStep(
      recorded,
      step.id,
      { status: 'failed', error: reason, finishedAt: at(now), holdUntil: undefined, nextCheckAt: undefined },
      now,
    );
    return beginRollback(failed, reason, now, [event('gate-breached', { step: step.id, evidence: breach })]);
  }
  const unknown = evidence.filter((e) => e.verdict === 'inconclusive');
  if (unknown.length > 0) {
    const reason = `no reliable metric data during ${step.id} (${unknown.map((e) => `${e.metric}: ${e.note}`).join('; ')}); ZeroOps never rolls back on missing data alone — fix the metrics, then /zeroops resume or /zeroops rollback`;
    return {
      run: { ...recorded, status: 'paused', resumeTo: 'running', reason },
      events: [event('gate-inconclusive', { step: step.id, evidence: unknown }), event('run-paused', { reason })],
    };
  }
  const waiting = evidence.some((e) => e.verdict === 'waiting');
  if (state.holdUntil! <= now.toISOString() && !waiting)
    return succeedStep(recorded, step, now, [event('gates-passed', { step: step.id, evidence })]);
  return { run: withStep(recorded, step.id, { nextCheckAt: at(now, gateCheckSeconds) }, now), events: [] };
}

function succeedStep(run: Run, step: PlanStep, now: Date, events: NewEvent[]): Transition {
  const done = withStep(
    run,
    step.id,
    { status: 'succeeded', finishedAt: at(now), holdUntil: undefined, nextCheckAt: undefined, error: undefined },
    now,
  );
  const next = done.steps.find((s) => s.status !== 'succeeded');
  const events2 = [...events, event('step-succeeded', { step: step.id })];
  if (!next)
    return {
      run: { ...done, status: 'succeeded', finishedAt: at(now), reason: undefined },
      events: [...events2, event('run-succeeded')],
    };
  const nextStep = run.plan.steps.find((s) => s.id === next.id)!;
  if (nextStep.approval && !next.approvedBy) {
    const reason = `waiting for approval of step ${next.id}: ${nextStep.approval}`;
    return {
      run: { ...done, status: 'waiting', reason },
      events: [...events2, event('step-awaiting-approval', { step: next.id })],
    };
  }
  return { run: done, events: events2 };
}

export function beginRollback(run: Run, reason: string, now: Date, events: NewEvent[] = []): Transition {
  const undo = undoSteps(run).map((r) => ({ title: r.title, status: 'pending' as const }));
  const spared = run.steps.filter((s) => s.status === 'failed' && s.unchanged).map((s) => s.id);
  const said = spared.length
    ? `${reason}. Not undone: ${spared.join(', ')}, which failed before it changed anything`
    : reason;
  const base = { ...run, reason: said, undo, updatedAt: at(now) };
  if (undo.length === 0) {
    return {
      run: { ...base, status: 'rolled_back', finishedAt: at(now) },
      events: [...events, event('rollback-started', { reason: said }), event('run-rolled-back', { undone: 0 })],
    };
  }
  return {
    run: { ...base, status: 'rolling_back' },
    events: [...events, event('rollback-started', { reason: said, steps: undo.length })],
  };
}

/**
 * The plan's rollback steps that apply to this run, in order (as `undo` lists them): those of the
 * steps that may have acted, not one whose attempts all failed before changing anything (its
 * inverse would remove what was there before: the column its ADD COLUMN found already there, say).
 */
export function undoSteps(run: Run) {
  const started = new Set(run.steps.filter(mayHaveActed).map((s) => s.id));
  return run.plan.rollback.filter((r) => r.undoes === undefined || started.has(r.undoes));
}

/** An undo may take as long as what it undoes (rebuilding a dropped index, as long as the drop), 10 min at least. */
export function undoTimeoutSeconds(run: Run, undo: RollbackStep): number {
  const undone = run.plan.steps.find((s) => s.id === undo.undoes);
  return Math.max(600, undone?.timeoutSeconds ?? 0);
}

export function undoFinished(run: Run, index: number, error: string | undefined, now: Date): Transition {
  const undo = run.undo.map((u, i) =>
    i === index ? { ...u, status: error ? ('failed' as const) : ('succeeded' as const), error } : u,
  );
  const updated = { ...run, undo, updatedAt: at(now) };
  if (error) {
    const reason = `rollback step "${run.undo[index]!.title}" failed: ${error}. The system may be half rolled back: a person must look now.`;
    return {
      run: { ...updated, status: 'failed', reason, finishedAt: at(now) },
      events: [event('undo-failed', { index, error }), event('run-failed', { reason })],
    };
  }
  const events = [event('undo-succeeded', { index, title: run.undo[index]!.title })];
  if (undo.every((u) => u.status === 'succeeded'))
    return {
      run: { ...updated, status: 'rolled_back', finishedAt: at(now) },
      events: [...events, event('run-rolled-back', { undone: undo.length })],
    };
  return { run: updated, events };
}

export type Command =
  { kind: 'pause' | 'resume' | 'abort' | 'rollback'; by: string } | { kind: 'approve-step'; step: string; by: string };

/** A person's command; `refused` says why it does not apply now. */
export function applyCommand(run: Run, command: Command, now: Date): Transition & { refused?: string } {
  const by = command.by;
  if (isTerminal(run.status)) return { run, events: [], refused: `the run is already ${run.status.replace('_', ' ')}` };
  switch (command.kind) {
    case 'pause':
      if (run.status === 'paused') return { run, events: [], refused: 'the run is already paused' };
      return {
        run: {
          ...run,
          status: 'paused',
          resumeTo: run.status,
          pausedBy: by,
          reason: `paused by @${by}`,
          updatedAt: at(now),
        },
        events: [event('run-paused', { reason: `paused by @${by}` }, by)],
      };
    case 'resume':
      if (run.status !== 'paused') return { run, events: [], refused: 'the run is not paused' };
      return {
        run: { ...resumed(run), reason: undefined, updatedAt: at(now) },
        events: [event('run-resumed', {}, by)],
      };
    case 'abort':
      return {
        run: {
          ...run,
          status: 'aborted',
          reason: `aborted by @${by}; nothing was undone`,
          finishedAt: at(now),
          updatedAt: at(now),
        },
        events: [event('run-aborted', {}, by)],
      };
    case 'rollback':
      if (run.status === 'rolling_back') return { run, events: [], refused: 'the run is already rolling back' };
      return beginRollback(run, `rollback requested by @${by}`, now, [event('rollback-requested', {}, by)]);
    case 'approve-step': {
      const refused = approvalRefused(run, command.step);
      if (refused) return { run, events: [], refused };
      // A paused run that was waiting goes on once resumed; a waiting one goes on now.
      const going = run.status === 'waiting' ? { status: 'running' as const, reason: undefined } : {};
      const resumeTo = run.status === 'paused' && run.resumeTo === 'waiting' ? { resumeTo: 'running' as const } : {};
      const approved = withStep(run, command.step, { approvedBy: by }, now, { ...going, ...resumeTo });
      return { run: approved, events: [event('step-approved', { step: command.step }, by)] };
    }
  }
}

/**
 * Why a step cannot be approved now. Only the step the run has reached: an approval is a judgment
 * of what the run shows when it asks (the drop after days of observation), never given in advance.
 */
export function approvalRefused(run: Run, step: string): string | undefined {
  const planned = run.plan.steps.find((s) => s.id === step);
  if (!planned) return `there is no step ${step}`;
  if (!planned.approval) return `step ${step} needs no approval`;
  if (run.status === 'rolling_back') return 'the run is rolling back';
  if (run.status === 'pending') return 'the run has not started yet (it waits for its locks or its window)';
  const state = run.steps.find((s) => s.id === step)!;
  if (state.approvedBy) return `step ${step} was already approved by @${state.approvedBy}`;
  const reached = run.steps.find((s) => s.status !== 'succeeded');
  if (state.status !== 'pending' || reached?.id !== step)
    return (
      `step ${step} is not waiting for approval` +
      (reached && state.status === 'pending' ? `: the run is at step ${reached.id}, and asks when it gets there` : '')
    );
  return undefined;
}

/** A resumed run goes back to what it was doing; a holding step looks at its gates again first. */
function resumed(run: Run): Run {
  return { ...run, status: run.resumeTo ?? 'running', resumeTo: undefined, pausedBy: undefined };
}

const formatValue = (value: number | null) => (value === null ? 'no data' : Number(value.toPrecision(4)).toString());
