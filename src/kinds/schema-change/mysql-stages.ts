/**
 * The staged flows of a SchemaChange on MySQL or MariaDB. The copy itself is pt-online-schema-
 * change's (through the `mysql` provider); around it, the same staging as on PostgreSQL: a rename
 * that makes stale readers fail loudly and reversibly, a durable observation under the gates, a
 * snapshot so the drop can be undone, and the drop after its own approval.
 */
import { formatDuration } from '../../manifest/units.js';
import type { PlanStep } from '../../plan/types.js';
import { action, step } from '../kind.js';
import type { MysqlStatementClass } from './mysql-sql.js';
import { oneLine, withPrefix, type StageOptions } from './stages.js';
import { retiredName } from './sql-names.js';

const my = (operation: string, params: Record<string, unknown>) => action('mysql', operation, params);

/** A rename held while its table is busy is tried again this many times (about a minute apart). */
const heldRetries = 60;

export function mysqlStages(c: MysqlStatementClass, o: StageOptions, prefix: string): PlanStep[] {
  const db = { database: o.database, lockTimeoutSeconds: o.lockTimeoutSeconds };
  const prefixed = (stages: PlanStep[]) => withPrefix(stages, prefix);
  switch (c.type) {
    case 'drop-column':
      return prefixed(dropColumn(c, o));
    case 'drop-table':
      return c.tables.flatMap((table, i) => prefixed(dropTable(table, o, c.tables.length > 1 ? `t${i + 1}-` : '')));
    case 'online-alter':
      return prefixed([
        step({
          id: 'online-alter',
          title: `Online ALTER of ${c.table}: ${oneLine(c.alter)} (copy and swap, pt-online-schema-change)`,
          action: my('online-alter', { ...db, table: c.table, alter: c.alter, expect: c.expect, adds: c.adds }),
          inverse: my('online-alter', {
            ...db,
            table: c.table,
            alter: c.undoAlter,
            expect: { ...c.expect, present: false },
          }),
          timeoutSeconds: 6 * 3600,
          gates: o.gates,
        }),
      ]);
    case 'additive':
      return prefixed([
        step({
          id: 'apply',
          title: `Apply: ${oneLine(c.sql)}`,
          action: my('execute', {
            ...db,
            table: c.table,
            sql: c.sql,
            ...(c.createsTable ? { createsTable: true } : {}),
          }),
          inverse: my('execute', { ...db, table: c.table, sql: c.undo }),
          gates: o.gates,
        }),
      ]);
    case 'refused':
      return [];
  }
}

function dropColumn({ table, column }: { table: string; column: string }, o: StageOptions): PlanStep[] {
  const db = { database: o.database, table, lockTimeoutSeconds: o.lockTimeoutSeconds };
  const deprecated = retiredName(column);
  return [
    step({
      id: 'rename-old',
      title: `Rename ${table}.${column} to ${deprecated} (metadata only: stale readers fail loudly, reversibly)`,
      action: my('rename-column', { ...db, column, newName: deprecated }),
      inverse: my('rename-column', { ...db, column: deprecated, newName: column }),
      retries: heldRetries,
      gates: o.gates,
    }),
    step({
      id: 'observe',
      title: `Observe ${formatDuration(o.observeSeconds)}: the gates hold while ${deprecated} waits`,
      action: my('describe-table', db),
      inverse: 'none-needed',
      gates: o.gates,
      waitSeconds: o.observeSeconds,
    }),
    step({
      id: 'snapshot',
      title: `Snapshot (primary key, ${deprecated}) so the drop can be undone`,
      action: my('snapshot-column', { ...db, column: deprecated, batchSize: o.batchSize }),
      inverse: my('drop-snapshot', { ...db, column: deprecated }),
      timeoutSeconds: 6 * 3600,
    }),
    step({
      id: 'drop-old',
      title: `Drop ${table}.${deprecated} by copy and swap (pt-online-schema-change)`,
      action: my('online-alter', {
        ...db,
        alter: `DROP COLUMN \`${deprecated}\``,
        expect: { column: deprecated, present: false },
      }),
      inverse: my('restore-column-snapshot', { ...db, column: deprecated, batchSize: o.batchSize }),
      approval: 'The drop is the last stage: /zeroops approve-step drop-old',
      retries: 0,
      timeoutSeconds: 6 * 3600,
      gates: o.gates,
    }),
  ];
}

function dropTable(table: string, o: StageOptions, prefix: string): PlanStep[] {
  const deprecated = retiredName(table.split('.').at(-1)!);
  const renamed = table.includes('.') ? `${table.split('.')[0]}.${deprecated}` : deprecated;
  const db = { database: o.database, lockTimeoutSeconds: o.lockTimeoutSeconds };
  return [
    step({
      id: `${prefix}rename-table`,
      title: `Rename table ${table} to ${renamed} (atomic RENAME TABLE)`,
      action: my('rename-table', { ...db, table, newName: renamed }),
      inverse: my('rename-table', { ...db, table: renamed, newName: table }),
      retries: heldRetries,
      gates: o.gates,
    }),
    step({
      id: `${prefix}observe`,
      title: `Observe ${formatDuration(o.observeSeconds)}: the gates hold while ${renamed} waits`,
      action: my('describe-table', { ...db, table: renamed }),
      inverse: 'none-needed',
      gates: o.gates,
      waitSeconds: o.observeSeconds,
    }),
    step({
      id: `${prefix}drop-table`,
      title: `Drop table ${renamed}`,
      action: my('drop-table', { ...db, table: renamed }),
      approval: `Dropping a table cannot be undone: /zeroops approve-step ${prefix}drop-table`,
      retries: 0,
    }),
  ];
}
