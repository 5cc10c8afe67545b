/**
 * What a SchemaChange's SQL does, read with the real PostgreSQL parser (libpg-query, WebAssembly):
 * each statement is sorted into additive, stageable (destructive but made safe by expand/contract)
 * or refused. It is an allow-list: a statement these files do not know is refused, never run raw.
 * The parser's locations count UTF-8 bytes; JavaScript strings count UTF-16 units, so every slice
 * goes through the bytes (a comment in another script must not shift a statement's text).
 */
import { loadModule, parseSync } from 'libpg-query';
import { helperSchema } from '../../providers/postgres/identifiers.js';
import { alterTable, withReads } from './sql-alter-table.js';
import { callProblem } from './sql-calls.js';
import { isIdentifier, oddNameReason, ownTableReason } from './sql-names.js';
import { createIndex, createTable, dropStatement, rename } from './sql-tables-indexes.js';
import { catalogCastIn } from './sql-transform.js';
import { nodesOf, Refusal, type Node } from './sql-tree.js';
import {
  changesRows,
  headline,
  notStaged,
  type SqlAnalysis,
  type StatementClass,
  type StatementSource,
} from './statement-class.js';
import { withColumnsRetired, withIndexesTaken } from './statement-sequence.js';

let ready: Promise<void> | undefined;

/** Load the parser once per process; everything after this is synchronous. */
export const loadSqlParser = (): Promise<void> => (ready ??= loadModule());

export function analyzeSql(sql: string): SqlAnalysis {
  const source = utf8Source(sql);
  let tree: { stmts?: { stmt: Record<string, unknown>; stmt_location?: number; stmt_len?: number }[] };
  try {
    tree = parseSync(sql) as typeof tree;
  } catch (error) {
    const details = (error as { sqlDetails?: { message: string; cursorPosition: number } }).sqlDetails;
    // Unlike the statements' locations, the error's position counts characters already.
    return { error: details?.message ?? (error as Error).message, offset: Math.max(0, details?.cursorPosition ?? 0) };
  }
  const statements = (tree.stmts ?? []).map(({ stmt, stmt_location = 0, stmt_len }) => {
    const endByte = stmt_len ? stmt_location + stmt_len : source.byteLength;
    const raw = source.slice(stmt_location, endByte);
    const leading = raw.length - raw.trimStart().length;
    const text = raw.trim();
    const statement: StatementSource = { text, from: (byte) => source.slice(byte, endByte) };
    return { text, offset: source.charAt(stmt_location) + leading, class: classifyChecked(stmt, statement) };
  });
  return { statements: withColumnsRetired(withIndexesTaken(statements)) };
}

function utf8Source(sql: string) {
  const bytes = Buffer.from(sql, 'utf8');
  return {
    byteLength: bytes.length,
    slice: (from: number, to: number) => bytes.subarray(from, to).toString('utf8'),
    charAt: (byte: number) => bytes.subarray(0, byte).toString('utf8').length,
  };
}

function classifyChecked(stmt: Node, statement: StatementSource): StatementClass {
  try {
    // Anywhere in a statement (a CHECK, an index expression, a default): the run's errors would quote the text.
    const lookup = catalogCastIn(stmt);
    if (lookup) return { type: 'refused', reason: `a cast to ${lookup} looks its text up in the catalog` };
    const c = plainNames(classify(stmt, statement));
    const call = c.type === 'additive' ? callProblem(stmt) : undefined;
    return call ? { type: 'refused', reason: call } : c;
  } catch (error) {
    if (error instanceof Refusal) return { type: 'refused', reason: error.message };
    if (error instanceof RangeError)
      return { type: 'refused', reason: 'the statement nests too deeply for ZeroOps to check it: simplify it' };
    throw error;
  }
}

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
        reason: oddNameReason(odd),
      };
}

function classify(stmt: Node, statement: StatementSource): StatementClass {
  const [kind, body] = Object.entries(stmt)[0] as [string, Node];
  refuseOutOfReach(body);
  switch (kind) {
    case 'AlterTableStmt':
      return alterTable(body, statement);
    case 'RenameStmt':
      return rename(body, statement);
    case 'DropStmt':
      return dropStatement(body, statement);
    case 'TruncateStmt':
      return { type: 'refused', reason: 'TRUNCATE deletes every row and cannot be undone' };
    case 'DeleteStmt':
      if (!body.whereClause) return { type: 'refused', reason: 'DELETE without WHERE removes every row' };
      return changesRows(statement);
    case 'UpdateStmt':
      if (!body.whereClause)
        return {
          type: 'refused',
          reason: 'UPDATE without WHERE rewrites every row: use a SchemaChange replaceColumn with a batched backfill',
        };
      return changesRows(statement);
    case 'InsertStmt':
    case 'MergeStmt':
      return changesRows(statement);
    case 'CreateStmt':
      return createTable(body);
    case 'IndexStmt':
      return withReads(createIndex(body, statement.text), [body.indexParams, body.whereClause]);
    case 'CommentStmt':
      return { type: 'additive', note: 'a comment: no undo' };
    default:
      return notStaged(headline(statement.text));
  }
}

/**
 * Out of a manifest's reach: another database (`otherdb.audit.t`), and ZeroOps' own schema, whose
 * progress rows, snapshots and kept definitions other runs' rollbacks read back and run.
 */
function refuseOutOfReach(tree: unknown): void {
  for (const n of nodesOf(tree)) {
    if (n.catalogname)
      throw new Refusal(
        `names the database ${n.catalogname}: a SchemaChange changes only the database its manifest names, under ` +
          `its lock`,
      );
    const qualified = Object.values(n).some(
      (v) => Array.isArray(v) && v.length > 1 && (v[0] as Node | undefined)?.String?.sval === helperSchema,
    );
    const schemaItself = n.objtype === 'OBJECT_SCHEMA' && n.object?.String?.sval === helperSchema;
    if (n.schemaname === helperSchema || qualified || schemaItself) throw new Refusal(ownTableReason(helperSchema));
  }
}
