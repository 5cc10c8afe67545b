/**
 * DDL that never queues the application behind it: each attempt runs with a short lock_timeout, and
 * one that times out is rolled back and retried with a growing, jittered pause, a bounded number of
 * times. While an attempt waits, the session it waits for is looked up (pg_blocking_pids) so the
 * run's evidence names it.
 */
import type pg from 'pg';
import { EffectError } from '../../engine/ports.js';
import { runErrorShown } from '../value-shape.js';
import { isLockTimeout, maskedStatement, sleep, withClient } from './sessions.js';

export interface Blocker {
  pid: number;
  state: string;
  application: string;
  transactionSeconds: number;
  statement: string;
}

export interface LockWait {
  attempt: number;
  blockers: Blocker[];
}

export interface DdlOutcome {
  attempts: number;
  waits: LockWait[];
  /** How long the successful attempt's transaction took, locks included. */
  tookMs: number;
}

export interface DdlOptions {
  lockTimeoutMs: number;
  /** Per statement (default 60 s); a validation that scans a big table needs more. */
  statementTimeoutMs?: number;
  /** CREATE/DROP INDEX CONCURRENTLY cannot run in a transaction block: one statement, on its own. */
  outsideTransaction?: boolean;
  maxAttempts?: number;
  signal?: AbortSignal;
}

/** GitLab's ladder runs for 40 minutes and ends without a timeout; this one stays short and gives up. */
const defaultMaxAttempts = 30;
const firstPauseMs = 100;
const maxPauseMs = 2000;

export async function runDdl(url: string, statements: string[], options: DdlOptions): Promise<DdlOutcome> {
  const maxAttempts = options.maxAttempts ?? defaultMaxAttempts;
  return withClient(url, (client) =>
    withClient(url, async (watcher) => {
      const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      const waits: LockWait[] = [];
      for (let attempt = 1; ; attempt++) {
        const started = Date.now();
        const look = blockersLater(watcher, pid, Math.max(50, options.lockTimeoutMs * 0.6));
        try {
          await (options.outsideTransaction ? onItsOwn : inTransaction)(client, statements, options);
          look.cancel();
          return { attempts: attempt, waits, tookMs: Date.now() - started };
        } catch (error) {
          if (!isLockTimeout(error)) {
            look.cancel();
            throw new EffectError(runErrorShown(error), isPassing(error), {
              untouched: changedNothing(error, statements, options),
            });
          }
          waits.push({ attempt, blockers: await look.result });
          if (attempt >= maxAttempts || options.signal?.aborted)
            throw new EffectError(`gave up after ${attempt} lock waits: ${describeWait(waits.at(-1)!)}`, true, {
              untouched: changedNothing(error, statements, options),
            });
          await sleep(pauseBefore(attempt), options.signal);
        }
      }
    }),
  );
}

/** A lost connection or a server restart may pass; a statement PostgreSQL rejected will not. */
export const isPassing = (error: unknown): boolean => {
  const code = (error as { code?: string }).code;
  return code === undefined || code.startsWith('08') || code.startsWith('57P');
};

/**
 * Whether a failed call left the database as it was: a transaction PostgreSQL rejected was rolled
 * back whole. Outside one (CONCURRENTLY commits its catalog entry, then builds), only a lone
 * statement whose name was taken (42P07) or missing (42704) before it began. A lost connection may
 * have committed.
 */
function changedNothing(error: unknown, statements: string[], options: DdlOptions): boolean {
  if (isPassing(error)) return false;
  if (!options.outsideTransaction) return true;
  const code = (error as { code?: string }).code;
  return statements.length === 1 && (code === '42P07' || code === '42704');
}

const timeouts = (options: DdlOptions, scope: 'LOCAL' | 'SESSION') => [
  // 0: no limit (a concurrent index build, whose lock blocks no one).
  `SET ${scope} lock_timeout = '${Math.max(0, Math.round(options.lockTimeoutMs))}ms'`,
  `SET ${scope} statement_timeout = '${Math.round(options.statementTimeoutMs ?? 60_000)}ms'`,
];

/**
 * One statement per query, always: the extended protocol refuses a string that holds two, so a
 * value spliced into generated SQL can never smuggle a statement of its own.
 */
const oneStatement = (client: pg.Client, text: string) =>
  client.query({ text, queryMode: 'extended' } as pg.QueryConfig); // queryMode: in pg 8.11+, not in its types yet

async function onItsOwn(client: pg.Client, statements: string[], options: DdlOptions): Promise<void> {
  for (const setting of timeouts(options, 'SESSION')) await client.query(setting);
  for (const statement of statements) await oneStatement(client, statement);
}

async function inTransaction(client: pg.Client, statements: string[], options: DdlOptions): Promise<void> {
  await client.query('BEGIN');
  try {
    for (const setting of timeouts(options, 'LOCAL')) await client.query(setting);
    for (const statement of statements) await oneStatement(client, statement);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** 100 ms growing by half each time up to 2 s, with up to 25 % jitter so retries of two runs drift apart. */
export function pauseBefore(attempt: number, random = Math.random): number {
  const base = Math.min(maxPauseMs, firstPauseMs * 1.5 ** (attempt - 1));
  return Math.round(base * (1 + 0.25 * random()));
}

/**
 * A statement over rows the application may hold, tried again with backoff when it met one: its
 * lock_timeout fired, or PostgreSQL found a deadlock and chose it (40P01). Up to 20 attempts.
 */
export async function retriedOnLocks<T>(attempt: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      const deadlock = (error as { code?: string }).code === '40P01';
      if ((!isLockTimeout(error) && !deadlock) || tries >= 20 || signal?.aborted) throw error;
      await sleep(pauseBefore(tries), signal);
    }
  }
}

/** Who the attempt waits for, looked up a little before its lock_timeout would fire. */
function blockersLater(watcher: pg.Client, pid: number, afterMs: number) {
  let timer: NodeJS.Timeout | undefined;
  const result = new Promise<Blocker[]>((resolve) => {
    timer = setTimeout(() => void blockersOf(watcher, pid).then(resolve, () => resolve([])), afterMs);
  });
  return { result, cancel: () => clearTimeout(timer) };
}

export async function blockersOf(client: pg.Client, pid: number): Promise<Blocker[]> {
  const { rows } = await client.query<{
    pid: number;
    state: string | null;
    application: string | null;
    seconds: number | null;
    query: string | null;
  }>(
    `SELECT pid, state, application_name AS application,
            extract(epoch FROM now() - xact_start)::float8 AS seconds, query
       FROM pg_stat_activity WHERE pid = ANY(pg_blocking_pids($1))`,
    [pid],
  );
  return rows.map((r) => ({
    pid: r.pid,
    state: r.state ?? 'unknown',
    application: r.application || '(no application_name)',
    transactionSeconds: Math.round((r.seconds ?? 0) * 10) / 10,
    statement: maskedStatement(r.query ?? ''),
  }));
}

export function describeWait(wait: LockWait): string {
  if (wait.blockers.length === 0)
    return `attempt ${wait.attempt} timed out waiting for a lock (the holder had gone when looked up)`;
  return `attempt ${wait.attempt} waited for ${wait.blockers.map(describeBlocker).join('; ')}`;
}

export const describeBlocker = (b: Blocker): string =>
  `pid ${b.pid} (${b.application}, ${b.state}, in a transaction for ${b.transactionSeconds}s: ${b.statement})`;
