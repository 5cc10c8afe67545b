/**
 * The preflight of a schema change on MySQL/MariaDB, read-only and bounded (a READ ONLY transaction,
 * max_statement_time 30 s): the table's size, key, indexes, triggers and foreign keys, from
 * information_schema, so what pt-online-schema-change cannot copy is said before anyone approves.
 */
import type { PreflightFacts, PreflightTarget, SchemaPreflight } from '../../app/ports.js';
import { databaseUrl } from '../postgres/database-url.js';
import { TableMissing } from '../postgres/preflight.js';
import { retiredMysqlColumn, retiredMysqlTable } from './column-dependents.js';
import { firstRow, rowsOf, sameName, splitTable, withConnection } from './sessions.js';

export const mysqlPreflight: SchemaPreflight = {
  inspect: (target, providers) =>
    mysqlTableFacts(databaseUrl(providers, target.database, process.env, 'mysql'), target.table, target),
};

export async function mysqlTableFacts(
  url: string,
  table: string,
  change: Pick<
    PreflightTarget,
    'addedColumns' | 'addedIndexes' | 'retiredColumns' | 'retiresTable' | 'droppedBefore'
  > = {},
): Promise<PreflightFacts> {
  return withConnection(url, async (c) => {
    // MariaDB bounds statements with max_statement_time (s), MySQL with max_execution_time (ms).
    await c.query('SET SESSION max_statement_time = 30').catch(() => c.query('SET SESSION max_execution_time = 30000'));
    await c.query('START TRANSACTION READ ONLY');
    try {
      const { schema, name } = splitTable(table, (await firstRow<{ d: string }>(c, 'SELECT DATABASE() AS d')).d);
      const at = [schema, name];
      const size = await rowsOf<{ rows: number; bytes: number }>(
        c,
        'SELECT TABLE_ROWS AS `rows`, DATA_LENGTH + INDEX_LENGTH AS bytes FROM information_schema.TABLES ' +
          'WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
        at,
      );
      if (size.length === 0) throw new TableMissing(table);
      const list = async (sql: string, values = at) => (await rowsOf<{ d: string }>(c, sql, values)).map((r) => r.d);
      const keyColumns = await rowsOf<{ name: string; dataType: string }>(
        c,
        `SELECT k.COLUMN_NAME AS name, col.DATA_TYPE AS dataType FROM information_schema.KEY_COLUMN_USAGE k
           JOIN information_schema.COLUMNS col ON col.TABLE_SCHEMA = k.TABLE_SCHEMA AND col.TABLE_NAME = k.TABLE_NAME
            AND col.COLUMN_NAME = k.COLUMN_NAME
          WHERE k.TABLE_SCHEMA = ? AND k.TABLE_NAME = ? AND k.CONSTRAINT_NAME = 'PRIMARY'`,
        at,
      );
      const key =
        keyColumns.length === 1 && /int$/.test(keyColumns[0]!.dataType)
          ? { column: keyColumns[0]!.name }
          : {
              problem:
                `${table} has no one-column integer primary key ` +
                `(${keyColumns.map((k) => k.name).join(', ') || 'none'}): ` +
                'the snapshot that makes a drop reversible walks it',
            };
      const indexes = await list(
        'SELECT DISTINCT INDEX_NAME AS d FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
      );
      const triggers = await list(
        'SELECT TRIGGER_NAME AS d FROM information_schema.TRIGGERS WHERE EVENT_OBJECT_SCHEMA = ? ' +
          'AND EVENT_OBJECT_TABLE = ? ORDER BY TRIGGER_NAME',
      );
      const foreignKeys = await list(
        `SELECT CONCAT(TABLE_NAME, '.', COLUMN_NAME, ' -> ', REFERENCED_TABLE_NAME, '.', REFERENCED_COLUMN_NAME) AS d
           FROM information_schema.KEY_COLUMN_USAGE
          WHERE REFERENCED_TABLE_NAME IS NOT NULL
            AND ((TABLE_SCHEMA = ? AND TABLE_NAME = ?) OR (REFERENCED_TABLE_SCHEMA = ? AND REFERENCED_TABLE_NAME = ?))`,
        [...at, ...at],
      );
      const uniqueKeyColumns = await list(
        'SELECT DISTINCT COLUMN_NAME AS d FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? ' +
          'AND TABLE_NAME = ? AND NON_UNIQUE = 0',
      );
      const taken = (names: string[] | undefined, existing: string[]) =>
        (names ?? []).filter((n) => existing.some((e) => sameName(e, n)));
      const columns = await list(
        'SELECT COLUMN_NAME AS d FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
      );
      const takenColumns = taken(change.addedColumns, columns).map((column) => ({ column }));
      const takenIndexes = taken(change.addedIndexes, indexes);
      const retiredColumns = [];
      for (const column of change.retiredColumns ?? [])
        retiredColumns.push(await retiredMysqlColumn(c, schema, name, column));
      return {
        ...(takenColumns.length > 0 ? { takenColumns } : {}),
        ...(takenIndexes.length > 0 ? { takenIndexes } : {}),
        ...(retiredColumns.length > 0 ? { retiredColumns } : {}),
        ...(change.retiresTable ? await retiredMysqlTable(c, at, change.droppedBefore) : {}),
        uniqueKeyColumns,
        rows: Number(size[0]!.rows),
        bytes: Number(size[0]!.bytes),
        key,
        indexes,
        triggers,
        foreignKeys,
        replicas: [],
        engine: 'mysql',
      };
    } finally {
      await c.query('ROLLBACK').catch(() => undefined);
    }
  });
}
