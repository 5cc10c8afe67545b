/** What the runner needs from the world. Adapters implement these; tests may fake them. */
import type { Evidence, Run } from './run.js';
import type { NewEvent } from '../knowledge/event-chain.js';
import type { Action, Gate } from '../plan/types.js';

export interface EffectContext {
  run: Run;
  /** Unique per run, step and attempt: for effects that must not happen twice. */
  checkpointKey: string;
  /** The step (or `undo-<n>`, a rollback step) and its attempt, as the checkpoint key names them. */
  step: string;
  attempt: number;
  /**
   * No earlier attempt of this step can have changed anything (none ran, or each failed before it
   * changed anything): what the step would create and finds there already is somebody else's, not
   * an earlier attempt's. Unset: an earlier attempt may have acted.
   */
  cleanSlate?: boolean;
  /** Aborted when the step's timeout is reached: the effect must stop what it started. */
  signal?: AbortSignal;
  /** Long work says how far it got (one line), shown on the run's check run while the step runs. */
  progress?: (summary: string) => Promise<void>;
}

export interface EffectResult {
  output?: unknown;
}

export class EffectError extends Error {
  /** The attempt failed before it changed anything: the step's inverse must not run for it. */
  readonly untouched: boolean;

  constructor(
    message: string,
    readonly retryable: boolean,
    options: { untouched?: boolean } = {},
  ) {
    super(message);
    this.untouched = options.untouched === true;
  }

  /** The same failure, no longer said to be untouched (another change of the attempt may have gone through). */
  touched(): EffectError {
    return new EffectError(this.message, this.retryable);
  }
}

export interface Effects {
  apply(action: Action, context: EffectContext): Promise<EffectResult>;
}

export interface GateJudge {
  check(gates: readonly Gate[], run: Run, at: string): Promise<Evidence[]>;
}

export interface Scheduler {
  /** Advance the run again after `delayMs` (0: as soon as a worker is free). */
  later(runId: string, version: number, delayMs: number): Promise<void>;
}

export interface RunReporter {
  /** Called after every saved change of a run, with the events it produced. */
  changed(run: Run, events: NewEvent[]): Promise<void>;
  /**
   * Delivers what a finished run owes people (its final comment, its incident), at least once:
   * true when all of it is delivered, false when something must be tried again later.
   */
  settle?(run: Run): Promise<boolean>;
}

/** Structured logs (pino's shape). Never give it secrets. */
export interface Log {
  info(context: object, message: string): void;
  warn(context: object, message: string): void;
  error(context: object, message: string): void;
}
