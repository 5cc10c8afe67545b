/** Ports the use cases need besides the Forge. */
import type { HeapProfile } from '../diagnose/signals.js';
import type { Cause, Diagnosis } from '../diagnose/cause.js';
import type { KnownRepo } from '../engine/store.js';
import type { RepoRef } from '../forge/forge.js';
import type { Notice, NotifyChannel } from '../knowledge/notice.js';

/**
 * Remembers which webhook deliveries were handled, so a redelivery does nothing twice. A delivery
 * is marked only once it was handled: one whose handling failed can be redelivered.
 */
export interface DeliveryLog {
  handled(key: string): Promise<boolean>;
  markHandled(key: string): Promise<void>;
}

export type { Log } from '../engine/ports.js';

/** Tells chat robots what happened (ChatOps): queued and retried, so a robot briefly down loses nothing. */
export interface Notifier {
  /** Sends the notice to each of these channels at least once; by its key, a repeat is one message. */
  notify(notice: Notice, channels: readonly NotifyChannel[]): Promise<void>;
}

/** Goroutine profiles of an instance, in Go's text form (`?debug=1`). */
export interface ProfileSource {
  /** A goroutine profile in Go's text form (debug=1). */
  fetch(url: string): Promise<string>;
  /** A heap profile, decoded: bytes in use by allocation site. */
  fetchHeap(url: string): Promise<Pick<HeapProfile, 'total' | 'groups'>>;
}

/** Writes an incident's prose from its structured diagnosis (templates, or an LLM that never decides). */
export interface ProseWriter {
  write(
    cause: Cause,
    diagnosis: Diagnosis,
    options: { id: string; title: string; why: string; allowedAlone: boolean }[],
  ): Promise<{ summary: string; explanation: string; by: string }>;
}

/** What the webhook side tells the patrol: repositories heard from, incidents closed, remediations asked for. */
export interface PatrolHooks {
  heardFrom(repo: KnownRepo): Promise<void>;
  incidentClosed(repo: RepoRef, issueNumber: number, by: string): Promise<void>;
  remediate(issue: { repo: RepoRef; number: number }, option: string, by: string): Promise<string>;
  /** `/zeroops failover <dc>` on a datacenter watch incident; the answer in words. */
  failover(issue: { repo: RepoRef; number: number }, dc: string, by: string): Promise<string>;
}

/** What a table and a column transform look like in the live database, read-only, before approval. */
export interface SchemaPreflight {
  inspect(target: PreflightTarget, providers: unknown): Promise<PreflightFacts>;
}

export interface PreflightTarget {
  /** The engine the plan acts on (default postgres). */
  engine?: 'postgres' | 'mysql';
  database: string;
  table: string;
  /** A replacement's old column, the expression that converts it and the new type. */
  transform?: { from: string; using: string; type: string };
  /** The columns the change renames away and then drops. */
  retiredColumns?: string[];
  /** The change renames the table away and then drops it. */
  retiresTable?: boolean;
  /** The tables the same change drops before this one (their references into it go first). */
  droppedBefore?: string[];
  /** The columns the change adds: a replacement's (the new one, and the one that keeps invalid text), ADD COLUMN's. */
  addedColumns?: string[];
  /** MySQL: the indexes the change adds (their names must be free). */
  addedIndexes?: string[];
}

export interface PreflightFacts {
  rows: number;
  bytes: number;
  /** The one-column primary key the backfill walks (any type its index sorts), or why there is none. */
  key:
    | { column: string; /** Its SQL type: whether its values may be shown (value-shape.ts). */ type?: string }
    | { problem: string };
  indexes: string[];
  triggers: string[];
  foreignKeys: string[];
  replicas: { name: string; lagSeconds: number }[];
  /** PostgreSQL: whether pg_stat_statements can say who still uses a column. */
  statementsTracked?: boolean;
  /** Set on MySQL/MariaDB, whose copy is pt-online-schema-change's. */
  engine?: 'mysql';
  /** MySQL: the columns of the table's unique keys (dropping one narrows the key, and the copy drops rows). */
  uniqueKeyColumns?: string[];
  transform?: TransformFacts;
  /** What hangs on each column the change retires. */
  retiredColumns?: RetiredColumnFacts[];
  /** For a table the change drops: what makes DROP TABLE fail (PostgreSQL: without CASCADE). */
  tableBlockers?: string[];
  /** MySQL, for a table the change drops: the views that read it (the drop goes through; they fail). */
  tableReaders?: string[];
  /** The columns it would add that are there already, with the run that added each, if ZeroOps did (PostgreSQL). */
  takenColumns?: { column: string; addedByRun?: string }[];
  /** MySQL: the indexes it would add whose names are taken. */
  takenIndexes?: string[];
  /** PostgreSQL, for a table the change drops: its partitions, which DROP TABLE takes along. */
  tablePartitions?: string[];
  /** PostgreSQL, for a backfill: the table's triggers that fire on any UPDATE, so on every row it fills. */
  updateTriggers?: string[];
  /** PostgreSQL, for a backfill: what its new row versions will cost (see backfill-footprint). */
  heap?: HeapFacts;
}

/** A column a change renames away and drops, as the catalog describes it (e.g. `index t_email (CREATE …)`). */
export interface RetiredColumnFacts {
  column: string;
  /** False when the table has no such column (yet). */
  exists: boolean;
  /** Part of the table's primary key. */
  primaryKey: boolean;
  notNull: boolean;
  default?: string;
  /** What PostgreSQL drops with the column: indexes, constraints, statistics, sequences it owns. */
  droppedWith: string[];
  /** Of those, what the drop's undo cannot build again (statistics, an owned sequence, …). */
  lostForGood: string[];
  /** What makes the database refuse the drop (PostgreSQL without CASCADE): views, references, triggers, policies. */
  blockers: string[];
  /** MySQL: views that read the column. The drop goes through, and they fail from the rename on. */
  readers?: string[];
}

/** The heap as the preflight read it: PostgreSQL only. */
export interface HeapFacts {
  /** The table's main fork, and its indexes, in bytes. */
  bytes: number;
  indexBytes: number;
  fillfactor: number;
  /** Average stored size of a row (a sample of the first rows). */
  rowBytes: number;
  /** Average size of a value of the new column: the transform's output where tried, else the old column's. */
  newColumnBytes: number;
}

export interface TransformFacts {
  checked: number;
  /** The scan stopped at a row limit: counts are of the rows checked. */
  partial: boolean;
  /**
   * Examples as read (the value's first 60 characters) with the error's SQLSTATE: the plan shows them
   * only by their shape, and never an error's text (it may quote the value).
   */
  failing: { count: number; examples: { key: string; value: string; code: string }[] };
  /** Non-NULL values the transform turns into NULL. */
  nulled: { count: number; examples: { key: string; value: string }[] };
  /** Average size of the transform's output per row checked (a NULL counts as none). */
  convertedBytes?: number;
}
