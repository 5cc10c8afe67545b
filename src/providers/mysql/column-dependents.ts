/**
 * What hangs on a column a MySQL/MariaDB change renames away and drops, read from information_schema
 * in the preflight's read-only transaction: what goes with the column (its indexes, a CHECK on it
 * alone), what makes the drop fail at the very end (a foreign key, a CHECK or a generated column
 * over it and another), and the views that read it (MySQL lets the drop through; they fail from the
 * rename on). The drop's undo puts back the column, its values and its plain indexes.
 */
import type { RetiredColumnFacts } from '../../app/ports.js';
import { quotedNames, rowsOf, sameName, splitTable, type Connection } from './sessions.js';

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
    // The undo re-adds the column from its definition, its values and its plain indexes; a unique,
    // FULLTEXT or SPATIAL index, or a table-level CHECK, it does not.
    lostForGood: [...indexes.filter((i) => i.name !== 'PRIMARY' && !i.plain).map((i) => i.shown), ...checks.lost],
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
    const others = r.columns.split(', ').filter((name) => !sameName(name, column));
    const kept = others.length > 0 ? `, which keeps (${others.join(', ')})` : '';
    return { name: r.name, shown: `index ${r.name} (${r.columns})${kept}`, plain: Number(r.plain) === 1 };
  });
}

/** Foreign keys of the table over the column, and of any table onto it: MySQL refuses the drop. */
async function foreignKeysOver(c: Connection, at: string[], column: string): Promise<string[]> {
  const rows = await foreignKeys(
    c,
    `(TABLE_SCHEMA = ? AND TABLE_NAME = ? AND COLUMN_NAME = ?)
      OR (REFERENCED_TABLE_SCHEMA = ? AND REFERENCED_TABLE_NAME = ? AND REFERENCED_COLUMN_NAME = ?)`,
    [...at, column, ...at, column],
  );
  // A key over several columns is listed whole, once, whichever of its columns this one is.
  return rows.map((r) => shownKey(r, at[0]!));
}

interface ForeignKey {
  id: string;
  name: string;
  schema: string;
  table: string;
  columns: string[];
  target: string;
}

/** Foreign keys whose column matches `where`, each whole: all its columns, in their order. */
async function foreignKeys(c: Connection, where: string, values: unknown[]): Promise<ForeignKey[]> {
  const rows = await rowsOf<{ name: string; schema: string; table: string; columns: string; target: string }>(
    c,
    `SELECT k.CONSTRAINT_NAME AS name, k.TABLE_SCHEMA AS \`schema\`, k.TABLE_NAME AS \`table\`,
            GROUP_CONCAT(k.COLUMN_NAME ORDER BY k.ORDINAL_POSITION SEPARATOR ', ') AS columns,
            CONCAT(MIN(k.REFERENCED_TABLE_SCHEMA), '.', MIN(k.REFERENCED_TABLE_NAME), '(',
                   GROUP_CONCAT(k.REFERENCED_COLUMN_NAME ORDER BY k.ORDINAL_POSITION SEPARATOR ', '), ')') AS target
       FROM information_schema.KEY_COLUMN_USAGE k
       JOIN (SELECT DISTINCT CONSTRAINT_SCHEMA, TABLE_NAME, CONSTRAINT_NAME FROM information_schema.KEY_COLUMN_USAGE
              WHERE REFERENCED_TABLE_NAME IS NOT NULL AND (${where})) hit
         ON hit.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND hit.TABLE_NAME = k.TABLE_NAME
        AND hit.CONSTRAINT_NAME = k.CONSTRAINT_NAME
      WHERE k.REFERENCED_TABLE_NAME IS NOT NULL
      GROUP BY k.TABLE_SCHEMA, k.TABLE_NAME, k.CONSTRAINT_NAME ORDER BY k.CONSTRAINT_NAME, k.TABLE_NAME`,
    values,
  );
  return rows.map((r) => ({
    id: `${r.schema}.${r.table}.${r.name}`,
    name: r.name,
    schema: r.schema,
    table: r.table,
    columns: r.columns.split(', '),
    target: r.target,
  }));
}

/** `foreign key fk (child(a, b) -> parent(x, y))`, a database named only where it is not the table's own. */
const shownKey = (k: ForeignKey, schema: string) => {
  const target = k.target.startsWith(`${schema}.`) ? k.target.slice(schema.length + 1) : k.target;
  const source = `${k.schema === schema ? '' : `${k.schema}.`}${k.table}(${k.columns.join(', ')})`;
  return `foreign key ${k.name} (${source} -> ${target})`;
};

/**
 * CHECK constraints naming the column: one over it alone goes with it; one over others too stops
 * the drop. The undo's column definition brings back a MariaDB column-level one only.
 */
async function checksOver(c: Connection, at: string[], column: string) {
  const rows = await checksOf(c, at);
  const alone: string[] = [];
  const lost: string[] = [];
  const withOthers: string[] = [];
  for (const check of rows) {
    const names = quotedNames(check.clause);
    if (!names.some((n) => sameName(n, column))) continue;
    const shown = `check ${check.name} (${check.clause})`;
    if (!names.every((n) => sameName(n, column))) withOthers.push(shown);
    else {
      alone.push(shown);
      if (check.level !== 'Column') lost.push(shown);
    }
  }
  return { alone, lost, withOthers };
}

/**
 * The table's CHECK constraints. MariaDB names them per table (two tables may each have a
 * CONSTRAINT_1) and says which are column-level; MySQL 8 names them per database and has neither.
 */
async function checksOf(c: Connection, at: string[]) {
  type Check = { name: string; clause: string; level?: string };
  try {
    return await rowsOf<Check>(
      c,
      `SELECT CONSTRAINT_NAME AS name, CHECK_CLAUSE AS clause, LEVEL AS level FROM information_schema.CHECK_CONSTRAINTS
        WHERE CONSTRAINT_SCHEMA = ? AND TABLE_NAME = ? ORDER BY CONSTRAINT_NAME`,
      at,
    );
  } catch (error) {
    if (!['ER_BAD_FIELD_ERROR', 'ER_UNKNOWN_TABLE'].includes((error as { code?: string }).code ?? '')) throw error;
  }
  return rowsOf<Check>(
    c,
    `SELECT cc.CONSTRAINT_NAME AS name, cc.CHECK_CLAUSE AS clause
       FROM information_schema.CHECK_CONSTRAINTS cc
       JOIN information_schema.TABLE_CONSTRAINTS tc
         ON tc.CONSTRAINT_SCHEMA = cc.CONSTRAINT_SCHEMA AND tc.CONSTRAINT_NAME = cc.CONSTRAINT_NAME
        AND tc.CONSTRAINT_TYPE = 'CHECK'
      WHERE tc.TABLE_SCHEMA = ? AND tc.TABLE_NAME = ? ORDER BY cc.CONSTRAINT_NAME`,
    at,
  );
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
    .filter((r) => quotedNames(r.expression).some((n) => sameName(n, column)))
    .map((r) => `generated column ${r.name} (${r.expression})`);
}

/**
 * For a table the change drops: the foreign keys of other tables onto it (MySQL refuses its drop),
 * but not those of tables the same change drops before it, and the views that read it.
 */
export async function retiredMysqlTable(c: Connection, at: string[], droppedBefore: string[] = []) {
  const [schema, table] = at as [string, string];
  const onto = await foreignKeys(
    c,
    'REFERENCED_TABLE_SCHEMA = ? AND REFERENCED_TABLE_NAME = ? AND NOT (TABLE_SCHEMA = ? AND TABLE_NAME = ?)',
    [schema, table, schema, table],
  );
  const gone = (k: ForeignKey) =>
    droppedBefore.some((t) => {
      const dropped = splitTable(t, schema);
      return sameName(dropped.schema, k.schema) && sameName(dropped.name, k.table);
    });
  return {
    tableBlockers: onto.filter((k) => !gone(k)).map((k) => shownKey(k, schema)),
    tableReaders: await viewsReading(c, at),
  };
}

/**
 * Views, in any database, whose stored definition reads the table (written `schema`.`table`) and,
 * for a column, names it: through an alias too (`x`.`a`), so a view over another column of the
 * same name may be named as well; that is a warning, not a refusal.
 */
async function viewsReading(c: Connection, at: string[], column?: string): Promise<string[]> {
  const [schema, table] = at as [string, string];
  const quoted = (name: string) => `\`${name.replace(/`/g, '``')}\``.toLowerCase();
  const rows = await rowsOf<{ schema: string; name: string; definition: string | null }>(
    c,
    `SELECT TABLE_SCHEMA AS \`schema\`, TABLE_NAME AS name, VIEW_DEFINITION AS definition
       FROM information_schema.VIEWS ORDER BY TABLE_SCHEMA, TABLE_NAME`,
  );
  return rows
    .filter((r) => {
      const definition = (r.definition ?? '').toLowerCase();
      return (
        definition.includes(`${quoted(schema)}.${quoted(table)}`) &&
        (column === undefined || definition.includes(quoted(column)))
      );
    })
    .map((r) => `view ${r.schema === schema ? '' : `${r.schema}.`}${r.name}`);
}
