/**
 * What a SchemaChange's SQL does, read with the real PostgreSQL parser (libpg-query, WebAssembly):
 * each statement is sorted into additive, stageable (destructive but made safe by expand/contract)
 * or refused.
 */
import { loadModule, parseSync } from 'libpg-query';
import { quoteIdent, quoteTable } from '../../providers/postgres/identifiers.js';

export type StatementClass =
  | { type: 'drop-column'; table: string; column: string }
  | { type: 'alter-column-type'; table: string; column: string; newType: string; using?: string }
  | { type: 'rename-column'; table: string; column: string; newName: string }
  | { type: 'drop-table'; tables: string[] }
  | { type: 'set-not-null'; table: string; column: string }
  | { type: 'additive'; table?: string; undo?: string; note?: string; runAs?: string; longRunning?: boolean }
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
    return {
      text: raw.trim(),
      offset: stmt_location + leading,
      class: plainNames(classify(stmt, sql.slice(0, end), stmt_location + leading)),
    };
  });
  return { statements };
}

type Node = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Staged SQL is generated from the names: a quoted name with spaces or quotes in it is refused, not spliced. */
function plainNames(c: StatementClass): StatementClass {
  const names = [
    ...('table' in c && c.table ? c.table.split('.') : []),
    ...('tables' in c ? c.tables.flatMap((t) => t.split('.')) : []),
    ...('column' in c ? [c.column] : []),
    ...('newName' in c ? [c.newName] : []),
  ];
  const odd = names.find((n) => !isIdentifier(n));
  return odd === undefined
    ? c
    : {
        type: 'refused',
        reason: `'${odd}' is not a plain identifier (lower-case letters, digits, _): ZeroOps stages only those`,
      };
}

function classify(stmt: Node, sql: string, location = 0): StatementClass {
  const [kind, body] = Object.entries(stmt)[0] as [string, Node];
  switch (kind) {
    case 'AlterTableStmt':
      return alterTable(body, sql);
    case 'RenameStmt':
      return rename(body);
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
      // IF NOT EXISTS: the table may have been there with its data, so the rollback leaves it.
      return {
        type: 'additive',
        table: relationName(body.relation),
        undo: body.if_not_exists ? undefined : `DROP TABLE ${quoteTable(relationName(body.relation))}`,
      };
    case 'IndexStmt':
      return createIndex(body, sql.slice(location));
    default:
      return { type: 'other' };
  }
}

/** A table as the statement names it: `audit.user_profile` keeps its schema. */
const relationName = (relation: Node): string =>
  relation.schemaname ? `${relation.schemaname}.${relation.relname}` : (relation.relname as string);

function rename(body: Node): StatementClass {
  switch (body.renameType) {
    case 'OBJECT_COLUMN':
      return { type: 'rename-column', table: relationName(body.relation), column: body.subname, newName: body.newname };
    case 'OBJECT_TABLE':
    case 'OBJECT_VIEW':
      return {
        type: 'refused',
        reason:
          `renaming ${relationName(body.relation)} breaks every statement that names it at once: add the new ` +
          `table and move readers over with a SchemaChange per column, or keep a view under the old name`,
      };
    default:
      return { type: 'other' };
  }
}

function alterTable(body: Node, sql: string): StatementClass {
  const table = relationName(body.relation);
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
      // The type runs up to USING (a type name never contains the word), the expression after it.
      const rest = sql.slice(def.typeName.location);
      const keyword = def.raw_default ? /\busing\b/i.exec(rest) : null;
      const typeText = (keyword ? rest.slice(0, keyword.index) : rest).trim();
      const using = keyword ? rest.slice(keyword.index + keyword[0].length).trim() : undefined;
      if (!isTypeName(typeText)) return { type: 'refused', reason: `'${typeText}' is not one type name` };
      if (using !== undefined && !isSingleExpression(using, cmd.name))
        return {
          type: 'refused',
          reason:
            `USING must be an expression over ${cmd.name} alone (no subquery, no other column): it runs on ` +
            `the pull request's preflight and in ZeroOps' functions`,
        };
      return { type: 'alter-column-type', table, column: cmd.name, newType: typeText, using };
    }
    case 'AT_AddColumn':
      return addColumn(table, cmd.def.ColumnDef as Node, cmd.missing_ok === true);
    case 'AT_AddConstraint':
      return addConstraint(table, cmd.def.Constraint as Node);
    case 'AT_SetNotNull':
      return { type: 'set-not-null', table, column: cmd.name };
    case 'AT_ValidateConstraint':
      // Scans the table while reads and writes go on: it may take as long as the table is big.
      return { type: 'additive', table, longRunning: true };
    default:
      return { type: 'other' };
  }
}

/**
 * CHECK and FOREIGN KEY scan the table under a lock unless NOT VALID; UNIQUE and PRIMARY KEY build
 * an index under one.
 */
function addConstraint(table: string, constraint: Node): StatementClass {
  const name = constraint.conname as string | undefined;
  if (name !== undefined && !isIdentifier(name)) return oddName(name);
  const undo = name ? `ALTER TABLE ${quoteTable(table)} DROP CONSTRAINT ${quoteIdent(name)}` : undefined;
  switch (constraint.contype) {
    case 'CONSTR_CHECK':
    case 'CONSTR_FOREIGN':
      return constraint.skip_validation
        ? { type: 'additive', table, undo }
        : {
            type: 'refused',
            reason:
              `adding a ${constraint.contype === 'CONSTR_CHECK' ? 'CHECK' : 'FOREIGN KEY'} constraint checks ` +
              `every row while it holds a lock: add it NOT VALID, then VALIDATE CONSTRAINT in a statement of its ` +
              `own (which lets reads and writes go on)`,
          };
    case 'CONSTR_UNIQUE':
    case 'CONSTR_PRIMARY':
      return constraint.indexname
        ? { type: 'additive', table, undo }
        : {
            type: 'refused',
            reason:
              'adding UNIQUE or PRIMARY KEY builds an index under an ACCESS EXCLUSIVE lock: CREATE UNIQUE INDEX ' +
              'CONCURRENTLY first, then ADD CONSTRAINT ... USING INDEX',
          };
    default:
      return { type: 'additive', table, undo };
  }
}

/** Defaults that make PostgreSQL rewrite the whole table while it holds an ACCESS EXCLUSIVE lock. */
const rewritingDefaults =
  /^(random|gen_random_uuid|uuid_generate_v\d|clock_timestamp|timeofday|nextval|txid_current)$/i;

function addColumn(table: string, def: Node, missingOk: boolean): StatementClass {
  const constraints = ((def.constraints as Node[] | undefined) ?? []).map((c) => c.Constraint?.contype);
  const typeName = ((def.typeName?.names as Node[] | undefined) ?? []).map((n) => n.String?.sval).at(-1) as string;
  const volatile = functionNames(def.constraints).find((f) => rewritingDefaults.test(f));
  if (
    volatile ||
    /^(small|big)?serial\d?$/.test(typeName) ||
    constraints.includes('CONSTR_IDENTITY') ||
    constraints.includes('CONSTR_GENERATED')
  )
    return {
      type: 'refused',
      reason:
        `adding ${def.colname} ` +
        `${volatile ? `with the volatile default ${volatile}()` : 'as a serial, identity or generated column'} ` +
        `rewrites the whole table under an ACCESS EXCLUSIVE lock: add it nullable, then fill it with a ` +
        `SchemaChange backfill`,
    };
  if (constraints.includes('CONSTR_NOTNULL') && !constraints.includes('CONSTR_DEFAULT')) {
    return {
      type: 'refused',
      reason: `adding NOT NULL column ${def.colname} without a DEFAULT fails on a table that has rows: add a DEFAULT, or add it nullable and backfill`,
    };
  }
  if (!isIdentifier(def.colname)) return oddName(def.colname);
  // ADD COLUMN IF NOT EXISTS may find the column there: the rollback leaves it.
  const undo = missingOk ? undefined : `ALTER TABLE ${quoteTable(table)} DROP COLUMN ${quoteIdent(def.colname)}`;
  return { type: 'additive', table, undo };
}

const oddName = (name: string): StatementClass => ({
  type: 'refused',
  reason: `'${name}' is not a plain identifier (lower-case letters, digits, _): ZeroOps stages only those`,
});

/** The names of the functions an expression calls. */
function functionNames(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(functionNames);
  if (typeof node !== 'object' || node === null) return [];
  const n = node as Node;
  const own = n.FuncCall ? [((n.FuncCall.funcname as Node[]).at(-1)?.String?.sval as string) ?? ''] : [];
  return [...own, ...Object.values(n).flatMap(functionNames)];
}

/** Leading comments and blanks, then CREATE [UNIQUE] INDEX: where CONCURRENTLY goes. */
const indexHead = /^((?:\s|--[^\n]*\n|\/\*[\s\S]*?\*\/)*create\s+(?:unique\s+)?index)\s+/i;

function createIndex(body: Node, text: string): StatementClass {
  const table = relationName(body.relation);
  if (body.idxname && !isIdentifier(body.idxname)) return oddName(body.idxname);
  // The index lives in its table's schema; IF NOT EXISTS may find one there already: then no undo.
  const schema = table.includes('.') ? `${quoteIdent(table.split('.')[0]!)}.` : '';
  const undo =
    body.idxname && !body.if_not_exists ? `DROP INDEX CONCURRENTLY ${schema}${quoteIdent(body.idxname)}` : undefined;
  if (body.concurrent) return { type: 'additive', table, undo };
  if (!body.idxname)
    return { type: 'refused', reason: 'name the index: ZeroOps builds it CONCURRENTLY, and retries need its name' };
  const concurrentIndex = text.replace(indexHead, '$1 CONCURRENTLY ');
  if (concurrentIndex === text)
    return {
      type: 'refused',
      reason: 'write it CREATE INDEX CONCURRENTLY: ZeroOps could not place the keyword itself',
    };
  return {
    type: 'additive',
    table,
    undo,
    note:
      'CREATE INDEX without CONCURRENTLY blocks writes to the table while it builds: ZeroOps builds it ' +
      'CONCURRENTLY',
    runAs: concurrentIndex,
  };
}

function dropStatement(body: Node): StatementClass {
  if (body.removeType === 'OBJECT_TABLE') {
    // Every table it names, each with its schema: DROP TABLE a, audit.b stages both.
    const tables = (body.objects as Node[]).map((o) =>
      ((o.List.items as Node[]).map((n) => n.String.sval) as string[]).join('.'),
    );
    if (body.behavior === 'DROP_CASCADE')
      return {
        type: 'refused',
        reason: `DROP TABLE ... CASCADE also drops what depends on ${tables.join(', ')}: drop those first, by name`,
      };
    return { type: 'drop-table', tables };
  }
  if (body.removeType === 'OBJECT_INDEX' && !body.concurrent)
    return {
      type: 'refused',
      reason: 'DROP INDEX locks its table against reads and writes: write DROP INDEX CONCURRENTLY',
    };
  if (body.removeType === 'OBJECT_SCHEMA' || body.removeType === 'OBJECT_DATABASE') {
    return { type: 'refused', reason: 'dropping a whole schema or database is not an operation ZeroOps automates' };
  }
  return { type: 'other' };
}

export const isIdentifier = (text: string): boolean => /^[a-z_][a-z0-9_]{0,62}$/.test(text);

/**
 * True when `expression` is one SQL expression over `column` alone: no subquery, no other column,
 * no dollar quote (it is placed in function bodies, and the preflight runs it before approval).
 */
export function isSingleExpression(expression: string, column: string): boolean {
  if (expression.includes('$')) return false;
  let tree: { stmts?: { stmt: Node }[] };
  try {
    tree = parseSync(`SELECT (${expression}) FROM t WHERE ${column} IS NOT NULL`) as typeof tree;
  } catch {
    return false;
  }
  if (tree.stmts?.length !== 1) return false;
  const target = (tree.stmts[0]!.stmt.SelectStmt as Node).targetList;
  let alone = true;
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (typeof node !== 'object' || node === null) return;
    const n = node as Node;
    if (n.SubLink || n.RangeVar || n.ColumnRef?.fields?.some((f: Node) => f.A_Star)) alone = false;
    if (n.ColumnRef && n.ColumnRef.fields.at(-1)?.String?.sval !== column) alone = false;
    Object.values(n).forEach(walk);
  };
  walk(target);
  return alone;
}

/** One type name, as a column of a table would have it (not a type followed by more SQL). */
export function isTypeName(type: string): boolean {
  if (/[;$]/.test(type)) return false;
  try {
    const tree = parseSync(`CREATE TABLE t (c ${type})`) as { stmts?: { stmt: Node }[] };
    const create = tree.stmts?.length === 1 ? (tree.stmts[0]!.stmt.CreateStmt as Node | undefined) : undefined;
    const columns = (create?.tableElts as Node[] | undefined) ?? [];
    return columns.length === 1 && !!columns[0]!.ColumnDef && !(columns[0]!.ColumnDef as Node).constraints;
  } catch {
    return false;
  }
}
