/**
 * The `postgres` provider: every SchemaChange stage as an idempotent operation on the database the
 * run's config names. DDL goes through the lock-timeout ladder; long work reports its progress; each
 * result carries a one-line `summary` for the check run and the details as evidence.
 */
import { EffectError, type EffectContext, type EffectResult } from '../../engine/ports.js';
import { backfill, type BackfillProgress } from './backfill.js';
import { columnReaders, describeReaders } from './column-readers.js';
import { restoreColumn, snapshotColumn } from './column-snapshot.js';
import {
  dropSyncTrigger,
  dropTransform,
  syncTrigger,
  transformFunction,
  transformName,
  type ColumnSync,
  type InvalidPolicy,
} from './column-sync.js';
import { databaseUrl } from './database-url.js';
import { runErrorShown } from '../value-shape.js';
import { dropIndex, restoreIndex } from './dropped-index.js';
import { helperSchema, quoteIdent, quoteTable, withoutLeadingComments } from './identifiers.js';
import { describeWait, runDdl, type DdlOutcome } from './lock-retry.js';
import { withClient } from './sessions.js';
import { verifyColumn } from './verify-column.js';
import { columnType, ensureHelperSchema } from './table-facts.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Params = Record<string, any>;
type Handler = (params: Params, context: EffectContext, url: string) => Promise<EffectResult>;

const ms = (params: Params) => Math.round((params.lockTimeoutSeconds ?? 0.2) * 1000);

/** The operations, by name: what the plan's `postgres` actions call. */
export const postgresOperations: Record<string, Handler> = {
  'add-column': async (p, { signal, run }, url) => {
    const type = p.type ?? (await withClient(url, (c) => columnType(c, p.table, p.copyTypeOf)));
    if (!type) throw new EffectError(`${p.table}.${p.copyTypeOf} does not exist: nothing to copy the type of`, false);
    const columns: string[] = [p.column, ...(p.alsoText ? [p.alsoText] : [])];
    // A column that is already there and not this run's is somebody's data: never taken over (nor dropped on rollback).
    const mark = `zeroops run ${run.id}`;
    const taken = await withClient(url, async (c) => {
      for (const column of columns) {
        if ((await columnType(c, p.table, column)) === undefined) continue;
        const { rows } = await c.query<{ note: string | null }>(
          `SELECT col_description(to_regclass($1), attnum) AS note FROM pg_attribute WHERE attrelid = ` +
            `to_regclass($1) AND attname = $2`,
          [quoteTable(p.table), column],
        );
        if (rows[0]?.note !== mark) return column;
      }
      return undefined;
    });
    if (taken)
      throw new EffectError(
        `${p.table}.${taken} already exists and ZeroOps did not add it: choose another name`,
        false,
        {
          untouched: true,
        },
      );
    const ddl = await runDdl(
      url,
      columns.flatMap((c, i) => [
        `ALTER TABLE ${quoteTable(p.table)} ADD COLUMN IF NOT EXISTS ${quoteIdent(c)} ${i === 0 ? type : 'text'}`,
        `COMMENT ON COLUMN ${quoteTable(p.table)}.${quoteIdent(c)} IS ${literal(mark)}`,
      ]),
      { lockTimeoutMs: ms(p), signal },
    );
    return ddlResult(`added ${columns.join(', ')} to ${p.table}`, ddl);
  },
  'drop-column': async (p, { signal }, url) => {
    const columns = [p.column, ...(p.alsoText ? [p.alsoText] : [])];
    // The replacement's last step: its transform goes with the old column.
    const transform = p.dropSync ? [dropTransform(p.dropSync as ColumnSync)] : [];
    const ddl = await runDdl(
      url,
      [
        ...columns.map((c) => `ALTER TABLE ${quoteTable(p.table)} DROP COLUMN IF EXISTS ${quoteIdent(c)}`),
        ...transform,
      ],
      { lockTimeoutMs: ms(p), signal },
    );
    return ddlResult(`dropped ${columns.join(', ')} from ${p.table}`, ddl);
  },
  'create-sync-trigger': async (p, { signal }, url) => {
    const sync = await syncOf(p, url);
    const oldType = await withClient(url, async (c) => {
      await ensureHelperSchema(c);
      return columnType(c, sync.table, sync.from);
    });
    if (!oldType) throw new EffectError(`${sync.table}.${sync.from} does not exist`, false);
    const ddl = await runDdl(url, [...transformFunction(sync, oldType), ...syncTrigger(sync)], {
      lockTimeoutMs: ms(p),
      signal,
    });
    return ddlResult(`every write of ${sync.from} now sets ${sync.to}`, ddl);
  },
  'drop-sync-trigger': async (p, { signal }, url) => {
    const sync = await syncOf(p, url);
    const ddl = await runDdl(url, [...dropSyncTrigger(sync), dropTransform(sync)], { lockTimeoutMs: ms(p), signal });
    return ddlResult(`the trigger keeping ${sync.to} in step is gone`, ddl);
  },
  backfill: async (p, context, url) => {
    const sync = await syncOf(p, url);
    const done = await backfill(url, sync, {
      progressKey: `${context.run.id}/${context.step}`,
      batchSize: p.batchSize,
      lockTimeoutMs: ms(p),
      signal: context.signal,
      onProgress: (progress) => context.progress?.(describeBackfill(progress, false)),
    });
    return { output: { summary: describeBackfill(done, true), ...done } };
  },
  'verify-column': async (p, { signal }, url) => {
    const sync = await syncOf(p, url);
    const found = await verifyColumn(url, sync, signal);
    if (found.mismatches > 0) {
      const first = found.mismatchedRanges[0]!;
      throw new EffectError(
        `${found.mismatches} of ${found.rows} rows differ between ${sync.to} and ${sync.using}, e.g. keys ` +
          first.keys.join(', ') +
          (found.listMismatches ? ` (by their shape; to list them: ${found.listMismatches})` : ''),
        false,
      );
    }
    const summary =
      `${found.rows.toLocaleString('en-US')} rows in ${found.ranges} key ranges match, checked in ` +
      `${(found.tookMs / 1000).toFixed(1)}s`;
    return { output: { summary, ...found } };
  },
  'assert-no-new-writes': async (p, { signal }, url) => {
    const sync = await syncOf(p, url);
    const [oldType, newType, transformThere] = await withClient(url, (c) =>
      Promise.all([
        columnType(c, p.table, p.from),
        columnType(c, p.table, p.to),
        c
          .query(`SELECT 1 FROM pg_proc WHERE proname = $1 AND pronamespace = to_regnamespace($2)`, [
            transformName(sync),
            helperSchema,
          ])
          .then((r) => r.rows.length > 0),
      ]),
    );
    if (!oldType || !newType)
      return { output: { summary: `${p.table} no longer has both ${p.from} and ${p.to}: nothing to compare` } };
    // The transform goes with the old column at the end: made again here if a later undo brought that back.
    if (!transformThere) await runDdl(url, transformFunction(sync, oldType), { lockTimeoutMs: ms(p), signal });
    const found = await verifyColumn(url, sync, signal, { writtenOnly: true });
    if (found.mismatches > 0)
      throw new EffectError(
        `${found.mismatches} row(s) hold a ${sync.to} that ${sync.using} does not give from ${sync.from}, e.g. keys ` +
          found.mismatchedRanges[0]!.keys.join(', ') +
          (found.listMismatches ? ` (by their shape; to list them: ${found.listMismatches})` : '') +
          `: written into ${sync.to} alone, after the switch. Going back would drop them with ${sync.to}, so ` +
          `the rollback stops here with both columns in place: copy those values into ${sync.from} (or move the ` +
          'application back to it), then roll back again',
        false,
      );
    return {
      output: {
        summary:
          `every ${sync.to} of ${found.rows.toLocaleString('en-US')} rows is ${sync.using} or empty: nothing ` +
          'written to it alone',
      },
    };
  },
  'column-readers': async (p, { signal }, url) => {
    const found = await columnReaders(url, { table: p.table, column: p.column }, p.windowSeconds ?? 30, signal);
    return { output: { summary: `${p.table}.${p.column}: ${describeReaders(found)}`, ...found } };
  },
  'rename-column': async (p, { signal }, url) => {
    if (p.unlessUsedWithinSeconds !== undefined) {
      const found = await columnReaders(url, { table: p.table, column: p.column }, p.unlessUsedWithinSeconds, signal);
      if (found.readers.length > 0)
        throw new EffectError(`held: ${p.table}.${p.column} is still in use, ${describeReaders(found)}`, true, {
          untouched: true,
        });
    }
    const [old, renamed] = await withClient(url, (c) =>
      Promise.all([columnType(c, p.table, p.column), columnType(c, p.table, p.newName)]),
    );
    if (renamed && !old) return { output: { summary: `${p.table}.${p.newName} already exists: renamed before` } };
    if (renamed && old)
      throw new EffectError(
        `${p.table} has both ${p.column} and ${p.newName}: ZeroOps will not rename over a column`,
        false,
        { untouched: true },
      );
    const sync = p.dropSync ? await syncOf(p.dropSync, url) : undefined;
    const ddl = await runDdl(
      url,
      [
        ...(sync ? dropSyncTrigger(sync) : []),
        `ALTER TABLE ${quoteTable(p.table)} RENAME COLUMN ${quoteIdent(p.column)} TO ${quoteIdent(p.newName)}`,
      ],
      { lockTimeoutMs: ms(p), signal },
    );
    return ddlResult(`renamed ${p.table}.${p.column} to ${p.newName}`, ddl);
  },
  'assert-column-unused': async (p, { signal }, url) => {
    const found = await columnReaders(url, { table: p.table, column: p.column }, p.windowSeconds ?? 30, signal);
    if (found.readers.length > 0)
      throw new EffectError(`${p.table}.${p.column} is still in use: ${describeReaders(found)}`, false);
    return { output: { summary: `${p.table}.${p.column}: ${describeReaders(found)}`, ...found } };
  },
  'snapshot-column': async (p, { run }, url) => {
    const snapshot = await snapshotColumn(url, p.table, p.column, run.id);
    const summary =
      `${snapshot.rows.toLocaleString('en-US')} rows of (key, ${p.column}) kept in ` +
      `${snapshot.snapshot}, checksum equal to the table's`;
    return { output: { summary, ...snapshot } };
  },
  'restore-column-snapshot': async (p, { signal, run }, url) => {
    const restored = await restoreColumn(url, p.table, p.column, run.id, ms(p), signal);
    const rebuilt =
      (restored.rebuilt.length > 0 ? `; built again: ${restored.rebuilt.join(', ')}` : '') +
      (restored.notRebuilt.length > 0 ? `; not built again: ${restored.notRebuilt.join('; ')}` : '');
    return {
      output: {
        summary: `${p.table}.${p.column} restored from ${restored.snapshot}, checksum equal${rebuilt}`,
        ...restored,
      },
    };
  },
  'rename-table': async (p, { signal }, url) => {
    if (p.unlessUsedWithinSeconds !== undefined) {
      const found = await columnReaders(url, { table: p.table }, p.unlessUsedWithinSeconds, signal);
      if (found.readers.length > 0)
        throw new EffectError(`held: ${p.table} is still in use, ${describeReaders(found)}`, true, { untouched: true });
    }
    // A table keeps its schema when renamed: the new name is the bare one.
    const bare = String(p.newName).split('.').at(-1)!;
    const ddl = await runDdl(url, [`ALTER TABLE IF EXISTS ${quoteTable(p.table)} RENAME TO ${quoteIdent(bare)}`], {
      lockTimeoutMs: ms(p),
      signal,
    });
    return ddlResult(`renamed ${p.table} to ${p.newName}`, ddl);
  },
  'assert-table-unused': async (p, { signal }, url) => {
    const found = await columnReaders(url, { table: p.table }, p.windowSeconds ?? 30, signal);
    if (found.readers.length > 0) throw new EffectError(`${p.table} is still in use: ${describeReaders(found)}`, false);
    return { output: { summary: `${p.table}: ${describeReaders(found)}`, ...found } };
  },
  'drop-table': async (p, { signal }, url) => {
    const ddl = await runDdl(url, [`DROP TABLE IF EXISTS ${quoteTable(p.table)}`], { lockTimeoutMs: ms(p), signal });
    return ddlResult(`dropped ${p.table}`, ddl);
  },
  'drop-index': async (p, { signal, run }, url) => {
    const dropped = await dropIndex(url, p.index, run.id, { ifExists: p.ifExists === true, signal });
    return dropped.ddl ? ddlResult(dropped.summary, dropped.ddl) : { output: { summary: dropped.summary } };
  },
  'restore-index': async (p, { signal, run }, url) => {
    const built = await restoreIndex(url, p.index, run.id, signal);
    return built.ddl ? ddlResult(built.summary, built.ddl) : { output: { summary: built.summary } };
  },
  execute: async (p, { signal, cleanSlate }, url) => {
    // The plan says so from the parse tree; a plan made before it did starts with the keywords.
    const concurrently =
      p.concurrently === true ||
      /^(?:create\s+(?:unique\s+)?index|drop\s+index)\s+concurrently\b/i.test(withoutLeadingComments(p.sql));
    // Only an earlier attempt of this step can have built it; on a clean slate an index of that name is somebody's.
    if (concurrently && !cleanSlate && (await validIndexExists(url, p.sql, p.table)))
      return { output: { summary: 'the index exists and is valid: built before' } };
    try {
      // A concurrent build's lock blocks no read or write, and it waits for older transactions:
      // no lock_timeout for it, and hours to finish.
      const ddl = await runDdl(url, [p.sql], {
        lockTimeoutMs: concurrently ? 0 : ms(p),
        statementTimeoutMs: (concurrently ? 6 * 3600 : (p.statementTimeoutSeconds ?? 60)) * 1000,
        outsideTransaction: concurrently,
        signal,
      });
      return ddlResult('applied', ddl);
    } catch (error) {
      // A constraint an earlier attempt added (it committed, then the worker died) is done, not an error.
      if (!cleanSlate && /already exists/.test((error as Error).message) && /\badd\s+constraint\b/i.test(p.sql))
        return { output: { summary: 'the constraint exists: added before' } };
      throw error;
    }
  },
};

export async function applyPostgres(operation: string, params: Params, context: EffectContext): Promise<EffectResult> {
  const handler = postgresOperations[operation];
  if (!handler) throw new EffectError(`postgres ${operation} is not an operation of this version`, false);
  try {
    return await handler(params, context, databaseUrl(context.run.providers, params.database));
  } catch (error) {
    // The check run shows it: never a value a data exception quotes. (Any other error is retried, as before.)
    if (!(error instanceof EffectError)) throw new EffectError(runErrorShown(error), true);
    // A DDL rolled back leaves the attempt untouched only where it was the attempt's one change.
    throw error.untouched && !changeOnce.has(operation) ? error.touched() : error;
  }
}

/** Operations whose attempt changes the database in one transaction at most (their DDL, or nothing). */
const changeOnce = new Set([
  'add-column',
  'drop-column',
  'create-sync-trigger',
  'drop-sync-trigger',
  'rename-column',
  'rename-table',
  'drop-table',
  'execute',
]);

const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

async function syncOf(p: Params, url: string): Promise<ColumnSync> {
  const type = p.type ?? (await withClient(url, (c) => columnType(c, p.table, p.from)));
  return {
    table: p.table,
    from: p.from,
    to: p.to,
    type,
    using: p.using ?? p.from,
    onInvalid: (p.onInvalid as InvalidPolicy | undefined) ?? { mode: 'fail' },
  };
}

/**
 * A CREATE INDEX CONCURRENTLY that failed leaves an INVALID index behind: it is dropped before the
 * next attempt. A valid one means an earlier attempt finished.
 */
async function validIndexExists(url: string, sql: string, table: string | undefined): Promise<boolean> {
  const name = /\bindex\s+concurrently\s+(?:if\s+not\s+exists\s+)?([a-z_][a-z0-9_]*)/i.exec(sql)?.[1];
  // Leading comments stay with a statement's text: the first word after them decides.
  if (!name || !/^create\b/i.test(withoutLeadingComments(sql))) return false;
  const schema = table?.includes('.') ? `${quoteIdent(table.split('.')[0]!)}.` : '';
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ valid: boolean }>(
      'SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = to_regclass($1)',
      [`${schema}${quoteIdent(name)}`],
    );
    if (rows[0]?.valid) return true;
    if (rows[0]) await client.query(`DROP INDEX CONCURRENTLY IF EXISTS ${schema}${quoteIdent(name)}`);
    return false;
  });
}

function ddlResult(what: string, ddl: DdlOutcome): EffectResult {
  const waited = ddl.waits.length
    ? `; waited for locks ${ddl.waits.length}× and retried (${describeWait(ddl.waits.at(-1)!)})`
    : '';
  return { output: { summary: `${what} in ${ddl.tookMs}ms${waited}`, attempts: ddl.attempts, lockWaits: ddl.waits } };
}

function describeBackfill(p: BackfillProgress, finished: boolean): string {
  // The planner's row count is an estimate: a share stops at 99 % until the range is done.
  const share = p.estimatedRows > 0 ? Math.min(99, Math.floor((100 * p.doneRows) / p.estimatedRows)) : undefined;
  const remainingSeconds =
    p.rowsPerSecond > 0 ? Math.round(Math.max(0, p.estimatedRows - p.doneRows) / p.rowsPerSecond) : 0;
  return [
    finished
      ? `${p.rows.toLocaleString('en-US')} rows in ${(p.elapsedMs / 1000).toFixed(1)}s`
      : `${p.doneRows.toLocaleString('en-US')} rows` +
        (share === undefined ? '' : ` of about ${p.estimatedRows.toLocaleString('en-US')} (${share}%)`) +
        (remainingSeconds ? `, about ${remainingSeconds}s to go` : ''),
    `${p.rowsPerSecond.toLocaleString('en-US')} rows/s`,
    `batch ${p.batchSize}, pause ${p.pauseMs}ms`,
    ...(p.lockWaits ? [`${p.lockWaits} lock wait(s) retried`] : []),
    ...(p.pressure.length ? [`slowed for: ${p.pressure.join(', ')}`] : []),
    ...(p.resumedAfterRows ? [`resumed after ${p.resumedAfterRows.toLocaleString('en-US')} rows done before`] : []),
  ].join(' · ');
}
