/** Connections to a changed database: named `zeroops` in pg_stat_activity, closed whatever happens. */
import pg from 'pg';

export const applicationName = 'zeroops';

/**
 * Row-level security off: a policy that would hide rows from ZeroOps then fails its statement rather
 * than let a backfill, a verification or a snapshot pass over what it saw. No statement timeout
 * inherited from the database or the role: a verification or a snapshot takes as long as the table
 * needs (DDL and the preflight set their own).
 */
const sessionSettings = '-c row_security=off -c statement_timeout=0';

export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({
    connectionString: url,
    application_name: applicationName,
    connectionTimeoutMillis: 5000,
    options: sessionSettings,
  });
  const cause = lossReason(client); // a dropped connection fails the query in flight; the step decides
  await client.connect();
  try {
    return await work(client);
  } catch (error) {
    throw cause(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Listens for the connection's loss (unheard, it would crash the process) and keeps its reason: a
 * query sent after it fails with node-pg's "not queryable", which hides why (a restart, a DBA's
 * pg_terminate_backend). The returned function gives that reason, with its SQLSTATE, instead.
 */
export function lossReason(client: pg.Client): (error: unknown) => unknown {
  let lost: unknown;
  client.on('error', (error) => void (lost ??= error));
  return (error) => (lost !== undefined && /not queryable/.test((error as Error)?.message ?? '') ? lost : error);
}

/** SQLSTATE 55P03: lock_timeout fired (a DDL or a row lock waited too long). */
export const isLockTimeout = (error: unknown): boolean => (error as { code?: string }).code === '55P03';

export const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });

/** A statement as evidence: literals masked (they may hold personal data or secrets), one line, short. */
export function maskedStatement(sql: string, max = 90): string {
  const masked = sql
    .replace(/'(?:[^']|'')*'/g, "'…'")
    .replace(/\b\d+(?:\.\d+)?\b/g, 'N')
    .replace(/\s+/g, ' ')
    .trim();
  return masked.length > max ? `${masked.slice(0, max - 1)}…` : masked;
}
