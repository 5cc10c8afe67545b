/**
 * Who still reads a column: the statements of pg_stat_statements that name it and its table, and
 * how many times each ran during a short window (cumulative counts alone would keep yesterday's
 * code "reading" forever). ZeroOps' own statements are left out.
 */
import { parseSync } from 'libpg-query';
import { EffectError } from '../../engine/ports.js';
import type pg from 'pg';
import { helperSchema } from './identifiers.js';
import { maskedStatement, sleep, withClient } from './sessions.js';

export interface ColumnReader {
  statement: string;
  callsInWindow: number;
  callsTotal: number;
  /**
   * A function whose body names the table and the column: pg_stat_statements records the call, not
   * the statements inside (track = top), so it is a reader whether or not it ran in the window.
   */
  function?: true;
}

export interface ColumnReaders {
  windowSeconds: number;
  readers: ColumnReader[];
}

interface StatementRow {
  queryid: string;
  calls: string;
  query: string;
}

export async function columnReaders(
  url: string,
  target: { table: string; column?: string },
  windowSeconds: number,
  signal?: AbortSignal,
): Promise<ColumnReaders> {
  return withClient(url, async (client) => {
    const read = async () => {
      try {
        const { rows } = await client.query<StatementRow>(
          `SELECT queryid::text, calls::text, query FROM pg_stat_statements
            WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())`,
        );
        return rows;
      } catch (error) {
        throw new EffectError(
          `pg_stat_statements cannot be read (${(error as Error).message}): ZeroOps needs it to know who still ` +
            `uses ${target.column ?? target.table}`,
          false,
        );
      }
    };
    const before = new Map((await read()).map((r) => [r.queryid, Number(r.calls)]));
    await sleep(windowSeconds * 1000, signal);
    const readers = (await read())
      .filter((r) => !r.query.includes('zeroops') && namesColumn(r.query, target))
      .map((r) => ({
        statement: maskedStatement(r.query, 120),
        callsTotal: Number(r.calls),
        callsInWindow: Number(r.calls) - (before.get(r.queryid) ?? 0),
      }))
      .filter((r) => r.callsInWindow > 0)
      .sort((a, b) => b.callsInWindow - a.callsInWindow);
    const functions = target.column ? await functionsNaming(client, target.table, target.column) : [];
    return { windowSeconds, readers: [...readers, ...functions] };
  });
}

/** The functions and procedures of the database (not PostgreSQL's or ZeroOps') whose body names both. */
async function functionsNaming(client: pg.ClientBase, table: string, column: string): Promise<ColumnReader[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT p.oid::regprocedure::text AS name FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', $3) AND p.prokind IN ('f', 'p')
        AND p.prosrc ~* ('\\m' || $1 || '\\M') AND p.prosrc ~* ('\\m' || $2 || '\\M')
      ORDER BY 1`,
    [table.split('.').at(-1), column, helperSchema],
  );
  return rows.map((r) => ({
    statement: `function ${r.name}, whose body names ${table}.${column}`,
    callsInWindow: 0,
    callsTotal: 0,
    function: true,
  }));
}

type Node = Record<string, unknown>;

/** True when the statement names the table (qualified or not) and, if one is given, the column. */
export function namesColumn(sql: string, target: { table: string; column?: string }): boolean {
  let tree: unknown;
  try {
    tree = parseSync(sql);
  } catch {
    // Unparsable: err on the side of "still read".
    return new RegExp(`\\b${target.column ?? target.table.split('.').at(-1)}\\b`).test(sql);
  }
  const relation = target.table.split('.').at(-1)!;
  let column = target.column === undefined; // a table's readers: any statement naming it
  let table = false;
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (typeof node !== 'object' || node === null) return;
    const n = node as Node;
    if (n.ColumnRef) {
      const fields = ((n.ColumnRef as Node).fields as Node[] | undefined) ?? [];
      const last = fields.at(-1)?.String as { sval?: string } | undefined;
      if (last?.sval === target.column) column = true;
    }
    // UPDATE ... SET column = …, INSERT … (column)
    if (n.ResTarget && (n.ResTarget as Node).name === target.column) column = true;
    if (n.RangeVar && (n.RangeVar as Node).relname === relation) table = true;
    Object.values(n).forEach(walk);
  };
  walk(tree);
  return column && table;
}

export function describeReaders(found: ColumnReaders): string {
  const statements = found.readers.filter((r) => !r.function);
  const functions = found.readers.filter((r) => r.function);
  const used =
    statements.length === 0
      ? `no statement used it in ${found.windowSeconds}s`
      : `${statements.length} statement(s) used it in ${found.windowSeconds}s: ${statements
          .slice(0, 3)
          .map((r) => `${r.statement} (${r.callsInWindow}×)`)
          .join('; ')}`;
  return functions.length === 0 ? used : `${used}; and ${functions.map((f) => f.statement).join('; ')}`;
}
