/**
 * The runner: performs one run's next moves through the ports, records every outcome before the
 * next effect (so a worker that dies mid-step is replaced without acting twice), and schedules the
 * next look. Safe to call for the same run from several workers: saves are compare-and-set.
 */
import { randomUUID } from 'node:crypto';
import type { Store } from './store.js';
import { ConflictError } from './store.js';
import {
  gatesChecked,
  locksSettled,
  nextMove,
  outsideWindow,
  stepExecuted,
  stepFailed,
  stepProgressed,
  stepStarted,
  undoFinished,
  undoSteps,
  undoTimeoutSeconds,
  type Transition,
} from './machine.js';
import {
  EffectError,
  type EffectContext,
  type Effects,
  type GateJudge,
  type Log,
  type RunReporter,
  type Scheduler,
} from './ports.js';
import { isTerminal, mayHaveActed, type Run } from './run.js';

export interface RunnerDeps {
  store: Store;
  effects: Effects;
  gates: GateJudge;
  scheduler: Scheduler;
  reporter: RunReporter;
  clock: () => Date;
  log: Log;
  gateCheckSeconds: number;
  lockPollSeconds: number;
}

/** How long to wait before delivering a finished run's reports again when the forge failed. */
const settleRetryMs = 30_000;

/** Moves taken in one call before handing the run back to the queue (keeps jobs short). */
const maxMovesPerCall = 20;

/** How long one worker holds a run; renewed while it works, taken over by another when it dies. */
const leaseMs = 30_000;

/**
 * Advance a run. Only one worker advances a run at a time (an expiring lease in the store): two
 * jobs for the same run, or a replacement for a worker that died, never perform a step twice at once.
 */
export async function advanceRun(deps: RunnerDeps, runId: string): Promise<void> {
  const holder = randomUUID();
  const key = `advance/${runId}`;
  const take = () =>
    deps.store.lease(key, holder, new Date(deps.clock().getTime() + leaseMs).toISOString(), deps.clock().toISOString());
  if (!(await take())) {
    // Someone else is advancing it: look again once their lease would have run out.
    const run = await deps.store.run(runId);
    if (run && !isTerminal(run.status)) await deps.scheduler.later(run.id, run.version, leaseMs);
    return;
  }
  const heartbeat = setInterval(() => void take().catch(() => undefined), leaseMs / 3);
  try {
    for (let moves = 0; moves < maxMovesPerCall; moves++) {
      const run = await deps.store.run(runId);
      if (!run) return;
      const next = await takeMove(deps, run);
      if (next === 'stop') return;
    }
    const run = await deps.store.run(runId);
    if (run) await deps.scheduler.later(run.id, run.version, 0);
  } finally {
    clearInterval(heartbeat);
    await deps.store.releaseLease(key, holder);
  }
}

/** Put every unfinished run back on the queue (after Redis lost its jobs, or at start): the store is the truth. */
export async function reconcileRuns(deps: Pick<RunnerDeps, 'store' | 'scheduler'>): Promise<number> {
  const runs = await deps.store.activeRuns();
  for (const run of runs) await deps.scheduler.later(run.id, run.version, 0);
  return runs.length;
}

async function takeMove(deps: RunnerDeps, run: Run): Promise<'continue' | 'stop'> {
  const now = deps.clock();
  const move = nextMove(run, now);
  switch (move.kind) {
    case 'idle':
      if (isTerminal(run.status)) {
        await releaseLocks(deps, run);
        // A final comment or incident that could not be delivered is tried again, until it is.
        const settled = await (deps.reporter.settle?.(run) ?? true);
        if (!settled) await deps.scheduler.later(run.id, run.version, settleRetryMs);
      }
      return 'stop';
    case 'wait':
      await deps.scheduler.later(run.id, run.version, new Date(move.until).getTime() - now.getTime());
      return 'stop';
    case 'acquire-locks': {
      const closed = outsideWindow(run, now);
      if (closed) {
        await releaseLocks(deps, run);
        const saved = await commit(deps, run, closed);
        if (saved?.startAt && saved.status === 'pending')
          await deps.scheduler.later(saved.id, saved.version, Date.parse(saved.startAt) - now.getTime());
        return 'stop';
      }
      const locks = await acquireInOrder(deps, run);
      const saved = await commit(deps, run, locksSettled(run, locks, now));
      if (saved?.status === 'pending') await deps.scheduler.later(run.id, saved.version, deps.lockPollSeconds * 1000);
      return saved?.status === 'pending' ? 'stop' : 'continue';
    }
    case 'execute': {
      const before = run.steps.find((s) => s.id === move.step.id)!;
      const cleanSlate = before.status === 'pending' && !mayHaveActed(before);
      const started = await commit(deps, run, stepStarted(run, move.step, now));
      if (!started) return 'continue';
      const attempt = started.steps.find((s) => s.id === move.step.id)!.attempts;
      // Progress saves bump the run's version: the outcome is committed over the latest one. A
      // command that changed the run meanwhile (a pause, an approval) is read back, not fought.
      let latest = started;
      let reporting = true;
      const progress = async (summary: string) => {
        if (!reporting) return;
        try {
          const saved = await commit(deps, latest, stepProgressed(latest, move.step, summary, deps.clock()));
          if (saved) latest = saved;
          else {
            const fresh = await deps.store.run(run.id);
            const state = fresh?.steps.find((s) => s.id === move.step.id);
            if (fresh && state?.status === 'running' && state.attempts === attempt) latest = fresh;
            else reporting = false;
          }
        } catch (error) {
          deps.log.warn({ run: run.id, err: (error as Error).message }, 'progress not saved');
        }
      };
      const outcome = await perform(
        deps,
        started,
        move.step.action,
        { step: move.step.id, attempt, checkpointKey: `${run.id}/${move.step.id}/${attempt}`, progress, cleanSlate },
        move.step.timeoutSeconds,
      );
      reporting = false;
      const after = deps.clock();
      await commit(
        deps,
        latest,
        outcome.error === undefined
          ? stepExecuted(latest, move.step, outcome.output, after, deps.gateCheckSeconds)
          : stepFailed(latest, move.step, outcome.error, after, outcome.retryable, outcome.untouched),
      );
      return 'continue';
    }
    case 'check-gates': {
      const evidence = await deps.gates.check(move.step.gates, run, now.toISOString());
      await commit(deps, run, gatesChecked(run, move.step, evidence, deps.clock(), deps.gateCheckSeconds));
      return 'continue';
    }
    case 'undo': {
      const undo = undoSteps(run)[move.index]!;
      // A rollback is what is left when things go wrong: a passing failure (a lost connection, a
      // server restarting) is tried again before the run is left half rolled back for a person.
      let outcome: Awaited<ReturnType<typeof perform>>;
      for (let attempt = 1; ; attempt++) {
        const context = { step: `undo-${move.index}`, attempt, checkpointKey: `${run.id}/undo/${move.index}` };
        outcome = await perform(deps, run, undo.action, context, undoTimeoutSeconds(run, undo));
        if (outcome.error === undefined || !outcome.retryable || attempt >= undoAttempts) break;
        await new Promise((resolve) => setTimeout(resolve, undoRetryPauseMs * attempt));
      }
      await commit(deps, run, undoFinished(run, move.index, outcome.error, deps.clock()));
      return 'continue';
    }
  }
}

/** Attempts of an undo whose failure may pass, and the pause before the second (then twice as long). */
const undoAttempts = 3;
const undoRetryPauseMs = 1000;

/** How long an effect that was told to stop may take to stop before the attempt is recorded anyway. */
const stopGraceMs = 5000;

async function perform(
  deps: RunnerDeps,
  run: Run,
  action: Parameters<Effects['apply']>[0],
  attempt: Pick<EffectContext, 'step' | 'attempt' | 'checkpointKey' | 'progress' | 'cleanSlate'>,
  timeoutSeconds: number,
) {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const effect = deps.effects.apply(action, { run, ...attempt, signal: controller.signal });
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new EffectError(`timed out after ${timeoutSeconds}s`, true)),
        timeoutSeconds * 1000,
      );
    });
    const result = await Promise.race([effect, timeout]);
    return { output: result.output, error: undefined, retryable: true, untouched: false };
  } catch (error) {
    if (!controller.signal.aborted) controller.abort();
    // A retry must not overlap the attempt it replaces: wait (a little) for the effect to stop.
    await Promise.race([
      effect.catch(() => undefined),
      new Promise((resolve) => setTimeout(resolve, stopGraceMs).unref()),
    ]);
    deps.log.warn(
      { run: run.id, action: `${action.provider} ${action.operation}`, err: (error as Error).message },
      'effect failed',
    );
    // Only the effect knows whether trying again can help; an unexpected error may be passing.
    const retryable = error instanceof EffectError ? error.retryable : true;
    // A timeout stopped the effect wherever it was: never untouched, whatever the effect says later.
    const untouched = error instanceof EffectError && error.untouched;
    return { output: undefined, error: (error as Error).message, retryable, untouched };
  } finally {
    clearTimeout(timer);
  }
}

/** Append the transition's events, save the run over the version it was read at, report. */
export async function commit(
  deps: Pick<RunnerDeps, 'store' | 'clock' | 'reporter' | 'log'>,
  before: Run,
  transition: Transition,
): Promise<Run | undefined> {
  const now = deps.clock().toISOString();
  const appended = transition.events.length ? await deps.store.appendEvents(before.id, transition.events, now) : [];
  const head = appended.at(-1);
  const run: Run = {
    ...transition.run,
    version: before.version + 1,
    events: head ? { seq: head.seq, hash: head.hash } : before.events,
  };
  try {
    await deps.store.saveRun(run);
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    // Someone else (a command, another worker) changed the run first: say so in the chain and look
    // again. A change without events (a progress note) is simply replaced by the next one.
    if (transition.events.length > 0)
      await deps.store.appendEvents(
        before.id,
        [{ type: 'transition-discarded', actor: 'zeroops', data: { discarded: transition.events.map((e) => e.type) } }],
        now,
      );
    return undefined;
  }
  await deps.reporter
    .changed(run, transition.events)
    .catch((error: Error) => deps.log.error({ run: run.id, err: error.message }, 'reporting failed'));
  return run;
}

/**
 * Locks are taken in one global order (by key), and a run queues for the next only once it holds
 * the ones before: two runs can never each hold what the other waits for.
 */
async function acquireInOrder(deps: RunnerDeps, run: Run): Promise<Run['locks']> {
  const locks: Run['locks'] = [];
  const keys = [...new Set(run.plan.locks.map((l) => l.key))].sort();
  for (const key of keys) {
    if (locks.some((l) => !l.held)) {
      locks.push({ key, held: false, position: -1 });
      continue;
    }
    const state = await deps.store.acquireLock(key, run.id);
    const heldBy = state.held || !state.holder ? undefined : await describeRun(deps, state.holder);
    locks.push({ key, held: state.held, position: state.position, ...(heldBy ? { heldBy } : {}) });
  }
  return locks;
}

async function releaseLocks(deps: RunnerDeps, run: Run): Promise<void> {
  for (const lock of run.plan.locks) await deps.store.releaseLock(lock.key, run.id);
}

/** A run as people know it: its task and pull request. */
async function describeRun(deps: Pick<RunnerDeps, 'store'>, runId: string): Promise<string> {
  const run = await deps.store.run(runId);
  return run ? `${run.plan.task.name} from #${run.pullNumber}` : `run ${runId}`;
}
