/**
 * The backfill: the new column computed from the old one in key-range batches, each one statement
 * that also moves the checkpoint (so a batch and its progress commit together: after a crash the
 * next attempt starts at the first unfinished range, never redoing one). The upper key is frozen
 * when the backfill first starts: rows inserted later are the trigger's, so it ends under any
 * insert storm. The pace is the throttle's, from what the application feels.
 */
import type pg from 'pg';
import { EffectError } from '../../engine/ports.js';
import { transformCall, type ColumnSync } from './column-sync.js';
import { helperSchema, quoteIdent, quoteTable } from './identifiers.js';
import { pauseBefore } from './lock-retry.js';
import { startProbe } from './backfill-probe.js';
import { defaultThrottleLimits, nextThrottle, type ThrottleState } from './backfill-throttle.js';
import { isLockTimeout, sleep, withClient } from './sessions.js';
import { ensureHelperSchema, integerKey } from './table-facts.js';

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
  rows: number;
  /** Keys covered so far, of all (lower..upper). */
  doneKeys: number;
  totalKeys: number;
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
  next_key: string | null;
  rows: string;
  batches: number;
}

const progressTable = `${quoteIdent(helperSchema)}.backfills`;
const reportEveryMs = 1000;

export async function backfill(url: string, sync: ColumnSync, options: BackfillOptions): Promise<BackfillProgress> {
  return withClient(url, async (client) => {
    await ensureHelperSchema(client);
    const key = await integerKey(client, sync.table);
    const start = await startingPoint(client, sync, key, options.progressKey);
    const backfillPid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    const probe = await startProbe(url, {
      table: sync.table,
      key,
      lower: start.lower,
      upper: start.upper,
      backfillPid,
    });
    const began = Date.now();
    const limits = defaultThrottleLimits(options.batchSize);
    let throttle: ThrottleState = { batchSize: options.batchSize, pauseRatio: limits.minPauseRatio };
    const progress: BackfillProgress = {
      rows: 0,
      doneKeys: start.next - start.lower,
      totalKeys: start.upper - start.lower + 1,
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
      while (next <= start.upper) {
        if (options.signal?.aborted)
          throw new EffectError(`stopped at key ${next}; the next attempt resumes there`, true);
        const until = Math.min(start.upper + 1, next + throttle.batchSize);
        probe.beginBatch();
        const batchStarted = Date.now();
        const rows = await batchWithRetries(client, sync, key, options, { from: next, until }, progress);
        const signals = probe.endBatch(Date.now() - batchStarted);
        const decision = options.fixedPace
          ? { ...throttle, pauseMs: options.fixedPace.pauseMs, pressure: [] }
          : nextThrottle(throttle, signals, limits);
        throttle = decision;
        next = until;
        Object.assign(progress, {
          rows: progress.rows + rows,
          doneKeys: next - start.lower,
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
  lower: number;
  upper: number;
  next: number;
  rows: number;
  batches: number;
}

/** The progress row: created with the key range frozen at first start, read as it is on a resume. */
async function startingPoint(client: pg.ClientBase, sync: ColumnSync, key: string, progressKey: string) {
  await client.query(
    `INSERT INTO ${progressTable} (key, table_name, lower_key, upper_key, next_key)
     SELECT $1, $2, min(${quoteIdent(key)}), max(${quoteIdent(key)}), min(${quoteIdent(key)}) FROM
       ${quoteTable(sync.table)}
     ON CONFLICT (key) DO NOTHING`,
    [progressKey, sync.table],
  );
  const { rows } = await client.query<ProgressRow>(
    `SELECT lower_key, upper_key, next_key, rows, batches FROM ${progressTable} WHERE key = $1`,
    [progressKey],
  );
  const row = rows[0]!;
  if (row.lower_key === null) return { lower: 1, upper: 0, next: 1, rows: 0, batches: 0 } satisfies StartingPoint;
  return {
    lower: Number(row.lower_key),
    upper: Number(row.upper_key),
    next: Number(row.next_key),
    rows: Number(row.rows),
    batches: row.batches,
  } satisfies StartingPoint;
}

/** One range, retried when a row lock held by the application outlasts lock_timeout. */
async function batchWithRetries(
  client: pg.ClientBase,
  sync: ColumnSync,
  key: string,
  options: BackfillOptions,
  range: { from: number; until: number },
  progress: BackfillProgress,
): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await batch(client, sync, key, options.progressKey, range);
    } catch (error) {
      // A value the transform cannot convert (class 22) will not convert on a retry either.
      if ((error as { code?: string }).code?.startsWith('22'))
        throw new EffectError(
          `${sync.using} fails for a row with ${key} in [${range.from}, ${range.until}): ` +
            `${(error as Error).message} (onInvalid: ${sync.onInvalid.mode}; null or keep-text-in <column> would ` +
            `let it through)`,
          false,
        );
      if (!isLockTimeout(error) || attempt >= 20 || options.signal?.aborted) throw error;
      progress.lockWaits++;
      await sleep(pauseBefore(attempt), options.signal);
    }
  }
}

/** The batch and its checkpoint in one statement, hence one transaction. */
async function batch(
  client: pg.ClientBase,
  sync: ColumnSync,
  key: string,
  progressKey: string,
  range: { from: number; until: number },
): Promise<number> {
  const k = quoteIdent(key);
  const keep =
    sync.onInvalid.mode === 'keep-text'
      ? `, ${quoteIdent(sync.onInvalid.column)} = CASE WHEN ${quoteIdent(sync.from)} IS NOT NULL AND ` +
        `${transformCall(sync, quoteIdent(sync.from))} IS NULL THEN ${quoteIdent(sync.from)} END`
      : '';
  const { rows } = await client.query<{ rows: string }>(
    `/* zeroops backfill */ WITH moved AS (
       UPDATE ${quoteTable(sync.table)} SET ${quoteIdent(sync.to)} =
         ${transformCall(sync, quoteIdent(sync.from))}${keep}
        WHERE ${k} >= $1 AND ${k} < $2 RETURNING 1)
     UPDATE ${progressTable} SET next_key = $2, rows = rows + (SELECT count(*) FROM moved), batches = batches + 1
      WHERE key = $3 AND next_key = $1
     RETURNING (SELECT count(*) FROM moved) AS rows`,
    [range.from, range.until, progressKey],
  );
  if (rows.length === 0)
    throw new EffectError(`the backfill's checkpoint moved under it (another attempt at ${range.from}?)`, true);
  return Number(rows[0]!.rows);
}
