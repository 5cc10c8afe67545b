/**
 * The backfill: the new column computed from the old one in key-range batches, each one statement
 * that also moves the checkpoint (so a batch and its progress commit together: after a crash the
 * next attempt starts at the first unfinished range, never redoing one). A batch is the next
 * `batchSize` rows by key, not a span of key values: keys with gaps (snowflake ids, a table most of
 * whose rows were deleted) cost one batch per batchSize rows, and a key need not be a number (UUIDs,
 * text codes). Keys stay text end to end: a bigint past 2^53 does not fit a JavaScript number. The
 * upper key is frozen when the backfill first starts: rows inserted later are the trigger's, so it
 * ends under any insert storm. The pace is the throttle's, from what the application feels.
 */
import type pg from 'pg';
import { EffectError } from '../../engine/ports.js';
import { transformCall, type ColumnSync } from './column-sync.js';
import { helperSchema, quoteIdent, quoteTable } from './identifiers.js';
import { startProbe } from './backfill-probe.js';
import { defaultThrottleLimits, nextThrottle, type ThrottleState } from './backfill-throttle.js';
import { isLockTimeout, sleep, withClient } from './sessions.js';
import { pauseBefore } from './lock-retry.js';
import { keyShown, sqlStateShown } from '../value-shape.js';
import { ensureHelperSchema, keyBoundsSql, keyParam, nextKeysCte, primaryKey, type TableKey } from './table-facts.js';

export interface BackfillOptions {
  /** Names this backfill's progress row: the same key resumes it. */
  progressKey: string;
  batchSize: number;
  lockTimeoutMs: number;
  signal?: AbortSignal;
  onProgress?: (progress: BackfillProgress) => Promise<void> | void;
  /** A fixed batch and sleep instead of the throttle: the bench's comparison with the usual practice. */
  fixedPace?: { pauseMs: number };
}

export interface BackfillProgress {
  /** Rows written by this attempt. */
  rows: number;
  /** Rows written by every attempt, of about how many the table had when the backfill began. */
  doneRows: number;
  estimatedRows: number;
  batches: number;
  batchSize: number;
  pauseMs: number;
  lockWaits: number;
  rowsPerSecond: number;
  elapsedMs: number;
  pressure: string[];
  /** Rows done by earlier attempts, when this one resumed. */
  resumedAfterRows: number;
}

interface ProgressRow {
  lower_key: string | null;
  upper_key: string | null;
  /** The first key of the next batch; NULL once the range is done. */
  next_key: string | null;
  rows: string;
  batches: number;
}

const progressTable = `${quoteIdent(helperSchema)}.backfills`;
const reportEveryMs = 1000;

export async function backfill(url: string, sync: ColumnSync, options: BackfillOptions): Promise<BackfillProgress> {
  return withClient(url, async (client) => {
    await ensureHelperSchema(client);
    const key = await primaryKey(client, sync.table);
    const start = await startingPoint(client, sync, key, options.progressKey);
    const estimatedRows = await rowEstimate(client, sync.table);
    const backfillPid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    const probe = await startProbe(url, {
      table: sync.table,
      key,
      estimatedRows,
      backfillPid,
    });
    const began = Date.now();
    const limits = defaultThrottleLimits(options.batchSize);
    let throttle: ThrottleState = { batchSize: options.batchSize, pauseRatio: limits.minPauseRatio };
    const progress: BackfillProgress = {
      rows: 0,
      doneRows: start.rows,
      // 0: unknown (a table never analyzed): the progress says rows, not a share.
      estimatedRows: estimatedRows > 0 ? Math.max(estimatedRows, start.rows) : 0,
      batches: start.batches,
      batchSize: throttle.batchSize,
      pauseMs: 0,
      lockWaits: 0,
      rowsPerSecond: 0,
      elapsedMs: 0,
      pressure: [],
      resumedAfterRows: start.rows,
    };
    let lastReport = 0;
    try {
      await client.query(`SET lock_timeout = '${options.lockTimeoutMs}ms'`);
      let next = start.next;
      while (next !== null) {
        if (options.signal?.aborted)
          throw new EffectError(`stopped at key ${keyShown(next, key.type)}; the next attempt resumes there`, true);
        probe.beginBatch();
        const batchStarted = Date.now();
        const done = await batchWithRetries(
          client,
          sync,
          key,
          options,
          { from: next, upper: start.upper, rows: throttle.batchSize },
          progress,
        );
        const signals = probe.endBatch(Date.now() - batchStarted);
        const decision = options.fixedPace
          ? { ...throttle, pauseMs: options.fixedPace.pauseMs, pressure: [] }
          : nextThrottle(throttle, signals, limits);
        throttle = decision;
        next = done.next;
        Object.assign(progress, {
          rows: progress.rows + done.rows,
          doneRows: progress.doneRows + done.rows,
          estimatedRows:
            progress.estimatedRows > 0 ? Math.max(progress.estimatedRows, progress.doneRows + done.rows) : 0,
          batches: progress.batches + 1,
          batchSize: decision.batchSize,
          pauseMs: decision.pauseMs,
          pressure: decision.pressure.length ? decision.pressure : progress.pressure,
          elapsedMs: Date.now() - began,
        });
        progress.rowsPerSecond = Math.round(progress.rows / Math.max(0.001, progress.elapsedMs / 1000));
        if (Date.now() - lastReport >= reportEveryMs && options.onProgress) {
          lastReport = Date.now();
          await options.onProgress({ ...progress });
        }
        if (decision.pauseMs > 0) await sleep(decision.pauseMs, options.signal);
      }
      await client.query(`UPDATE ${progressTable} SET finished_at = coalesce(finished_at, now()) WHERE key = $1`, [
        options.progressKey,
      ]);
      return { ...progress, elapsedMs: Date.now() - began };
    } finally {
      await probe.stop();
    }
  });
}

interface StartingPoint {
  lower: string;
  upper: string;
  next: string | null;
  rows: number;
  batches: number;
}

/** About how many rows the table has (the planner's count: a count(*) would read the whole table). */
async function rowEstimate(client: pg.ClientBase, table: string): Promise<number> {
  const { rows } = await client.query<{ n: number }>(
    'SELECT greatest(reltuples, 0)::float8 AS n FROM pg_class WHERE oid = to_regclass($1)',
    [quoteTable(table)],
  );
  return Math.round(rows[0]?.n ?? 0);
}

/** The progress row: created with the key range frozen at first start, read as it is on a resume. */
async function startingPoint(client: pg.ClientBase, sync: ColumnSync, key: TableKey, progressKey: string) {
  await client.query(
    `INSERT INTO ${progressTable} (key, table_name, lower_key, upper_key, next_key)
     SELECT $1, $2, lower, upper, lower FROM (${keyBoundsSql(sync.table, key)}) AS bounds
     ON CONFLICT (key) DO NOTHING`,
    [progressKey, sync.table],
  );
  const { rows } = await client.query<ProgressRow & { table_name: string }>(
    `SELECT table_name, lower_key, upper_key, next_key, rows, batches FROM ${progressTable}
      WHERE key = $1`,
    [progressKey],
  );
  const row = rows[0]!;
  if (row.table_name !== sync.table)
    throw new EffectError(
      `the backfill progress '${progressKey}' belongs to ${row.table_name}, not ${sync.table}: one key per table`,
      false,
    );
  // An empty table has no range: nothing to do.
  if (row.lower_key === null)
    return { lower: '1', upper: '0', next: null, rows: 0, batches: 0 } satisfies StartingPoint;
  return {
    lower: row.lower_key,
    upper: row.upper_key!,
    next: row.next_key,
    rows: Number(row.rows),
    batches: row.batches,
  } satisfies StartingPoint;
}

/** The next `rows` rows by key from `from`, never past the frozen `upper`. */
interface Batch {
  from: string;
  upper: string;
  rows: number;
}

/** One batch, retried when a row lock held by the application outlasts lock_timeout. */
async function batchWithRetries(
  client: pg.ClientBase,
  sync: ColumnSync,
  key: TableKey,
  options: BackfillOptions,
  range: Batch,
  progress: BackfillProgress,
): Promise<{ rows: number; next: string | null }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await batch(client, sync, key, options.progressKey, range);
    } catch (error) {
      // A value the transform cannot convert (class 22, or 23 from a domain's CHECK) will not convert
      // on a retry either. The check run shows the error to every reader of the repository: its
      // SQLSTATE, never its text, which may quote the value.
      const code = (error as { code?: string }).code;
      if (code?.startsWith('22') || code?.startsWith('23'))
        throw new EffectError(
          `${sync.using} fails for a row with ${key.name} in the ${range.rows} rows from ` +
            `${keyShown(range.from, key.type)}: ${sqlStateShown(code)} (onInvalid: ${sync.onInvalid.mode}; null or ` +
            `keep-text-in <column> would let it through)`,
          false,
        );
      // Any other error reaches the check run through applyPostgres, which masks what it quotes.
      if (!isLockTimeout(error) || attempt >= 20 || options.signal?.aborted) throw error;
      progress.lockWaits++;
      await sleep(pauseBefore(attempt), options.signal);
    }
  }
}

/**
 * The batch and its checkpoint in one statement, hence one transaction. Its bounds are found first
 * (an index-only walk of `rows` + 1 entries), so the UPDATE is one plain index range; the checkpoint
 * moves to the key after it, or to NULL when the range is done.
 */
async function batch(
  client: pg.ClientBase,
  sync: ColumnSync,
  key: TableKey,
  progressKey: string,
  range: Batch,
): Promise<{ rows: number; next: string | null }> {
  const k = quoteIdent(key.name);
  const keep =
    sync.onInvalid.mode === 'keep-text'
      ? `, ${quoteIdent(sync.onInvalid.column)} = CASE WHEN ${quoteIdent(sync.from)} IS NOT NULL AND ` +
        `${transformCall(sync, quoteIdent(sync.from))} IS NULL THEN ${quoteIdent(sync.from)} END`
      : '';
  const table = quoteTable(sync.table);
  const { rows } = await client.query<{ rows: string; next: string | null }>(
    `/* zeroops backfill */ WITH ${nextKeysCte(sync.table, key, { from: 1, upper: 2, rows: 3 })},
     moved AS (
       UPDATE ${table} SET ${quoteIdent(sync.to)} =
         ${transformCall(sync, quoteIdent(sync.from))}${keep}
        WHERE ${k} >= ${keyParam(key, 1)} AND ${k} <= (SELECT last FROM bound) RETURNING 1)
     UPDATE ${progressTable}
        SET next_key = (SELECT next::text FROM bound),
            rows = rows + (SELECT count(*) FROM moved), batches = batches + 1
      WHERE key = $4 AND next_key = $1::text
     RETURNING next_key AS next, (SELECT count(*) FROM moved) AS rows`,
    [range.from, range.upper, range.rows, progressKey],
  );
  if (rows.length === 0)
    throw new EffectError(
      `the backfill's checkpoint moved under it (another attempt at ${keyShown(range.from, key.type)}?)`,
      true,
    );
  return { rows: Number(rows[0]!.rows), next: rows[0]!.next };
}
