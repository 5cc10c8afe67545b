/**
 * The staged expand/contract flows a destructive change becomes. Each stage is a step with its own
 * inverse; the irreversible drop waits for a person and keeps a snapshot to restore from.
 */
import type { Gate, PlanStep } from '../../plan/types.js';
import { action, step } from '../kind.js';

export interface StageOptions {
  database: string;
  batchSize: number;
  observeSeconds: number;
  lockTimeoutSeconds: number;
  gates: Gate[];
}

export interface ColumnReplacement {
  table: string;
  from: string;
  to: string;
  /** SQL type of the new column; undefined copies the old column's type (a rename). */
  type?: string;
  /** Expression computing the new value from the old column; defaults to the old column itself. */
  using?: string;
}

const pg = (operation: string, params: Record<string, unknown>) => action('postgres', operation, params);

export function replaceColumnStages(change: ColumnReplacement, o: StageOptions): PlanStep[] {
  const { table, from, to } = change;
  const db = { database: o.database, table, lockTimeoutSeconds: o.lockTimeoutSeconds };
  const type = change.type ?? `(type of ${from})`;
  const using = change.using ?? from;
  return [
    step({
      id: 'expand-add-column',
      title: `Expand: add column ${to} ${type} to ${table}`,
      action: pg('add-column', {
        ...db,
        column: to,
        type: change.type ?? null,
        copyTypeOf: change.type ? null : from,
        sql: `ALTER TABLE ${table} ADD COLUMN ${to} ${type}`,
      }),
      inverse: pg('drop-column', { ...db, column: to, sql: `ALTER TABLE ${table} DROP COLUMN ${to}` }),
    }),
    step({
      id: 'expand-dual-write',
      title: `Expand: keep ${to} = ${using} on every write (trigger)`,
      action: pg('create-sync-trigger', { ...db, from, to, using }),
      inverse: pg('drop-sync-trigger', { ...db, from, to }),
    }),
    step({
      id: 'backfill',
      title: `Backfill ${to} from ${from} in batches of ${o.batchSize}`,
      action: pg('backfill', {
        ...db,
        from,
        to,
        using,
        batchSize: o.batchSize,
        sql: `UPDATE ${table} SET ${to} = ${using} WHERE <key range>`,
      }),
      inverse: 'none-needed',
      timeoutSeconds: 6 * 3600,
      gates: o.gates,
    }),
    step({
      id: 'verify',
      title: `Verify: no row where ${to} differs from ${using}`,
      action: pg('verify-column', {
        ...db,
        from,
        to,
        using,
        sql: `SELECT count(*) FROM ${table} WHERE ${to} IS DISTINCT FROM (${using})`,
      }),
      inverse: 'none-needed',
      retries: 0,
    }),
    step({
      id: 'switch-readers',
      title: `Switch readers: deploy the code that reads ${to}, then approve`,
      action: action('zeroops', 'await-approval', {
        reason: `the application reads ${table}.${to} instead of ${from}`,
      }),
      approval: `Confirm the application now reads ${table}.${to}: /zeroops approve-step switch-readers`,
      inverse: 'none-needed',
    }),
    ...deprecateAndDrop({ table, column: from }, o, 'contract-'),
  ];
}

export function dropColumnStages(target: { table: string; column: string }, o: StageOptions): PlanStep[] {
  return deprecateAndDrop(target, o, '');
}

function deprecateAndDrop(
  { table, column }: { table: string; column: string },
  o: StageOptions,
  prefix: string,
): PlanStep[] {
  const db = { database: o.database, table, lockTimeoutSeconds: o.lockTimeoutSeconds };
  const deprecated = `${column}_deprecated`;
  return [
    step({
      id: `${prefix}rename-old`,
      title: `Contract: rename ${table}.${column} to ${deprecated} (stale readers fail loudly, reversibly)`,
      action: pg('rename-column', {
        ...db,
        column,
        newName: deprecated,
        dropSyncTriggerFrom: column,
        sql: `ALTER TABLE ${table} RENAME COLUMN ${column} TO ${deprecated}`,
      }),
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
      title: `Observe: no query uses ${deprecated} (pg_stat_statements) and the gates hold`,
      action: pg('assert-column-unused', { ...db, column: deprecated }),
      inverse: 'none-needed',
      gates: o.gates,
      waitSeconds: o.observeSeconds,
    }),
    step({
      id: `${prefix}snapshot`,
      title: `Snapshot (primary key, ${deprecated}) so the drop can be undone`,
      action: pg('snapshot-column', { ...db, column: deprecated }),
      inverse: 'none-needed',
    }),
    step({
      id: `${prefix}drop-old`,
      title: `Contract: drop ${table}.${deprecated}`,
      action: pg('drop-column', { ...db, column: deprecated, sql: `ALTER TABLE ${table} DROP COLUMN ${deprecated}` }),
      inverse: pg('restore-column-snapshot', { ...db, column: deprecated }),
      approval: `The drop is the last stage: /zeroops approve-step ${prefix}drop-old`,
      retries: 0,
    }),
  ];
}

export function dropTableStages(table: string, o: StageOptions): PlanStep[] {
  const deprecated = `${table}_deprecated`;
  const db = { database: o.database, lockTimeoutSeconds: o.lockTimeoutSeconds };
  return [
    step({
      id: 'rename-table',
      title: `Rename table ${table} to ${deprecated}`,
      action: pg('rename-table', {
        ...db,
        table,
        newName: deprecated,
        sql: `ALTER TABLE ${table} RENAME TO ${deprecated}`,
      }),
      inverse: pg('rename-table', {
        ...db,
        table: deprecated,
        newName: table,
        sql: `ALTER TABLE ${deprecated} RENAME TO ${table}`,
      }),
      gates: o.gates,
    }),
    step({
      id: 'observe',
      title: `Observe: no query uses ${deprecated}`,
      action: pg('assert-table-unused', { ...db, table: deprecated }),
      inverse: 'none-needed',
      gates: o.gates,
      waitSeconds: o.observeSeconds,
    }),
    step({
      id: 'drop-table',
      title: `Drop table ${deprecated}`,
      action: pg('drop-table', { ...db, table: deprecated, sql: `DROP TABLE ${deprecated}` }),
      approval: 'Dropping a table cannot be undone: /zeroops approve-step drop-table',
      retries: 0,
    }),
  ];
}
