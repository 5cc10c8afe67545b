/**
 * The indexes over a MySQL column, kept with its snapshot so the drop's undo builds them again: a
 * plain index that went with the column, and one over several columns that lost it. Unique,
 * FULLTEXT and SPATIAL ones are named, not rebuilt (the copy's INSERT IGNORE would drop the rows a
 * unique key refuses).
 */
import { firstRow, quotedNames, quoteName, quoteTable, rowsOf, splitTable, type Connection } from './sessions.js';

export interface ColumnIndexes {
  /** Lines of SHOW CREATE TABLE, e.g. ``KEY `ix_d` (`note`,`d`)``: what the undo adds again. */
  kept: string[];
  /** Indexes the undo does not build again, by name. */
  notKept: string[];
}

export async function indexesOver(c: Connection, table: string, column: string): Promise<ColumnIndexes> {
  const [row] = await rowsOf<Record<string, string>>(c, `SHOW CREATE TABLE ${quoteTable(table)}`);
  const found: ColumnIndexes = { kept: [], notKept: [] };
  for (const line of Object.values(row!)[1]!
    .split('\n')
    .map((l) => l.trim().replace(/,$/, ''))) {
    const index = indexLine.exec(line);
    if (!index || !columnsOf(line.slice(index[0].length)).includes(column)) continue;
    if (index[1] === undefined) found.kept.push(line);
    else found.notKept.push(`${index[1].toLowerCase()} index ${indexNameOf(line)}`);
  }
  return found;
}

/**
 * The ALTER clauses that put the kept indexes back over the column, and the names they build: one
 * missing is added, one that lost the column is dropped and added whole (both in the same copy),
 * one in place is left alone.
 */
export async function indexRepairs(
  c: Connection,
  table: string,
  column: string,
  kept: string[],
): Promise<{ clauses: string[]; rebuilt: string[] }> {
  const { d } = await firstRow<{ d: string }>(c, 'SELECT DATABASE() AS d');
  const { schema, name } = splitTable(table, d);
  const now = await rowsOf<{ name: string; columns: string }>(
    c,
    `SELECT INDEX_NAME AS name, GROUP_CONCAT(COLUMN_NAME SEPARATOR '\\n') AS columns
       FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? GROUP BY INDEX_NAME`,
    [schema, name],
  );
  const repairs = { clauses: [] as string[], rebuilt: [] as string[] };
  for (const line of kept) {
    const index = indexNameOf(line);
    const current = now.find((i) => i.name === index);
    if (current?.columns.split('\n').includes(column)) continue;
    repairs.clauses.push(...(current ? [`DROP INDEX ${quoteName(index)}`] : []), `ADD ${line}`);
    repairs.rebuilt.push(index);
  }
  return repairs;
}

/** The name of the index a line of SHOW CREATE TABLE defines. */
export const indexNameOf = (line: string): string => quotedNames(line)[0]!;

/** `KEY`, or `UNIQUE KEY` and the like, then the quoted name. */
const indexLine = /^(?:(UNIQUE|FULLTEXT|SPATIAL) )?KEY `((?:[^`]|``)+)` /;

/** The column names of an index's parenthesised list (a prefix length sits a level deeper, unquoted). */
function columnsOf(rest: string): string[] {
  const names: string[] = [];
  let depth = 0;
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '(') depth++;
    else if (rest[i] === ')' && --depth === 0) break;
    else if (rest[i] === '`') {
      let name = '';
      for (i++; i < rest.length && !(rest[i] === '`' && rest[i + 1] !== '`'); i++)
        name += rest[i] === '`' ? rest[++i] : rest[i];
      if (depth === 1) names.push(name);
    }
  }
  return names;
}
