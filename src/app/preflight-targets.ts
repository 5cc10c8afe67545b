/** What a schema change's plan does to each table it locks: the preflight's targets, read off the plan's steps. */
import type { Plan } from '../plan/types.js';
import type { PreflightTarget } from './ports.js';

/** The tables a plan changes (its locks), with the transform of its backfill, if any. */
export function targetsOf(plan: Plan): PreflightTarget[] {
  const engine = plan.steps.some((s) => s.action.provider === 'mysql') ? ('mysql' as const) : ('postgres' as const);
  const backfill = plan.steps.find((s) => s.action.operation === 'backfill')?.action.params;
  return plan.locks
    .filter((l) => l.key.startsWith('table:'))
    .map((l) => {
      const [database, table] = l.key.slice('table:'.length).split('/') as [string, string];
      const replaced = backfill && backfill.table === table && typeof backfill.type === 'string';
      const retiredColumns = renamedAway(plan, table);
      const droppedTables = renamedAway(plan);
      const retiresTable = droppedTables.includes(table);
      // A column the change renames away first may be added again under its name (DROP x; RENAME y TO x).
      const online = mysqlAdds(plan, table);
      const addedColumns = [
        ...replacementAdds(plan, table),
        ...renamedTo(plan, table),
        ...postgresSteps(plan, 'execute').flatMap((p) =>
          p.table === table && p.addsColumn ? [p.addsColumn as string] : [],
        ),
        ...online.columns,
      ].filter((column) => !retiredColumns.includes(column));
      const addedIndexes = online.indexes;
      const droppedBefore = droppedTables.slice(0, droppedTables.indexOf(table));
      return {
        engine,
        database,
        table,
        ...(retiredColumns.length > 0 ? { retiredColumns } : {}),
        ...(addedColumns.length > 0 ? { addedColumns } : {}),
        ...(addedIndexes.length > 0 ? { addedIndexes } : {}),
        ...(retiresTable ? { retiresTable, ...(droppedBefore.length > 0 ? { droppedBefore } : {}) } : {}),
        ...(replaced
          ? {
              transform: {
                from: backfill.from as string,
                using: backfill.using as string,
                type: backfill.type as string,
              },
            }
          : {}),
      };
    });
}

/** The params of the plan's forward PostgreSQL steps of one operation (renames here retire what they rename). */
const postgresSteps = (plan: Plan, operation: string) =>
  plan.steps
    .filter((s) => s.action.provider === 'postgres' && s.action.operation === operation)
    .map((s) => s.action.params);

/**
 * What the plan's forward renames move out of the way, on either engine: a table's columns, or
 * (without a table) the tables it drops. Their names are free for the statements after.
 */
function renamedAway(plan: Plan, table?: string): string[] {
  return table === undefined
    ? renameParams(plan, 'rename-table').map((p) => p.table as string)
    : renameParams(plan, 'rename-column', table).map((p) => p.column as string);
}

/** The parameters of the plan's renames on either engine, of one table's columns when it is given. */
const renameParams = (plan: Plan, operation: 'rename-table' | 'rename-column', table?: string) =>
  plan.steps
    .filter((s) => s.action.operation === operation && ['postgres', 'mysql'].includes(s.action.provider))
    .map((s) => s.action.params)
    .filter((p) => table === undefined || p.table === table);

/** The names a plan's renames give a table's columns (`x_deprecated`): taken, the rename fails at the end. */
const renamedTo = (plan: Plan, table: string): string[] =>
  renameParams(plan, 'rename-column', table).map((p) => p.newName as string);

/** Whether a step of the plan creates the table (a CREATE TABLE without IF NOT EXISTS, on either engine). */
export const createsTable = (plan: Plan, table: string) =>
  plan.steps.some(
    (s) => s.action.operation === 'execute' && s.action.params.createsTable && s.action.params.table === table,
  );

/** The columns a replacement adds to the table: the new one, and the one that keeps invalid text. */
export const replacementAdds = (plan: Plan, table: string): string[] =>
  postgresSteps(plan, 'add-column')
    .filter((p) => p.table === table)
    .flatMap((p) => [p.column as string, ...(p.alsoText ? [p.alsoText as string] : [])]);

/** The columns and indexes the plan's online ALTERs of a MySQL table add (see mysql-sql.ts). */
function mysqlAdds(plan: Plan, table: string): { columns: string[]; indexes: string[] } {
  const adds = plan.steps
    .filter((s) => s.action.provider === 'mysql' && s.action.operation === 'online-alter')
    .map((s) => s.action.params)
    .filter((p) => p.table === table && p.adds)
    .map((p) => p.adds as { columns: string[]; indexes: string[] });
  return { columns: adds.flatMap((a) => a.columns), indexes: adds.flatMap((a) => a.indexes) };
}

/** The column a replacement fills from `column`, if the plan backfills one. */
export function replacementOf(plan: Plan, table: string, column: string): string | undefined {
  const backfill = postgresSteps(plan, 'backfill').find((p) => p.table === table && p.from === column);
  return backfill?.to as string | undefined;
}
