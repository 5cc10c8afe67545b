/** The Store port: what ZeroOps keeps. One adapter (MongoDB's driver API) serves MongoDB and the embedded engine. */
import type { Run } from '../engine/run.js';
import type { ChainEvent, NewEvent } from '../knowledge/event-chain.js';

export interface PlanRecord {
  /** `owner/repo#number@sha` */
  id: string;
  repo: string;
  pullNumber: number;
  sha: string;
  tasks: { name: string; fingerprint: string; risk: string; required: number; ownerRequired: boolean; owners: string[]; env: string; file: string }[];
  errors: number;
  createdAt: string;
}

export interface PullRecord {
  /** `owner/repo#number` */
  id: string;
  author: string;
  lastPusher: string;
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
}

export class ConflictError extends Error {}

export interface Store {
  /** True the first time a key is seen (webhook deliveries, merge handling). */
  firstSeen(key: string): Promise<boolean>;

  savePlanRecord(record: PlanRecord): Promise<void>;
  planRecord(id: string): Promise<PlanRecord | undefined>;
  savePull(record: PullRecord): Promise<void>;
  pull(id: string): Promise<PullRecord | undefined>;

  /** Creates the run unless one with its key exists; returns the stored one either way. */
  createRun(run: Run): Promise<{ run: Run; created: boolean }>;
  run(id: string): Promise<Run | undefined>;
  runs(filter: { repo?: string; pullNumber?: number; mergeSha?: string }): Promise<Run[]>;
  /** Saves `run` if the stored version is `run.version - 1`; ConflictError otherwise. */
  saveRun(run: Run): Promise<void>;

  checkpoint<T>(key: string): Promise<T | undefined>;
  saveCheckpoint(key: string, value: unknown): Promise<boolean>;

  /** Joins the lock's first-come-first-served queue (once) and says where the holder stands. */
  acquireLock(key: string, holder: string): Promise<LockState>;
  releaseLock(key: string, holder: string): Promise<void>;

  appendEvents(chain: string, events: NewEvent[], at: string): Promise<ChainEvent[]>;
  events(chain: string): Promise<ChainEvent[]>;

  openIncident(fingerprint: string): Promise<Incident | undefined>;
  saveIncident(incident: Incident): Promise<void>;

  close(): Promise<void>;
}
