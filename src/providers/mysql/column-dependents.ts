/**
 * What hangs on a column a MySQL/MariaDB change renames away and drops, read from information_schema
 * in the preflight's read-only transaction: what goes with the column (its indexes, a CHECK on it
 * alone), what makes the drop fail at the very end (a foreign key, a CHECK or a generated column
 * over it and another), and the views that read it (MySQL lets the drop through; they fail from the
 * rename on). The drop's undo puts back the column, its values and its plain indexes.
 */
import type { RetiredColumnFacts } from '../../app/ports.js';
import { rowsOf, type Connection } from './sessions.js';

interface ColumnRow {
  nullable: string;
  fallback: string | null;
  key: string;
}

export async function retiredMysqlColumn(
  c: Connection,
  schema: string,
  table: string,
  column: string,
): Promise<RetiredColumnFacts> {
  const at = [schema, table];
  const [row] = await rowsOf<ColumnRow>(
    c,
    'SELECT IS_NULLABLE AS nullable, COLUMN_DEFAULT AS fallback, COLUMN_KEY AS `key` FROM information_schema.COLUMNS ' +
      'WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND COLUMN_NAME = ?',
    [...at, column],
  );
  if (!row)
    return { column, exists: false, primaryKey: false, notNull: false, droppedWith: [], lostForGood: [], blockers: [] };
  const indexes = await indexesWith(c, at, column);
  const checks = await checksOver(c, at, column);
  const droppedWith = [...indexes.filter((i) => i.name !== 'PRIMARY').map((i) => i.shown), ...checks.alone];
  const blockers = [
    ...(await foreignKeysOver(c, at, column)),
    ...checks.withOthers,
    ...(await generatedOver(c, at, column)),
  ];
  return {
    column,
    exists: true,
    primaryKey: indexes.some((i) => i.name === 'PRIMARY'),
    notNull: row.nullable === 'NO',
    // MariaDB writes "no default" as the text NULL; MySQL as NULL itself.
    ...(row.fallback !== null && row.fallback !== 'NULL' ? { default: row.fallback } : {}),
    droppedWith,
    // The undo re-adds the column from its definition (a CHECK on it alone included), its values and
    // its plain indexes; a unique, FULLTEXT or SPATIAL one it names, not builds.
    lostForGood: indexes.filter((i) => i.name !== 'PRIMARY' && !i.plain).map((i) => i.shown),
    blockers,
    readers: await viewsReading(c, at, column),
  };
}

/** The table's indexes over the column, each with all its columns: `index ix_ab (a, b)`. */
async function indexesWith(c: Connection, at: string[], column: string) {
  const rows = await rowsOf<{ name: string; columns: string; plain: number }>(
    c,
    `SELECT INDEX_NAME AS name, GROUP_CONCAT(COLUMN_NAME ORDER BY SEQ_IN_INDEX SEPARATOR ', ') AS columns,
            MIN(NON_UNIQUE = 1 AND INDEX_TYPE NOT IN ('FULLTEXT', 'SPATIAL')) AS plain
       FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?
      GROUP BY INDEX_NAME HAVING SUM(COLUMN_NAME = ?) > 0 ORDER BY INDEX_NAME`,
    [...at, column],
  );
  // MySQL takes the column out of an index over several: the index stays, over the others.
  return rows.map((r) => {
    const others = r.columns.split(', ').filter((name) => name !== column);
    const kept = others.length > 0 ? `, which keeps (${others.join(', ')})` : '';
    return { name: r.name, shown: `index ${r.name} (${r.columns})${kept}`, plain: Number(r.plain) === 1 };
  });
}

/** Foreign keys of the table over the column, and of any table onto it: MySQL refuses the drop. */
async function foreignKeysOver(c: Connection, at: string[], column: string): Promise<string[]> {
  const rows = await rowsOf<{ name: string; source: string; target: string }>(
    c,
    `SELECT CONSTRAINT_NAME AS name, CONCAT(TABLE_NAME, '(', COLUMN_NAME, ')') AS source,
            CONCAT(REFERENCED_TABLE_NAME, '(', REFERENCED_COLUMN_NAME, ')') AS target
       FROM information_schema.KEY_COLUMN_USAGE
      WHERE REFERENCED_TABLE_NAME IS NOT NULL
        AND ((TABLE_SCHEMA = ? AND TABLE_NAME = ? AND COLUMN_NAME = ?)
          OR (REFERENCED_TABLE_SCHEMA = ? AND REFERENCED_TABLE_NAME = ? AND REFERENCED_COLUMN_NAME = ?))
      ORDER BY CONSTRAINT_NAME`,
    [...at, column, ...at, column],
  );
  return rows.map((r) => `foreign key ${r.name} (${r.source} -> ${r.target})`);
}

/** CHECK constraints naming the column: one over it alone goes with it; one over others too stops the drop. */
async function checksOver(c: Connection, at: string[], column: string) {
  const rows = await rowsOf<{ name: string; clause: string }>(
    c,
    `SELECT cc.CONSTRAINT_NAME AS name, cc.CHECK_CLAUSE AS clause
       FROM information_schema.CHECK_CONSTRAINTS cc
       JOIN information_schema.TABLE_CONSTRAINTS tc
         ON tc.CONSTRAINT_SCHEMA = cc.CONSTRAINT_SCHEMA AND tc.CONSTRAINT_NAME = cc.CONSTRAINT_NAME
        AND tc.CONSTRAINT_TYPE = 'CHECK'
      WHERE tc.TABLE_SCHEMA = ? AND tc.TABLE_NAME = ? ORDER BY cc.CONSTRAINT_NAME`,
    at,
  ).catch(() => []); // a server older than CHECK constraints (MariaDB 10.2, MySQL 8.0.16) has none
  const alone: string[] = [];
  const withOthers: string[] = [];
  for (const check of rows) {
    const names = namesIn(check.clause);
    if (!names.includes(column)) continue;
    (names.every((n) => n === column) ? alone : withOthers).push(`check ${check.name} (${check.clause})`);
  }
  return { alone, withOthers };
}

/** Generated columns computed from the column: MySQL refuses the drop. */
async function generatedOver(c: Connection, at: string[], column: string): Promise<string[]> {
  const rows = await rowsOf<{ name: string; expression: string }>(
    c,
    `SELECT COLUMN_NAME AS name, GENERATION_EXPRESSION AS expression FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND COALESCE(GENERATION_EXPRESSION, '') <> '' AND COLUMN_NAME <> ?`,
    [...at, column],
  );
  return rows
    .filter((r) => namesIn(r.expression).includes(column))
    .map((r) => `generated column ${r.name} (${r.expression})`);
}

/**
 * For a table the change drops: the foreign keys of other tables onto it (MySQL refuses its drop),
 * but not those of tables the same change drops before it, and the views that read it.
 */
export async function retiredMysqlTable(c: Connection, at: string[], droppedBefore: string[] = []) {
  const rows = await rowsOf<{ name: string; schema: string; source: string; target: string }>(
    c,
    `SELECT CONSTRAINT_NAME AS name, TABLE_SCHEMA AS \`schema\`, CONCAT(TABLE_NAME, '(', COLUMN_NAME, ')') AS source,
            CONCAT(REFERENCED_TABLE_NAME, '(', REFERENCED_COLUMN_NAME, ')') AS target
       FROM information_schema.KEY_COLUMN_USAGE
      WHERE REFERENCED_TABLE_SCHEMA = ? AND REFERENCED_TABLE_NAME = ?
        AND NOT (TABLE_SCHEMA = REFERENCED_TABLE_SCHEMA AND TABLE_NAME = REFERENCED_TABLE_NAME)
      ORDER BY CONSTRAINT_NAME`,
    at,
  );
  const gone = (r: { schema: string; source: string }) =>
    r.schema === at[0] && droppedBefore.some((t) => r.source.startsWith(`${t.split('.').at(-1)}(`));
  return {
    tableBlockers: rows.filter((r) => !gone(r)).map((r) => `foreign key ${r.name} (${r.source} -> ${r.target})`),
    tableReaders: await viewsReading(c, at),
  };
}

/** Views, in any database, whose stored definition reads the table or one column of it. */
async function viewsReading(c: Connection, at: string[], column?: string): Promise<string[]> {
  const [schema, table] = at as [string, string];
  const needle = [schema, table, ...(column === undefined ? [] : [column])]
    .map((n) => `\`${n.replace(/`/g, '``')}\``)
    .join('.');
  const rows = await rowsOf<{ schema: string; name: string; definition: string }>(
    c,
    `SELECT TABLE_SCHEMA AS \`schema\`, TABLE_NAME AS name, VIEW_DEFINITION AS definition
       FROM information_schema.VIEWS ORDER BY TABLE_SCHEMA, TABLE_NAME`,
  );
  return rows
    .filter((r) => r.definition.includes(needle))
    .map((r) => `view ${r.schema === schema ? '' : `${r.schema}.`}${r.name}`);
}

/** The backtick-quoted names in an expression as MySQL stores it. */
const namesIn = (expression: string): string[] =>
  [...expression.matchAll(/`((?:[^`]|``)+)`/g)].map((m) => m[1]!.replace(/``/g, '`'));
