/**
 * MySQL DDL that never queues the application behind it for long: each attempt waits at most
 * lock_wait_timeout (whole seconds in MySQL) for the table's metadata lock, and one that times out
 * is retried after a growing, jittered pause, a bounded number of times. A wait names the open
 * transactions that held the table (INNODB_TRX), so the run's evidence says who it waited for.
 */
import { EffectError } from '../../engine/ports.js';
import { runErrorShown } from '../value-shape.js';
import { maskedStatement } from '../postgres/sessions.js';
import { firstRow, isLockWaitTimeout, rowsOf, sleep, withConnection, type Connection } from './sessions.js';

export interface MysqlBlocker {
  session: number;
  user: string;
  transactionSeconds: number;
  statement: string;
}

export interface MysqlLockWait {
  attempt: number;
  blockers: MysqlBlocker[];
}

export interface MysqlDdlOutcome {
  attempts: number;
  waits: MysqlLockWait[];
  tookMs: number;
}

const defaultMaxAttempts = 30;
const firstPauseMs = 100;
const maxPauseMs = 2000;

/** MySQL counts lock waits in whole seconds: a 200 ms budget becomes 1 s. */
export const lockWaitSeconds = (seconds: number | undefined) => Math.max(1, Math.ceil(seconds ?? 1));

export async function runMysqlDdl(
  url: string,
  statements: string[],
  options: { lockWaitSeconds: number; maxAttempts?: number; signal?: AbortSignal },
): Promise<MysqlDdlOutcome> {
  const maxAttempts = options.maxAttempts ?? defaultMaxAttempts;
  return withConnection(url, (connection) =>
    withConnection(url, async (watcher) => {
      await connection.query(`SET SESSION lock_wait_timeout = ${options.lockWaitSeconds}`);
      const { id } = await firstRow<{ id: number }>(connection, 'SELECT CONNECTION_ID() AS id');
      const waits: MysqlLockWait[] = [];
      for (let attempt = 1; ; attempt++) {
        const started = Date.now();
        try {
          for (const statement of statements) await connection.query(statement);
          return { attempts: attempt, waits, tookMs: Date.now() - started };
        } catch (error) {
          // One statement the server answered with an error changed nothing (DDL is atomic since MariaDB 10.6 and
          // MySQL 8.0; a server that died mid-statement answers nothing); of several, the first ran.
          const untouched = statements.length === 1 && serverRefused(error);
          if (!isLockWaitTimeout(error)) throw new EffectError(runErrorShown(error), false, { untouched });
          waits.push({ attempt, blockers: await openTransactions(watcher, id) });
          if (attempt >= maxAttempts)
            throw new EffectError(
              `gave up after ${attempt} attempts of ${options.lockWaitSeconds} s: ${describeMysqlWait(waits.at(-1)!)}`,
              true,
              { untouched },
            );
          const pause = Math.min(maxPauseMs, firstPauseMs * 2 ** (attempt - 1));
          await sleep(pause / 2 + Math.random() * (pause / 2), options.signal);
        }
      }
    }),
  );
}

/** An error the server answered with, SQLSTATE and all (mysql2 marks a lost connection `fatal`: it may have run). */
const serverRefused = (error: unknown): boolean => {
  const { sqlState, fatal } = error as { sqlState?: string; fatal?: boolean };
  return typeof sqlState === 'string' && fatal !== true;
};

/** Open transactions other than ours, oldest first: the likely holders of a table's metadata lock. */
async function openTransactions(watcher: Connection, own: number): Promise<MysqlBlocker[]> {
  const rows = await rowsOf<{ session: number; user: string; seconds: number; statement: string | null }>(
    watcher,
    `SELECT p.ID AS session, p.USER AS user, TIMESTAMPDIFF(SECOND, t.trx_started, NOW()) AS seconds,
            COALESCE(t.trx_query, p.INFO) AS statement
       FROM information_schema.INNODB_TRX t JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id
      WHERE p.ID NOT IN (?, CONNECTION_ID()) ORDER BY t.trx_started LIMIT 3`,
    [own],
  );
  return rows.map((r) => ({
    session: Number(r.session),
    user: r.user,
    transactionSeconds: Number(r.seconds),
    statement: r.statement ? maskedStatement(r.statement) : '(idle in transaction)',
  }));
}

export function describeMysqlWait(wait: MysqlLockWait): string {
  if (wait.blockers.length === 0) return `attempt ${wait.attempt} waited for the table's lock`;
  return (
    `attempt ${wait.attempt} waited behind ` +
    wait.blockers
      .map((b) => `session ${b.session} (${b.user}, transaction open ${b.transactionSeconds} s: ${b.statement})`)
      .join(', ')
  );
}
