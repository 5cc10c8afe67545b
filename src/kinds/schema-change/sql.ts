/**
 * What a SchemaChange's SQL does, read with the real PostgreSQL parser (libpg-query, WebAssembly):
 * each statement is sorted into additive, stageable (destructive but made safe by expand/contract)
 * or refused.
 */
import { loadModule, parseSync } from 'libpg-query';

export type StatementClass =
  | { type: 'drop-column'; table: string; column: string }
  | { type: 'alter-column-type'; table: string; column: string; newType: string; using?: string }
  | { type: 'rename-column'; table: string; column: string; newName: string }
  | { type: 'drop-table'; table: string }
  | { type: 'additive'; table?: string; undo?: string; note?: string }
  | { type: 'refused'; reason: string }
  | { type: 'other' };

export interface SqlStatement {
  text: string;
  /** Offset of the statement in the SQL text. */
  offset: number;
  class: StatementClass;
}

export type SqlAnalysis = { statements: SqlStatement[] } | { error: string; offset: number };

let ready: Promise<void> | undefined;

/** Load the parser once per process; everything after this is synchronous. */
export const loadSqlParser = (): Promise<void> => (ready ??= loadModule());

export function analyzeSql(sql: string): SqlAnalysis {
  let tree: { stmts?: { stmt: Record<string, unknown>; stmt_location?: number; stmt_len?: number }[] };
  try {
    tree = parseSync(sql) as typeof tree;
  } catch (error) {
    const details = (error as { sqlDetails?: { message: string; cursorPosition: number } }).sqlDetails;
    return { error: details?.message ?? (error as Error).message, offset: Math.max(0, details?.cursorPosition ?? 0) };
  }
  const statements = (tree.stmts ?? []).map(({ stmt, stmt_location = 0, stmt_len }) => {
    const raw = sql.slice(stmt_location, stmt_len ? stmt_location + stmt_len : undefined);
    const leading = raw.length - raw.trimStart().length;
    const end = stmt_len ? stmt_location + stmt_len : sql.length;
    return { text: raw.trim(), offset: stmt_location + leading, class: classify(stmt, sql.slice(0, end)) };
  });
  return { statements };
}

type Node = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function classify(stmt: Node, sql: string): StatementClass {
  const [kind, body] = Object.entries(stmt)[0] as [string, Node];
  switch (kind) {
    case 'AlterTableStmt':
      return alterTable(body, sql);
    case 'RenameStmt':
      return body.renameType === 'OBJECT_COLUMN'
        ? { type: 'rename-column', table: body.relation.relname, column: body.subname, newName: body.newname }
        : { type: 'other' };
    case 'DropStmt':
      return dropStatement(body);
    case 'TruncateStmt':
      return { type: 'refused', reason: 'TRUNCATE deletes every row and cannot be undone' };
    case 'DeleteStmt':
      return body.whereClause
        ? { type: 'other' }
        : { type: 'refused', reason: 'DELETE without WHERE removes every row' };
    case 'UpdateStmt':
      return body.whereClause
        ? { type: 'other' }
        : {
            type: 'refused',
            reason: 'UPDATE without WHERE rewrites every row: use a SchemaChange replaceColumn with a batched backfill',
          };
    case 'CreateStmt':
      return { type: 'additive', table: body.relation.relname, undo: `DROP TABLE ${body.relation.relname}` };
    case 'IndexStmt':
      return createIndex(body);
    default:
      return { type: 'other' };
  }
}

function alterTable(body: Node, sql: string): StatementClass {
  const table: string = body.relation.relname;
  const cmds = (body.cmds as Node[]).map((c) => c.AlterTableCmd as Node);
  if (cmds.length !== 1)
    return {
      type: 'refused',
      reason: 'split ALTER TABLE into one change per statement, so each can be staged and undone',
    };
  const cmd = cmds[0]!;
  switch (cmd.subtype) {
    case 'AT_DropColumn':
      return { type: 'drop-column', table, column: cmd.name };
    case 'AT_AlterColumnType': {
      const def = cmd.def.ColumnDef as Node;
      const usingStart = def.raw_default ? minLocation(def.raw_default) : undefined;
      const typeText = sql
        .slice(def.typeName.location, usingStart)
        .replace(/\s+using\s*$/i, '')
        .trim();
      const using = usingStart === undefined ? undefined : sql.slice(usingStart).trim();
      return { type: 'alter-column-type', table, column: cmd.name, newType: typeText, using };
    }
    case 'AT_AddColumn':
      return addColumn(table, cmd.def.ColumnDef as Node);
    case 'AT_AddConstraint':
      return cmd.def?.Constraint?.skip_validation
        ? { type: 'additive', table, undo: `ALTER TABLE ${table} DROP CONSTRAINT ${cmd.def.Constraint.conname}` }
        : { type: 'other' };
    default:
      return { type: 'other' };
  }
}

function addColumn(table: string, def: Node): StatementClass {
  const constraints = ((def.constraints as Node[] | undefined) ?? []).map((c) => c.Constraint?.contype);
  if (constraints.includes('CONSTR_NOTNULL') && !constraints.includes('CONSTR_DEFAULT')) {
    return {
      type: 'refused',
      reason: `adding NOT NULL column ${def.colname} without a DEFAULT fails on a table that has rows: add a DEFAULT, or add it nullable and backfill`,
    };
  }
  return { type: 'additive', table, undo: `ALTER TABLE ${table} DROP COLUMN ${def.colname}` };
}

function createIndex(body: Node): StatementClass {
  const table = body.relation.relname as string;
  const undo = body.idxname ? `DROP INDEX CONCURRENTLY ${body.idxname}` : undefined;
  return body.concurrent
    ? { type: 'additive', table, undo }
    : {
        type: 'additive',
        table,
        undo,
        note: 'CREATE INDEX without CONCURRENTLY blocks writes to the table while it builds: ZeroOps builds it CONCURRENTLY',
      };
}

function dropStatement(body: Node): StatementClass {
  if (body.removeType === 'OBJECT_TABLE') {
    const names = (body.objects as Node[])[0]!.List.items as Node[];
    return { type: 'drop-table', table: names[names.length - 1]!.String.sval };
  }
  if (body.removeType === 'OBJECT_SCHEMA' || body.removeType === 'OBJECT_DATABASE') {
    return { type: 'refused', reason: 'dropping a whole schema or database is not an operation ZeroOps automates' };
  }
  return { type: 'other' };
}

/** Where an expression starts in the SQL: the smallest location in its subtree. */
function minLocation(node: unknown): number | undefined {
  if (typeof node !== 'object' || node === null) return undefined;
  let min: number | undefined;
  for (const [key, value] of Object.entries(node)) {
    const found = key === 'location' && typeof value === 'number' ? value : minLocation(value);
    if (found !== undefined && found >= 0 && (min === undefined || found < min)) min = found;
  }
  return min;
}

export const isIdentifier = (text: string): boolean => /^[a-z_][a-z0-9_]{0,62}$/.test(text);

/** True when `expression` is one SQL expression (not a smuggled statement). */
export function isSingleExpression(expression: string, column: string): boolean {
  const result = analyzeSql(`SELECT (${expression}) FROM t WHERE ${column} IS NOT NULL`);
  return 'statements' in result && result.statements.length === 1;
}

export function isTypeName(type: string): boolean {
  const result = analyzeSql(`SELECT NULL::${type}`);
  return 'statements' in result && result.statements.length === 1 && !/[;]/.test(type);
}
