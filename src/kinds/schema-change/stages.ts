/**
 * The staged expand/contract flows a destructive change becomes. Each stage is a step with its own
 * inverse; the irreversible drop waits for a person and keeps a snapshot to restore from.
 */
import { columnInSql, retiredName } from './sql-names.js';
import { formatDuration } from '../../manifest/units.js';
import type { Gate, PlanStep } from '../../plan/types.js';
import { action, step } from '../kind.js';
import { quoteIdent, quoteTable } from '../../providers/postgres/identifiers.js';
import type { InvalidPolicy } from '../../providers/postgres/column-sync.js';

export interface StageOptions {
  database: string;
  batchSize: number;
  observeSeconds: number;
  lockTimeoutSeconds: number;
  /** How long pg_stat_statements is watched to say whether a column is still used. */
  readersWindowSeconds: number;
  gates: Gate[];
}

/** A rename held while the old column is still used is looked at again this many times (about a minute apart). */
const heldRetries = 24 * 60;

export interface ColumnReplacement {
  table: string;
  from: string;
  to: string;
  /** SQL type of the new column; undefined copies the old column's type (a rename). */
  type?: string;
  /** Expression computing the new value from the old column; defaults to the old column itself. */
  using?: string;
  /** What a value the transform cannot convert becomes (default: the change fails). */
  onInvalid?: InvalidPolicy;
}

/** A statement in a step's title: one line, at most 80 characters. */
export const oneLine = (sql: string) =>
  sql.length > 80 ? `${sql.slice(0, 77).replace(/\s+/g, ' ')}...` : sql.replace(/\s+/g, ' ');

/** Stages of one statement among several: ids prefixed, and the approval commands that name them too. */
export const withPrefix = (stages: PlanStep[], prefix: string): PlanStep[] =>
  stages.map((s) => ({
    ...s,
    id: `${prefix}${s.id}`,
    ...(s.approval ? { approval: s.approval.replace(`approve-step ${s.id}`, `approve-step ${prefix}${s.id}`) } : {}),
  }));

const pg = (operation: string, params: Record<string, unknown>) => action('postgres', operation, params);

export function replaceColumnStages(change: ColumnReplacement, o: StageOptions): PlanStep[] {
  const { table, from, to } = change;
  const db = { database: o.database, table, lockTimeoutSeconds: o.lockTimeoutSeconds };
  const type = change.type ?? `(type of ${from})`;
  const using = change.using ?? columnInSql(from);
  const onInvalid = change.onInvalid ?? { mode: 'fail' };
  const keepText = onInvalid.mode === 'keep-text' ? onInvalid.column : undefined;
  const sync = { ...db, from, to, type: change.type ?? null, using, onInvalid };
  return [
    step({
      id: 'expand-add-column',
      title: `Expand: add column ${to} ${type}${keepText ? ` (and ${keepText} text)` : ''} to ${table}`,
      action: pg('add-column', {
        ...db,
        column: to,
        type: change.type ?? null,
        copyTypeOf: change.type ? null : from,
        ...(keepText ? { alsoText: keepText } : {}),
        sql: `ALTER TABLE ${table} ADD COLUMN ${to} ${type}`,
      }),
      inverse: pg('drop-column', {
        ...db,
        column: to,
        ...(keepText ? { alsoText: keepText } : {}),
        sql: `ALTER TABLE ${table} DROP COLUMN ${to}`,
      }),
    }),
    step({
      id: 'expand-dual-write',
      title: `Expand: keep ${to} = ${using} on every write (trigger)`,
      action: pg('create-sync-trigger', sync),
      inverse: pg('drop-sync-trigger', sync),
    }),
    step({
      id: 'backfill',
      title:
        `Backfill ${to} from ${from} in key ranges, from batches of ${o.batchSize}, paced by the ` +
        `application's latency`,
      action: pg('backfill', { ...sync, batchSize: o.batchSize }),
      inverse: 'none-needed',
      timeoutSeconds: 6 * 3600,
      gates: o.gates,
    }),
    step({
      id: 'verify',
      title: `Verify: ${to} equals ${using} in every key range`,
      action: pg('verify-column', sync),
      inverse: 'none-needed',
      // A difference is final (the effect says so); a lost connection or a restarted server is not.
      timeoutSeconds: 6 * 3600,
    }),
    step({
      id: 'readers',
      title: `Readers: which statements still use ${from} (pg_stat_statements)`,
      action: pg('column-readers', { ...db, column: from, windowSeconds: o.readersWindowSeconds }),
      inverse: 'none-needed',
    }),
    step({
      id: 'switch-readers',
      title: `Switch readers: deploy the code that reads ${to}, then approve`,
      action: action('zeroops', 'await-approval', {
        reason: `the application reads ${table}.${to} instead of ${from}`,
      }),
      approval: `Confirm the application now reads ${table}.${to}: /zeroops approve-step switch-readers`,
      // Going back past the switch: what the switched code wrote into ${to} alone must not be dropped with it.
      inverse: pg('assert-no-new-writes', sync),
    }),
    ...deprecateAndDrop({ table, column: from, dropSync: sync }, o, 'contract-'),
  ];
}

export function dropColumnStages(target: { table: string; column: string }, o: StageOptions): PlanStep[] {
  return deprecateAndDrop(target, o, '');
}

function deprecateAndDrop(
  { table, column, dropSync }: { table: string; column: string; dropSync?: Record<string, unknown> },
  o: StageOptions,
  prefix: string,
): PlanStep[] {
  const db = { database: o.database, table, lockTimeoutSeconds: o.lockTimeoutSeconds };
  const deprecated = retiredName(column);
  return [
    step({
      id: `${prefix}rename-old`,
      title: `Contract: rename ${table}.${column} to ${deprecated} (stale readers fail loudly, reversibly)`,
      action: pg('rename-column', {
        ...db,
        column,
        newName: deprecated,
        unlessUsedWithinSeconds: o.readersWindowSeconds,
        ...(dropSync ? { dropSync } : {}),
        sql: `ALTER TABLE ${table} RENAME COLUMN ${column} TO ${deprecated}`,
      }),
      retries: heldRetries,
      inverse: pg('rename-column', {
        ...db,
        column: deprecated,
        newName: column,
        sql: `ALTER TABLE ${table} RENAME COLUMN ${deprecated} TO ${column}`,
      }),
      gates: o.gates,
    }),
    step({
      id: `${prefix}observe`,
      title: `Observe ${formatDuration(o.observeSeconds)}: the gates hold while ${deprecated} waits`,
      action: pg('column-readers', { ...db, column: deprecated, windowSeconds: o.readersWindowSeconds }),
      inverse: 'none-needed',
      gates: o.gates,
      waitSeconds: o.observeSeconds,
    }),
    step({
      id: `${prefix}confirm-unused`,
      title: `Confirm no statement used ${deprecated} (pg_stat_statements)`,
      action: pg('assert-column-unused', { ...db, column: deprecated, windowSeconds: o.readersWindowSeconds }),
      inverse: 'none-needed',
    }),
    step({
      id: `${prefix}snapshot`,
      title: `Snapshot (primary key, ${deprecated}) so the drop can be undone`,
      action: pg('snapshot-column', { ...db, column: deprecated }),
      inverse: 'none-needed',
      timeoutSeconds: 6 * 3600,
    }),
    step({
      id: `${prefix}drop-old`,
      title: `Contract: drop ${table}.${deprecated}`,
      action: pg('drop-column', {
        ...db,
        column: deprecated,
        ...(dropSync ? { dropSync } : {}),
        sql: `ALTER TABLE ${table} DROP COLUMN ${deprecated}`,
      }),
      inverse: pg('restore-column-snapshot', { ...db, column: deprecated }),
      approval: `The drop is the last stage: /zeroops approve-step ${prefix}drop-old`,
      retries: 0,
    }),
  ];
}

export function dropTableStages(table: string, o: StageOptions, prefix = ''): PlanStep[] {
  const deprecated = retiredName(table);
  const db = { database: o.database, lockTimeoutSeconds: o.lockTimeoutSeconds };
  return [
    step({
      id: `${prefix}rename-table`,
      title: `Rename table ${table} to ${deprecated}`,
      action: pg('rename-table', {
        ...db,
        table,
        newName: deprecated,
        unlessUsedWithinSeconds: o.readersWindowSeconds,
        sql: `ALTER TABLE ${table} RENAME TO ${deprecated}`,
      }),
      retries: heldRetries,
      inverse: pg('rename-table', {
        ...db,
        table: deprecated,
        newName: table,
        sql: `ALTER TABLE ${deprecated} RENAME TO ${table}`,
      }),
      gates: o.gates,
    }),
    step({
      id: `${prefix}observe`,
      title: `Observe ${formatDuration(o.observeSeconds)}: the gates hold while ${deprecated} waits`,
      action: pg('assert-table-unused', { ...db, table: deprecated, windowSeconds: o.readersWindowSeconds }),
      inverse: 'none-needed',
      gates: o.gates,
      waitSeconds: o.observeSeconds,
    }),
    step({
      id: `${prefix}confirm-unused`,
      title: `Confirm no statement used ${deprecated} (pg_stat_statements)`,
      action: pg('assert-table-unused', { ...db, table: deprecated, windowSeconds: o.readersWindowSeconds }),
      inverse: 'none-needed',
    }),
    step({
      id: `${prefix}drop-table`,
      title: `Drop table ${deprecated}`,
      action: pg('drop-table', { ...db, table: deprecated, sql: `DROP TABLE ${deprecated}` }),
      approval: `Dropping a table cannot be undone: /zeroops approve-step ${prefix}drop-table`,
      retries: 0,
    }),
  ];
}

/**
 * SET NOT NULL without the long lock: a NOT VALID check first (brief lock), validated while reads
 * and writes go on, after which SET NOT NULL needs no scan (PostgreSQL 12+), and the check goes.
 */
export function setNotNullStages(target: { table: string; column: string }, o: StageOptions): PlanStep[] {
  const check = quoteIdent(`${target.column}_not_null`.slice(0, 63));
  const table = quoteTable(target.table);
  const column = quoteIdent(target.column);
  const run = (sql: string, extra: Record<string, unknown> = {}) =>
    pg('execute', {
      database: o.database,
      table: target.table,
      lockTimeoutSeconds: o.lockTimeoutSeconds,
      sql,
      ...extra,
    });
  return [
    step({
      id: 'add-not-null-check',
      title: `Add CHECK (${column} IS NOT NULL) NOT VALID to ${table} (brief lock, no scan)`,
      action: run(`ALTER TABLE ${table} ADD CONSTRAINT ${check} CHECK (${column} IS NOT NULL) NOT VALID`),
      inverse: run(`ALTER TABLE ${table} DROP CONSTRAINT IF EXISTS ${check}`),
    }),
    step({
      id: 'validate-not-null',
      title: `Validate it: every row is scanned while reads and writes go on`,
      action: run(`ALTER TABLE ${table} VALIDATE CONSTRAINT ${check}`, { statementTimeoutSeconds: 6 * 3600 }),
      inverse: 'none-needed',
      timeoutSeconds: 6 * 3600,
      gates: o.gates,
    }),
    step({
      id: 'set-not-null',
      title: `SET NOT NULL on ${table}.${column} (the valid check spares the scan)`,
      action: run(`ALTER TABLE ${table} ALTER COLUMN ${column} SET NOT NULL`),
      inverse: run(`ALTER TABLE ${table} ALTER COLUMN ${column} DROP NOT NULL`),
    }),
    step({
      id: 'drop-not-null-check',
      title: `Drop the check, now redundant`,
      action: run(`ALTER TABLE ${table} DROP CONSTRAINT IF EXISTS ${check}`),
      inverse: 'none-needed',
    }),
  ];
}
