/**
 * The `mysql` provider (MySQL and MariaDB): the SchemaChange stages as idempotent operations on the
 * database the run's config names. Metadata-only DDL goes through the lock-wait ladder; anything
 * that copies the table goes through pt-online-schema-change; each result has a one-line `summary`.
 */
import { EffectError, type EffectContext, type EffectResult } from '../../engine/ports.js';
import { databaseUrl } from '../postgres/database-url.js';
import { maskedStatement } from '../postgres/sessions.js';
import { columnNames, dropSnapshot, restoreColumn, snapshotColumn } from './column-snapshot.js';
import { describeMysqlWait, lockWaitSeconds, runMysqlDdl, type MysqlDdlOutcome } from './lock-retry.js';
import { onlineAlter, waitForEarlierCopy } from './online-alter.js';
import { firstRow, quoteName, quoteTable, rowsOf, splitTable, withConnection, type Connection } from './sessions.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Params = Record<string, any>;
type Handler = (params: Params, context: EffectContext, url: string) => Promise<EffectResult>;

/** What an online ALTER leaves behind, so a retried step sees it already happened. */
interface Expectation {
  column?: string;
  index?: string;
  present: boolean;
}

const waitOf = (p: Params) => lockWaitSeconds(p.lockTimeoutSeconds);

export const mysqlOperations: Record<string, Handler> = {
  'rename-column': async (p, { signal }, url) => {
    const columns = await withConnection(url, (c) => columnNames(c, p.table));
    if (!columns.includes(p.column) && columns.includes(p.newName))
      return done(`${p.table}.${p.column} is already ${p.newName}`);
    if (!columns.includes(p.column))
      throw new EffectError(`${p.table}.${p.column} does not exist`, false, { untouched: true });
    const ddl = await runMysqlDdl(
      url,
      [`ALTER TABLE ${quoteTable(p.table)} RENAME COLUMN ${quoteName(p.column)} TO ${quoteName(p.newName)}`],
      { lockWaitSeconds: waitOf(p), signal },
    );
    return ddlResult(`renamed ${p.table}.${p.column} to ${p.newName}`, ddl);
  },
  'online-alter': async (p, { signal, progress, cleanSlate }, url) => {
    const expectation = p.expect as Expectation | undefined;
    // A copy an earlier attempt left running ends first: then its result is what is looked at.
    await waitForEarlierCopy(url, p.table, { signal, progress });
    if (expectation && (await holds(url, p.table, expectation))) {
      // Before any attempt of this step, a column or index it adds is somebody's: never taken over, nor dropped.
      if (cleanSlate && expectation.present)
        throw new EffectError(
          `${p.table} already has ${describe(expectation)} and this run did not add it: ZeroOps never takes over ` +
            'a column or index it did not make (its rollback would drop it); give the new one another name',
          false,
          { untouched: true },
        );
      return done(`${p.table} already has ${describe(expectation)}: an earlier attempt finished`);
    }
    const outcome = await onlineAlter(
      url,
      { table: p.table, alter: p.alter, lockWaitSeconds: waitOf(p) },
      { signal, progress },
    ).catch(async (error: EffectError) => {
      // What the table shows outweighs what the tool said: a change in place was made, whatever the exit.
      throw error.untouched && expectation && (await holds(url, p.table, expectation)) ? error.touched() : error;
    });
    return {
      output: {
        summary:
          `${p.table}: ${p.alter} by copy and swap (pt-online-schema-change) ` +
          `in ${(outcome.tookMs / 1000).toFixed(1)}s` +
          `${outcome.notes.length ? `; ${outcome.notes.at(-1)}` : ''}`,
        notes: outcome.notes,
      },
    };
  },
  'snapshot-column': async (p, { progress, run }, url) => {
    const snapshot = await snapshotColumn(url, p.table, p.column, p.batchSize ?? 1000, run.id, progress);
    return {
      output: {
        summary:
          `${snapshot.reused ? 'kept the earlier ' : ''}snapshot of ${p.table}.${p.column}: ` +
          `${snapshot.rows.toLocaleString('en-US')} rows, checksum ${snapshot.checksum} equal to the table's`,
        ...snapshot,
      },
    };
  },
  'restore-column-snapshot': async (p, { signal, progress }, url) => {
    const restored = await restoreColumn(url, p.table, p.column, {
      batchSize: p.batchSize ?? 1000,
      lockWaitSeconds: waitOf(p),
      signal,
      progress,
    });
    return {
      output: {
        summary:
          `${restored.readded ? 'added back and ' : ''}restored ${p.table}.${p.column}: ` +
          `${restored.rows.toLocaleString('en-US')} rows, checksum ${restored.checksum} equal to the snapshot's` +
          (restored.rebuilt.length > 0 ? `; built again: ${restored.rebuilt.join(', ')}` : '') +
          (restored.notRebuilt.length > 0 ? `; not built again: ${restored.notRebuilt.join(', ')}` : ''),
        ...restored,
      },
    };
  },
  'drop-snapshot': async (p, _context, url) => {
    await dropSnapshot(url, p.table, p.column);
    return done(`dropped the snapshot of ${p.table}.${p.column}`);
  },
  'rename-table': async (p, { signal }, url) => {
    const [from, to] = await withConnection(url, async (c) => [
      await tableExists(c, p.table),
      await tableExists(c, p.newName),
    ]);
    if (!from && to) return done(`${p.table} is already ${p.newName}`);
    const ddl = await runMysqlDdl(url, [`RENAME TABLE ${quoteTable(p.table)} TO ${quoteTable(p.newName)}`], {
      lockWaitSeconds: waitOf(p),
      signal,
    });
    return ddlResult(`renamed table ${p.table} to ${p.newName}`, ddl);
  },
  'drop-table': async (p, { signal }, url) => {
    const ddl = await runMysqlDdl(url, [`DROP TABLE IF EXISTS ${quoteTable(p.table)}`], {
      lockWaitSeconds: waitOf(p),
      signal,
    });
    return ddlResult(`dropped table ${p.table}`, ddl);
  },
  execute: async (p, { signal }, url) => {
    const ddl = await runMysqlDdl(url, [p.sql], { lockWaitSeconds: waitOf(p), signal });
    return ddlResult(`ran ${maskedStatement(p.sql)}`, ddl);
  },
  'describe-table': async (p, _context, url) => {
    const { columns, rows } = await withConnection(url, async (c) => {
      const { schema, name } = splitTable(p.table, (await rowsOf<{ d: string }>(c, 'SELECT DATABASE() AS d'))[0]!.d);
      const [estimate] = await rowsOf<{ rows: number }>(
        c,
        'SELECT TABLE_ROWS AS `rows` FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
        [schema, name],
      );
      return { columns: await columnNames(c, p.table), rows: Number(estimate?.rows ?? 0) };
    });
    return done(`${p.table}: about ${rows.toLocaleString('en-US')} rows; columns ${columns.join(', ')}`, { columns });
  },
};

export async function applyMysql(operation: string, params: Params, context: EffectContext): Promise<EffectResult> {
  const handler = mysqlOperations[operation];
  if (!handler) throw new EffectError(`mysql ${operation} is not an operation of this version`, false);
  try {
    return await handler(params, context, databaseUrl(context.run.providers, params.database, process.env, 'mysql'));
  } catch (error) {
    // A statement refused leaves the attempt untouched only where it was the attempt's one change.
    throw error instanceof EffectError && error.untouched && !changeOnce.has(operation) ? error.touched() : error;
  }
}

/** Operations whose attempt makes one change at most: one statement, or one copy and swap. */
const changeOnce = new Set(['rename-column', 'rename-table', 'drop-table', 'execute', 'online-alter']);

const done = (summary: string, extra: Record<string, unknown> = {}): EffectResult => ({
  output: { summary, ...extra },
});

function ddlResult(what: string, ddl: MysqlDdlOutcome): EffectResult {
  const waited = ddl.waits.length
    ? `; waited for locks ${ddl.waits.length}× and retried (${describeMysqlWait(ddl.waits.at(-1)!)})`
    : '';
  return { output: { summary: `${what} in ${ddl.tookMs}ms${waited}`, attempts: ddl.attempts, lockWaits: ddl.waits } };
}

async function holds(url: string, table: string, expectation: Expectation): Promise<boolean> {
  return withConnection(url, async (c) => {
    if (expectation.column !== undefined)
      return (await columnNames(c, table)).includes(expectation.column) === expectation.present;
    const { count } = await firstRow<{ count: number }>(
      c,
      `SELECT COUNT(*) AS count FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) ` +
        'AND TABLE_NAME = ? AND INDEX_NAME = ?',
      [table.includes('.') ? table.split('.')[0] : null, table.split('.').at(-1), expectation.index],
    );
    return Number(count) > 0 === expectation.present;
  });
}

const describe = (e: Expectation) =>
  e.column !== undefined ? `${e.present ? '' : 'no '}column ${e.column}` : `${e.present ? '' : 'no '}index ${e.index}`;

async function tableExists(c: Connection, table: string): Promise<boolean> {
  const { count } = await firstRow<{ count: number }>(
    c,
    'SELECT COUNT(*) AS count FROM information_schema.TABLES ' +
      'WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ?',
    [table.includes('.') ? table.split('.')[0] : null, table.split('.').at(-1)],
  );
  return Number(count) > 0;
}
