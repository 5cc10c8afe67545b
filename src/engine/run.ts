/** A run: one task's plan being carried out, with the state of each step. Plain data, persisted. */
import type { Config } from '../manifest/model.js';
import type { Plan } from '../plan/types.js';

export type RunStatus =
  'pending' | 'running' | 'waiting' | 'paused' | 'succeeded' | 'failed' | 'rolling_back' | 'rolled_back' | 'aborted';
export type StepStatus = 'pending' | 'running' | 'holding' | 'succeeded' | 'failed';

export const terminalStatuses: readonly RunStatus[] = ['succeeded', 'failed', 'rolled_back', 'aborted'];
export const isTerminal = (status: RunStatus) => terminalStatuses.includes(status);

/** One look at one gate: the value seen and what it meant. */
export interface Evidence {
  at: string;
  metric: string;
  value: number | null;
  limit: string;
  /** `waiting`: no verdict yet while data comes in; a step does not end on it (its gate decides when to give up). */
  verdict: 'pass' | 'breach' | 'inconclusive' | 'waiting';
  note?: string;
}

export interface StepState {
  id: string;
  status: StepStatus;
  attempts: number;
  startedAt?: string;
  finishedAt?: string;
  /** While holding: when the hold ends, and when gates are next looked at. */
  holdUntil?: string;
  nextCheckAt?: string;
  /** Not before this time (retry backoff). */
  notBefore?: string;
  approvedBy?: string;
  output?: unknown;
  /** While a long step runs: how far it got, in one line. */
  progress?: string;
  error?: string;
  /**
   * Every attempt so far failed before changing anything (the effect said so, and none was cut off by
   * a crash): a rollback has nothing of this step to undo, and its inverse would remove what was there before.
   */
  unchanged?: boolean;
  evidence: Evidence[];
}

/**
 * Whether a step may have changed anything: an attempt ran (one waiting out a retry's backoff
 * counts), and not every attempt said it failed before changing anything.
 */
export const mayHaveActed = (step: StepState): boolean =>
  (step.status !== 'pending' || step.attempts > 0) && step.unchanged !== true;

export interface UndoState {
  title: string;
  status: 'pending' | 'succeeded' | 'failed';
  error?: string;
}

export interface Run {
  id: string;
  /** Idempotency key: repository, merge commit, task and plan fingerprint. */
  key: string;
  repo: { owner: string; repo: string; installationId?: number };
  pullNumber: number;
  mergeSha: string;
  startedBy: string;
  plan: Plan;
  /** Provider endpoints from the config the run was approved under (never secrets: those are env references). */
  providers?: Record<string, unknown>;
  status: RunStatus;
  /** Not before this time: a merge outside its change windows waits for the next opening. */
  startAt?: string;
  /** The change windows and freezes the run was approved under: it starts only inside them. */
  schedule?: Pick<Config['spec'], 'windows' | 'freezes'>;
  /** Why the run is paused, waiting, failed or rolled back, in plain words. */
  reason?: string;
  /** What the run was doing before it was paused. */
  resumeTo?: RunStatus;
  /** Who paused it: resuming what someone else stopped is a judgment (app/handle-command.ts). */
  pausedBy?: string;
  steps: StepState[];
  undo: UndoState[];
  /** Values read before the first change, as runs of earlier versions recorded them (newer ones use checkpoints). */
  captured: Record<string, unknown>;
  /** The plan's locks: held, or queued at a position behind the run named in `heldBy`. */
  locks: { key: string; held: boolean; position: number; heldBy?: string }[];
  checkRunId?: number;
  /** A remediation of an incident the patrol filed: its outcome is recorded there, not as an incident of its own. */
  incident?: { id: string; issueNumber: number; option: string };
  createdAt: string;
  updatedAt: string;
  finishedAt?: string;
  /** Optimistic concurrency: every save increments it. */
  version: number;
  events: { seq: number; hash: string };
}
