/**
 * Connections to a MySQL or MariaDB database a run changes (mysql2), and the names in generated SQL:
 * every identifier quoted with backticks, a qualified table kept qualified.
 */
import mysql from 'mysql2/promise';

export type Connection = mysql.Connection;

export async function withConnection<T>(url: string, work: (connection: Connection) => Promise<T>): Promise<T> {
  const connection = await mysql.createConnection({
    uri: url,
    multipleStatements: false,
    // Keys above 2^53 (snowflake ids) stay exact: big numbers come back as strings.
    supportBigNumbers: true,
    bigNumberStrings: true,
  });
  try {
    return await work(connection);
  } finally {
    await connection.end().catch(() => undefined);
  }
}

export const quoteName = (name: string): string => `\`${name.replace(/`/g, '``')}\``;

/** The backtick-quoted names in text as MySQL writes it (`` `a` < `b` ``), first to last. */
export const quotedNames = (text: string): string[] =>
  [...text.matchAll(/`((?:[^`]|``)+)`/g)].map((m) => m[1]!.replace(/``/g, '`'));

/** MySQL compares column and index names without regard to case. */
export const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** `shop.t_user` stays in its database: `` `shop`.`t_user` ``. */
export const quoteTable = (table: string): string => table.split('.').map(quoteName).join('.');

/** The database a table lives in: its own qualifier, or the connection's. */
export function splitTable(table: string, connectionDatabase: string): { schema: string; name: string } {
  const [first, second] = table.split('.');
  return second === undefined ? { schema: connectionDatabase, name: first! } : { schema: first!, name: second };
}

/** Rows of a query, typed. */
export async function rowsOf<T>(connection: Connection, sql: string, values: unknown[] = []): Promise<T[]> {
  const [rows] = await connection.query(sql, values);
  return rows as T[];
}

/** MySQL's error for a lock wait that ran out (metadata lock or row lock). */
export const isLockWaitTimeout = (error: unknown): boolean =>
  ['ER_LOCK_WAIT_TIMEOUT', 'ER_LOCK_DEADLOCK'].includes((error as { code?: string }).code ?? '');

/** Unlike postgres' sleep, an abort rejects: the waiting loops here stop with the step. */
export const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(new Error('stopped: the step timed out'));
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(new Error('stopped: the step timed out'));
    });
  });

/** The one row an aggregate query returns. */
export async function firstRow<T>(connection: Connection, sql: string, values: unknown[] = []): Promise<T> {
  const [row] = await rowsOf<T>(connection, sql, values);
  if (row === undefined) throw new Error(`no row from: ${sql.slice(0, 60)}`);
  return row;
}
