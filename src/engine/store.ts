/** The Store port, owned by the engine that persists runs through it: what ZeroOps keeps. Adapters live in store/. */
import type { Run } from './run.js';
import type { ChainEvent, NewEvent } from '../knowledge/event-chain.js';
import type { TaskApprovalInput } from '../policy/approvals.js';
import type { PatrolIncident } from '../knowledge/patrol-incident.js';

export interface PlanRecord {
  /** `owner/repo#number@sha` */
  id: string;
  repo: string;
  pullNumber: number;
  sha: string;
  /** Task plans and governed changes, each with what approving it takes. */
  tasks: ApprovalItem[];
  errors: number;
  /** What else decides whether the change runs (base branch, change windows), in words. */
  notes?: string[];
  /** The branch the pull request merged into when this was planned: an approval is of a plan into that branch. */
  base?: string;
  createdAt: string;
}

export interface ApprovalItem extends TaskApprovalInput {
  /** Governed changes: where the people who merged this change unapproved are remembered. */
  wroteKey?: string;
  /** Task plans carry their environment (change windows apply to it); governed changes do not. */
  env?: string;
  risk?: string;
  file?: string;
}

export interface PullRecord {
  /** `owner/repo#number` */
  id: string;
  author: string;
  lastPusher: string;
  /** Everyone who pushed to the pull request's branch while ZeroOps watched. */
  pushers?: string[];
  /** When the pull request was last moved to the branch it merges into: reviews before then were of another merge. */
  baseSince?: { base: string; at: string };
}

export interface LockState {
  held: boolean;
  position: number;
  holder?: string;
}

export interface Incident {
  id: string;
  fingerprint: string;
  repo: string;
  issueNumber: number;
  state: 'open' | 'closed';
  runIds: string[];
  createdAt: string;
  /** What the patrol found, for incidents it filed (run failures have none). */
  patrol?: PatrolIncident;
}

/** The last state of a branch whose governed files (config, services, templates, scripts) were all approved. */
export interface ApprovedState {
  /** `owner/repo@branch` */
  id: string;
  sha: string;
  /** The merge that made it approved, or `first seen` for the state ZeroOps found when installed. */
  by: string;
  at: string;
}

export interface KnownRepo {
  owner: string;
  repo: string;
  installationId?: number;
  defaultBranch: string;
}

export class ConflictError extends Error {}

export interface Store {
  /** Webhook deliveries already handled (marked after handling, so a failed one can be redelivered). */
  handled(key: string): Promise<boolean>;
  markHandled(key: string): Promise<void>;
  /** Forgets deliveries handled before `before` (GitHub redelivers only recent ones); returns how many. */
  pruneDeliveries(before: string): Promise<number>;

  savePlanRecord(record: PlanRecord): Promise<void>;
  planRecord(id: string): Promise<PlanRecord | undefined>;
  savePull(record: PullRecord): Promise<void>;
  pull(id: string): Promise<PullRecord | undefined>;

  /** The repositories ZeroOps has heard from (their installation and default branch): what the patrol watches. */
  saveRepo(repo: KnownRepo): Promise<void>;
  repos(): Promise<KnownRepo[]>;

  approvedState(id: string): Promise<ApprovedState | undefined>;
  /**
   * Records a branch's approved state: only when none is recorded (`onlyIfNone`), or only over the
   * commit the change was judged against (`expect`); false when that did not hold.
   */
  saveApprovedState(state: ApprovedState, options?: { onlyIfNone?: boolean; expect?: string }): Promise<boolean>;

  /** Creates the run unless one with its key exists; returns the stored one either way. */
  createRun(run: Run): Promise<{ run: Run; created: boolean }>;
  run(id: string): Promise<Run | undefined>;
  runs(filter: { repo?: string; pullNumber?: number; mergeSha?: string }): Promise<Run[]>;
  /** Saves `run` if the stored version is `run.version - 1`; ConflictError otherwise. */
  saveRun(run: Run): Promise<void>;

  checkpoint<T>(key: string): Promise<T | undefined>;
  saveCheckpoint(key: string, value: unknown): Promise<boolean>;

  /** The state a loop carries from one job to the next (the datacenter watch), replaced whole. */
  loopState<T>(key: string): Promise<T | undefined>;
  saveLoopState(key: string, value: unknown): Promise<void>;

  /**
   * A lease that expires: held by `holder` until `until`, taken over by anyone once it has expired.
   * True when `holder` holds it now (newly, or renewed).
   */
  lease(key: string, holder: string, until: string, now: string): Promise<boolean>;
  releaseLease(key: string, holder: string): Promise<void>;
  /** Runs that have not finished, whatever their repository. */
  activeRuns(): Promise<Run[]>;

  /** Joins the lock's first-come-first-served queue (once) and says where the holder stands. */
  acquireLock(key: string, holder: string): Promise<LockState>;
  releaseLock(key: string, holder: string): Promise<void>;

  appendEvents(chain: string, events: NewEvent[], at: string): Promise<ChainEvent[]>;
  events(chain: string): Promise<ChainEvent[]>;

  openIncident(fingerprint: string): Promise<Incident | undefined>;
  incident(id: string): Promise<Incident | undefined>;
  /** The open incidents of a repository (`owner/repo`). */
  openIncidents(repo: string): Promise<Incident[]>;
  /** Every incident of a repository, open or closed: the case library's incidents. */
  incidents(repo: string): Promise<Incident[]>;
  saveIncident(incident: Incident): Promise<void>;
  /** Closes the incident of an issue that was closed; false when ZeroOps filed no incident as that issue. */
  closeIncident(id: string): Promise<boolean>;

  close(): Promise<void>;
}
