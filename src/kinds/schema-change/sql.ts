/**
 * What a SchemaChange's SQL does, read with the real PostgreSQL parser (libpg-query, WebAssembly):
 * each statement is sorted into additive, stageable (destructive but made safe by expand/contract)
 * or refused. It is an allow-list: a statement this file does not know is refused, never run raw.
 * The parser's locations count UTF-8 bytes; JavaScript strings count UTF-16 units, so every slice
 * goes through the bytes (a comment in another script must not shift a statement's text).
 */
import { loadModule, parseSync } from 'libpg-query';
import {
  helperSchema,
  leadingComments,
  quoteIdent,
  quoteTable,
  withoutLeadingComments,
} from '../../providers/postgres/identifiers.js';

export type StatementClass =
  | { type: 'drop-column'; table: string; column: string }
  | { type: 'alter-column-type'; table: string; column: string; newType: string; using?: string }
  | { type: 'rename-column'; table: string; column: string; newName: string }
  | { type: 'drop-table'; tables: string[] }
  | { type: 'set-not-null'; table: string; column: string }
  /** DROP INDEX CONCURRENTLY: its definition is kept at execution, so a rollback can build it again. */
  | { type: 'drop-index'; index: string; ifExists: boolean }
  | {
      type: 'additive';
      table?: string;
      undo?: string;
      note?: string;
      runAs?: string;
      /** Scans the table without blocking it (a validation, a concurrent index build): hours, not a minute. */
      longRunning?: boolean;
      /** CREATE or DROP INDEX CONCURRENTLY: outside a transaction, with no lock_timeout (its lock blocks nobody). */
      concurrently?: boolean;
      /** ADD COLUMN: the preflight says whether the name is taken. */
      addsColumn?: string;
      /** CREATE TABLE (without IF NOT EXISTS): the preflight says whether the table is there already. */
      createsTable?: boolean;
      /** CREATE INDEX: the index it makes, which a later ADD CONSTRAINT … USING INDEX may take. */
      createsIndex?: string;
      /** ADD CONSTRAINT … USING INDEX: the index the constraint takes over (and drops with it). */
      takesIndex?: string;
      /** The table's columns an index or a constraint reads: one an earlier statement retires is gone. */
      reads?: string[];
    }
  | { type: 'refused'; reason: string };

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

/**
 * A column an earlier statement retires (a drop, a type change, a rename: each renames it away, then
 * drops it) is gone for the statements after it: one that names it would fail days later, at its turn.
 */
function withColumnsRetired(statements: SqlStatement[]): SqlStatement[] {
  const retired = new Map<string, string>();
  return statements.map((s) => {
    const c = s.class;
    if (!('table' in c) || !c.table) return s;
    const keyOf = (column: string) => `${c.table!.replace(/^public\./, '')}.${column}`;
    const named = [...('column' in c ? [c.column] : []), ...(c.type === 'additive' ? (c.reads ?? []) : [])];
    const gone = named.find((column) => retired.has(keyOf(column)));
    if (gone)
      return {
        ...s,
        class: {
          type: 'refused',
          reason: `${c.table}.${gone} is retired by an earlier statement of this change (${retired.get(keyOf(gone))})`,
        },
      };
    if (!('column' in c)) return s;
    const key = keyOf(c.column);
    if (c.type === 'drop-column') retired.set(key, 'DROP COLUMN');
    if (c.type === 'rename-column') retired.set(key, `renamed to ${c.newName}`);
    if (c.type === 'alter-column-type')
      retired.set(key, `the type change copies it into ${c.column}_new and drops it: name that one`);
    return s;
  });
}

/** The plain column names an index's or a constraint's tree reads (its expressions, keys, elements). */
function withReads(c: StatementClass, tree: unknown): StatementClass {
  if (c.type !== 'additive') return c;
  const names = new Set<string>();
  for (const n of nodesOf(tree)) {
    const fields = n.ColumnRef?.fields as Node[] | undefined;
    if (fields?.length === 1 && fields[0]?.String) names.add(fields[0].String.sval as string);
    if (n.IndexElem?.name) names.add(n.IndexElem.name as string);
    for (const list of [n.keys, n.fk_attrs] as (Node[] | undefined)[])
      for (const key of Array.isArray(list) ? list : []) if (key.String) names.add(key.String.sval as string);
  }
  return names.size > 0 ? { ...c, reads: [...names] } : c;
}

/**
 * ADD CONSTRAINT … USING INDEX only of an index the same change built before it: the constraint's
 * undo drops the index with it, and an index that was there before the change is somebody's.
 */
function withIndexesTaken(statements: SqlStatement[]): SqlStatement[] {
  const built = new Set<string>();
  return statements.map((s) => {
    const c = s.class;
    if (c.type !== 'additive') return s;
    if (c.createsIndex) built.add(c.createsIndex);
    if (!c.takesIndex || built.has(c.takesIndex)) return s;
    const reason =
      `the constraint takes over the index ${c.takesIndex}, and undoing it (DROP CONSTRAINT) drops that index too: ` +
      "build the index CONCURRENTLY earlier in this same change, so that what a rollback drops is the change's own";
    return { ...s, class: { type: 'refused', reason } };
  });
}

/** A statement's text, and its text from a byte location the parser gave up to the statement's end. */
interface StatementSource {
  text: string;
  from(byte: number): string;
}

function utf8Source(sql: string) {
  const bytes = Buffer.from(sql, 'utf8');
  return {
    byteLength: bytes.length,
    slice: (from: number, to: number) => bytes.subarray(from, to).toString('utf8'),
    charAt: (byte: number) => bytes.subarray(0, byte).toString('utf8').length,
  };
}

/** Thrown where a name cannot be staged: the whole statement is refused with its reason. */
class Refusal extends Error {}

function classifyChecked(stmt: Node, statement: StatementSource): StatementClass {
  try {
    // Anywhere in a statement (a CHECK, an index expression, a default): the run's errors would quote the text.
    const lookup = catalogCastIn(stmt);
    if (lookup) return { type: 'refused', reason: `a cast to ${lookup} looks its text up in the catalog` };
    return plainNames(classify(stmt, statement));
  } catch (error) {
    if (error instanceof Refusal) return { type: 'refused', reason: error.message };
    if (error instanceof RangeError)
      return { type: 'refused', reason: 'the statement nests too deeply for ZeroOps to check it: simplify it' };
    throw error;
  }
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

const changesRows = (statement: StatementSource): StatementClass => ({
  type: 'refused',
  reason:
    `${headline(statement.text)} changes rows, which a rollback could not put back: a SchemaChange changes the ` +
    `schema (fill a new column with replaceColumn's batched, verified backfill)`,
});

const notStaged = (what: string): StatementClass => ({
  type: 'refused',
  reason:
    `${what} is not a change ZeroOps stages, so it is refused rather than run raw. It runs additive DDL (CREATE ` +
    `TABLE, ADD COLUMN, ADD CONSTRAINT … NOT VALID, VALIDATE CONSTRAINT, SET/DROP DEFAULT, CREATE and DROP INDEX ` +
    `CONCURRENTLY, COMMENT ON) and stages DROP COLUMN, type changes, column renames, SET NOT NULL and DROP TABLE`,
});

/** The statement's first words, for a reason: `DROP TYPE`, `CREATE FUNCTION`, `DO`. */
const headline = (text: string): string =>
  (/^([A-Za-z_]\w*)(?:\s+([A-Za-z_]\w*))?/.exec(withoutLeadingComments(text)) ?? [])
    .slice(1)
    .filter(Boolean)
    .join(' ')
    .toUpperCase() || 'this statement';

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

/** Why ZeroOps' own tables are refused, on either engine. */
export const ownTableReason = (name: string) =>
  `${name} is ZeroOps' own (backfill progress, column snapshots, the definitions a rollback builds again): a ` +
  'SchemaChange never changes it';

function createTable(body: Node): StatementClass {
  const table = relationName(body.relation);
  if (body.partbound || (body.inhRelations as Node[] | undefined)?.length)
    return {
      type: 'refused',
      reason:
        `CREATE TABLE ${table} ... ${body.partbound ? 'PARTITION OF' : 'INHERITS'} locks the parent table ` +
        `against reads and writes: create the table plain, then attach it by hand in a quiet hour`,
    };
  // IF NOT EXISTS: the table may have been there with its data, so the rollback leaves it.
  return body.if_not_exists
    ? { type: 'additive', table }
    : { type: 'additive', table, undo: `DROP TABLE ${quoteTable(table)}`, createsTable: true };
}

/**
 * A table as the statement names it: `audit.user_profile` keeps its schema. Each part must be a plain
 * identifier on its own: `"audit.user_profile"` is one odd name, not a schema and a table.
 */
function relationName(relation: Node): string {
  const parts = [relation.schemaname, relation.relname].filter((p) => p !== undefined) as string[];
  const odd = parts.find((p) => !isIdentifier(p));
  if (odd !== undefined) throw new Refusal(oddNameReason(odd));
  return parts.join('.');
}

/** The name a staged drop gives a column before dropping it (stages.ts), and back. */
const retiredSuffix = '_deprecated';
export const retiredName = (column: string) => `${column}${retiredSuffix}`;
export const retiredFrom = (name: string): string | undefined =>
  name.endsWith(retiredSuffix) ? name.slice(0, -retiredSuffix.length) : undefined;

function rename(body: Node, statement: StatementSource): StatementClass {
  switch (body.renameType) {
    case 'OBJECT_COLUMN':
      if (body.relationType !== 'OBJECT_TABLE')
        return notStaged(`renaming a column of a ${objectName(body.relationType)}`);
      if (!body.relation.inh || body.missing_ok)
        return {
          type: 'refused',
          reason:
            `${body.missing_ok ? 'IF EXISTS' : 'ONLY'}: a rename is staged as a new column, ` +
            'with the old one there',
        };
      if (body.newname === retiredName(body.subname))
        return {
          type: 'refused',
          reason:
            `a rename is staged as a new column, and ${body.subname} is retired as ${body.newname} before its drop: ` +
            'choose another new name',
        };
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
      return notStaged(headline(statement.text));
  }
}

/** OBJECT_FOREIGN_TABLE → foreign table. */
const objectName = (objectType: unknown): string =>
  String(objectType)
    .replace(/^OBJECT_/, '')
    .replace(/_/g, ' ')
    .toLowerCase();

/** The ALTER TABLE commands staged as a flow of steps, by what the flow is called. */
const stagedBy: Record<string, string> = {
  AT_DropColumn: 'DROP COLUMN',
  AT_AlterColumnType: 'type change',
  AT_SetNotNull: 'SET NOT NULL',
};

function alterTable(body: Node, statement: StatementSource): StatementClass {
  if (body.objtype !== 'OBJECT_TABLE') return notStaged(`ALTER ${objectName(body.objtype).toUpperCase()}`);
  const table = relationName(body.relation);
  const cmds = (body.cmds as Node[]).map((c) => c.AlterTableCmd as Node);
  if (cmds.length !== 1)
    return {
      type: 'refused',
      reason: 'split ALTER TABLE into one change per statement, so each can be staged and undone',
    };
  const cmd = cmds[0]!;
  const staged = stagedBy[cmd.subtype as string];
  if (staged && !body.relation.inh)
    return {
      type: 'refused',
      reason:
        `ONLY: the staged ${staged} would change the inheriting tables too; make the change by hand if they ` +
        'must keep theirs',
    };
  if (staged && (body.missing_ok || cmd.missing_ok))
    return {
      type: 'refused',
      reason: `IF EXISTS: the staged ${staged} needs the column there (its undo puts it back); write it plainly`,
    };
  switch (cmd.subtype) {
    case 'AT_DropColumn':
      if (cmd.behavior === 'DROP_CASCADE')
        return {
          type: 'refused',
          reason: `DROP COLUMN ... CASCADE also drops what depends on ${table}.${cmd.name}: drop those first, by name`,
        };
      return { type: 'drop-column', table, column: cmd.name };
    case 'AT_AlterColumnType': {
      const def = cmd.def.ColumnDef as Node;
      // The type runs up to USING (a type name never contains the word), the expression after it.
      const rest = statement.from(def.typeName.location);
      const keyword = def.raw_default ? /\busing\b/i.exec(rest) : null;
      const typeText = (keyword ? rest.slice(0, keyword.index) : rest).trim();
      const using = keyword ? rest.slice(keyword.index + keyword[0].length).trim() : undefined;
      if (!isTypeName(typeText)) return { type: 'refused', reason: `'${typeText}' is not one type name` };
      if (catalogLookupType.test(typeText))
        return { type: 'refused', reason: `a ${typeText} column looks every value up in the catalog: not staged` };
      const problem = using === undefined ? undefined : transformProblem(using, cmd.name);
      if (problem)
        return {
          type: 'refused',
          reason:
            `USING must be an expression over ${cmd.name} alone, as it runs in the pull request's preflight and ` +
            `in ZeroOps' functions: ${problem}`,
        };
      return { type: 'alter-column-type', table, column: cmd.name, newType: typeText, using };
    }
    case 'AT_AddColumn':
      return addColumn(table, cmd.def.ColumnDef as Node, cmd.missing_ok === true);
    case 'AT_AddConstraint':
      return withReads(addConstraint(table, cmd.def.Constraint as Node), cmd.def.Constraint);
    case 'AT_SetNotNull':
      return { type: 'set-not-null', table, column: cmd.name };
    case 'AT_ValidateConstraint':
      // Scans the table while reads and writes go on: it may take as long as the table is big.
      return { type: 'additive', table, longRunning: true };
    case 'AT_ColumnDefault':
      // Only rows written later get it (no rewrite, a brief lock); the default it replaces is not known here.
      return { type: 'additive', table, note: `${cmd.def ? 'a new' : 'a dropped'} default: no undo` };
    default:
      return notStaged(`ALTER TABLE ... ${alterName(cmd.subtype)}`);
  }
}

/** AT_SetTableSpace → SET TABLESPACE. */
const alterName = (subtype: unknown): string =>
  String(subtype)
    .replace(/^AT_/, '')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toUpperCase();

/**
 * CHECK and FOREIGN KEY scan the table under a lock unless NOT VALID; UNIQUE and PRIMARY KEY build
 * an index under one.
 */
/** An index lives in its table's schema: `audit.i` is not `i` (the default schema's, `public`). */
const inSchemaOf = (table: string, index: string) => `${table.includes('.') ? table.split('.')[0] : 'public'}.${index}`;

const unnamedConstraint: StatementClass = {
  type: 'refused',
  reason: 'name the constraint (ADD CONSTRAINT <name> …): its undo drops it by name, and a retry must find it',
};

function addConstraint(table: string, constraint: Node): StatementClass {
  const name = constraint.conname as string | undefined;
  if (name !== undefined && !isIdentifier(name)) return oddName(name);
  const undo = name ? `ALTER TABLE ${quoteTable(table)} DROP CONSTRAINT ${quoteIdent(name)}` : undefined;
  switch (constraint.contype) {
    case 'CONSTR_CHECK':
    case 'CONSTR_FOREIGN':
      if (!name) return unnamedConstraint;
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
      if (constraint.indexname && !name) return unnamedConstraint;
      return constraint.indexname
        ? {
            type: 'additive',
            table,
            undo,
            takesIndex: inSchemaOf(table, constraint.indexname as string),
            ...(constraint.contype === 'CONSTR_PRIMARY'
              ? {
                  note:
                    'PRIMARY KEY … USING INDEX sets NOT NULL on the index columns: one that is not NOT NULL yet is ' +
                    'checked row by row under an ACCESS EXCLUSIVE lock; stage SET NOT NULL for it in an earlier change',
                }
              : {}),
          }
        : {
            type: 'refused',
            reason:
              'adding UNIQUE or PRIMARY KEY builds an index under an ACCESS EXCLUSIVE lock: CREATE UNIQUE INDEX ' +
              'CONCURRENTLY first, then ADD CONSTRAINT ... USING INDEX',
          };
    case 'CONSTR_NOTNULL':
      // PostgreSQL 18's ADD CONSTRAINT … NOT NULL scans the table unless NOT VALID (SET NOT NULL is staged).
      return constraint.skip_validation
        ? { type: 'additive', table, undo }
        : { type: 'refused', reason: 'ADD CONSTRAINT … NOT NULL checks every row under a lock: write SET NOT NULL' };
    default:
      // EXCLUDE builds an index under an ACCESS EXCLUSIVE lock; other kinds are not known here.
      return notStaged(`ADD CONSTRAINT … ${String(constraint.contype).replace(/^CONSTR_/, '')}`);
  }
}

/**
 * Functions a new column's DEFAULT may call without a rewrite: PostgreSQL rewrites the whole table
 * under an ACCESS EXCLUSIVE lock for a volatile default, and the plan cannot ask the catalog which
 * functions are volatile. So it is a list of builtins known to be stable or immutable; any other
 * call (random(), gen_random_uuid(), nextval(), a function of the application's) is refused.
 */
const stableDefaults = new Set([
  'now',
  'transaction_timestamp',
  'statement_timestamp',
  'current_setting',
  'lower',
  'upper',
  'concat',
  'jsonb_build_object',
  'json_build_object',
  'jsonb_build_array',
  'json_build_array',
  'make_date',
  'make_timestamp',
  'make_timestamptz',
  'make_interval',
  'to_timestamp',
  'to_date',
  'timezone',
  'date_trunc',
  'date_part',
  'extract',
  'to_char',
  'to_jsonb',
  'to_json',
  'md5',
  'abs',
  'round',
  'length',
  'substr',
  'left',
  'right',
  'btrim',
  'replace',
  'format',
]);

/** Constraints written on a new column that make ADD COLUMN build an index or scan the table. */
const inlineConstraints: Record<string, { name: string; does: string }> = {
  CONSTR_UNIQUE: { name: 'UNIQUE', does: 'builds an index' },
  CONSTR_PRIMARY: { name: 'PRIMARY KEY', does: 'builds an index' },
  CONSTR_CHECK: { name: 'CHECK', does: 'checks every row' },
  CONSTR_FOREIGN: { name: 'REFERENCES', does: 'checks every row' },
};

function addColumn(table: string, def: Node, missingOk: boolean): StatementClass {
  const constraints = ((def.constraints as Node[] | undefined) ?? []).map((c) => c.Constraint?.contype);
  const typeName = ((def.typeName?.names as Node[] | undefined) ?? []).map((n) => n.String?.sval).at(-1) as string;
  // The whole name: app.now() is the application's function, not PostgreSQL's now().
  const volatile = functionNames(def.constraints).find(
    (f) => !stableDefaults.has(f.toLowerCase().replace(/^pg_catalog\./, '')),
  );
  const rewritingKind = 'as a serial, identity or generated column';
  if (
    volatile !== undefined ||
    /^(small|big)?serial\d?$/.test(typeName) ||
    constraints.includes('CONSTR_IDENTITY') ||
    constraints.includes('CONSTR_GENERATED')
  )
    return {
      type: 'refused',
      reason:
        `adding ${def.colname} ` +
        `${volatile !== undefined ? `with the default ${volatile}(), which may be volatile,` : rewritingKind} ` +
        `rewrites the whole table under an ACCESS EXCLUSIVE lock: add it nullable, then fill it with a ` +
        `SchemaChange backfill`,
    };
  if (constraints.includes('CONSTR_NOTNULL') && !constraints.includes('CONSTR_DEFAULT')) {
    return {
      type: 'refused',
      reason: `adding NOT NULL column ${def.colname} without a DEFAULT fails on a table that has rows: add a DEFAULT, or add it nullable and backfill`,
    };
  }
  const checked = constraints.map((c) => inlineConstraints[c]).find((c) => c !== undefined);
  if (checked)
    return {
      type: 'refused',
      reason:
        `adding ${def.colname} with ${checked.name} ${checked.does} while it holds an ACCESS EXCLUSIVE lock: add ` +
        `the column plain, then the constraint in a statement of its own (NOT VALID, or USING INDEX after CREATE ` +
        `UNIQUE INDEX CONCURRENTLY)`,
    };
  if (!isIdentifier(def.colname)) return oddName(def.colname);
  // ADD COLUMN IF NOT EXISTS may find the column there: the rollback leaves it.
  const undo = missingOk ? undefined : `ALTER TABLE ${quoteTable(table)} DROP COLUMN ${quoteIdent(def.colname)}`;
  return { type: 'additive', table, undo, ...(missingOk ? {} : { addsColumn: def.colname as string }) };
}

export const oddNameReason = (name: string) =>
  `'${name}' is not a plain identifier (lower-case letters, digits, _): ZeroOps stages only those`;
const oddName = (name: string): StatementClass => ({ type: 'refused', reason: oddNameReason(name) });

/** The nodes of a parse tree, depth first without recursion (a deeply nested expression is no crash). */
function* nodesOf(root: unknown): Generator<Node> {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const n = stack.pop();
    if (Array.isArray(n)) stack.push(...n);
    else if (typeof n === 'object' && n !== null) {
      yield n as Node;
      stack.push(...Object.values(n));
    }
  }
}

/** The names of the functions an expression calls. */
const functionNames = (node: unknown): string[] =>
  [...nodesOf(node)]
    .filter((n) => n.FuncCall)
    .map((n) => ((n.FuncCall.funcname as Node[]).map((part) => part.String?.sval) as string[]).join('.'));

/** Leading comments and blanks, then CREATE [UNIQUE] INDEX: where CONCURRENTLY goes. */
const indexHead = new RegExp(String.raw`^(${leadingComments}create\s+(?:unique\s+)?index)\s+`, 'i');

function createIndex(body: Node, text: string): StatementClass {
  const table = relationName(body.relation);
  if (body.idxname && !isIdentifier(body.idxname)) return oddName(body.idxname);
  // The index lives in its table's schema; IF NOT EXISTS may find one there already: then no undo.
  const schema = table.includes('.') ? `${quoteIdent(table.split('.')[0]!)}.` : '';
  if (!body.idxname)
    return { type: 'refused', reason: 'name the index: its undo drops it by name, and a retry must find it' };
  // IF EXISTS: a constraint that took the index over (USING INDEX) dropped it with itself, undone first.
  const undo = body.if_not_exists
    ? undefined
    : `DROP INDEX CONCURRENTLY IF EXISTS ${schema}${quoteIdent(body.idxname)}`;
  // IF NOT EXISTS may have found somebody's index: not the change's own to hand to a constraint.
  const made = body.if_not_exists ? {} : { createsIndex: inSchemaOf(table, body.idxname as string) };
  if (body.concurrent) return { type: 'additive', table, undo, longRunning: true, concurrently: true, ...made };
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
    longRunning: true,
    concurrently: true,
    ...made,
  };
}

function dropStatement(body: Node, statement: StatementSource): StatementClass {
  // Each part of each name on its own: DROP TABLE "audit.t" names one odd table, not audit.t.
  const names = (body.objects as Node[]).map((o) =>
    ((o.List?.items as Node[] | undefined) ?? []).map((n) => n.String?.sval),
  );
  for (const parts of names) {
    if (parts.length > 2) throw new Refusal(`names the database ${parts[0]}: a SchemaChange changes only its own`);
    const odd = parts.find((p) => typeof p !== 'string' || !isIdentifier(p));
    if (odd !== undefined) throw new Refusal(oddNameReason(String(odd)));
  }
  const qualified = names.map((parts) => parts.join('.'));
  if (body.removeType === 'OBJECT_TABLE') {
    // Every table it names, each with its schema: DROP TABLE a, audit.b stages both.
    if (body.behavior === 'DROP_CASCADE')
      return {
        type: 'refused',
        reason: `DROP TABLE ... CASCADE also drops what depends on ${qualified.join(', ')}: drop those first, by name`,
      };
    if (body.missing_ok)
      return {
        type: 'refused',
        reason: 'IF EXISTS: the staged DROP TABLE needs the table there (its undo puts it back); write it plainly',
      };
    return { type: 'drop-table', tables: qualified };
  }
  if (body.removeType === 'OBJECT_INDEX') {
    if (!body.concurrent)
      return {
        type: 'refused',
        reason: 'DROP INDEX locks its table against reads and writes: write DROP INDEX CONCURRENTLY',
      };
    if (body.behavior === 'DROP_CASCADE')
      return { type: 'refused', reason: 'DROP INDEX ... CASCADE also drops the constraints that use it' };
    // PostgreSQL drops one index at a time CONCURRENTLY: each is a statement of its own.
    if (qualified.length !== 1)
      return { type: 'refused', reason: 'DROP INDEX CONCURRENTLY drops one index: write one statement per index' };
    return { type: 'drop-index', index: qualified[0]!, ifExists: body.missing_ok === true };
  }
  if (body.removeType === 'OBJECT_SCHEMA' || body.removeType === 'OBJECT_DATABASE') {
    return { type: 'refused', reason: 'dropping a whole schema or database is not an operation ZeroOps automates' };
  }
  return notStaged(headline(statement.text));
}

export const isIdentifier = (text: string): boolean => /^[a-z_][a-z0-9_]{0,62}$/.test(text);

/**
 * Functions a transform may call. It runs on every row in the pull request's preflight, before
 * anyone approves, and its errors are shown there: a function that reads files, settings or other
 * sessions (pg_read_file, current_setting, dblink), sleeps or has side effects must not run on a
 * stranger's say-so. So these are pure builtins a conversion needs; casts and operators need none.
 */
const transformFunctions = new Set(
  (
    'lower upper initcap trim btrim ltrim rtrim replace translate substring substr left right length ' +
    'char_length octet_length concat concat_ws format lpad rpad split_part strpos position regexp_replace ' +
    'regexp_substr md5 encode decode convert_from convert_to to_char to_number to_date to_timestamp ' +
    'make_date make_time make_timestamp make_timestamptz make_interval date_trunc date_part extract timezone ' +
    'abs round trunc floor ceil ceiling sign greatest least nullif coalesce to_json to_jsonb json_build_object ' +
    'jsonb_build_object json_build_array jsonb_build_array json_extract_path_text jsonb_extract_path_text ' +
    'jsonb_strip_nulls array_to_string string_to_array array_length cardinality'
  ).split(' '),
);

/**
 * Why `expression` cannot be a transform of `column`, or undefined when it can: one SQL expression
 * over that column alone (no subquery, no other column), no dollar quote or comment (it is placed in
 * function bodies), and only the functions above (it runs in the preflight before approval).
 */
export function transformProblem(expression: string, column: string): string | undefined {
  if (expression.includes('$')) return 'no dollar quotes: it is placed inside a function body';
  if (/--|\/\*/.test(expression)) return 'no comments: it is placed inside a function body';
  let tree: { stmts?: { stmt: Node }[] };
  try {
    tree = parseSync(`SELECT (${expression}) FROM t WHERE ${columnInSql(column)} IS NOT NULL`) as typeof tree;
  } catch {
    return 'it is not one SQL expression';
  }
  if (tree.stmts?.length !== 1) return 'it is not one SQL expression';
  const select = tree.stmts[0]!.stmt.SelectStmt as Node | undefined;
  // The expression must stay inside its parentheses: one that closes them early could bring a FROM,
  // a UNION or a WHERE of its own, and the preflight runs it before approval.
  const from = (select?.fromClause as Node[] | undefined) ?? [];
  if (
    !select ||
    select.op !== 'SETOP_NONE' ||
    select.targetList?.length !== 1 ||
    from.length !== 1 ||
    from[0]?.RangeVar?.relname !== 't' ||
    from[0]?.RangeVar?.schemaname !== undefined ||
    !select.whereClause?.NullTest ||
    select.groupClause ||
    select.havingClause ||
    select.sortClause ||
    select.limitCount ||
    select.windowClause ||
    select.withClause
  )
    return 'it is not one SQL expression';
  for (const n of nodesOf([select.targetList, select.whereClause])) {
    if (n.SubLink || n.RangeVar || n.ColumnRef?.fields?.some((f: Node) => f.A_Star)) return 'no subquery';
    // `user`, `current_date`, `current_schema`…: the session's or the clock's value, not the column's.
    const literal = n.A_Const?.sval?.sval as string | undefined;
    if (literal !== undefined && /^\s*(now|today|tomorrow|yesterday)\s*$/i.test(literal))
      return `'${literal.trim()}' is the clock's value when it runs, not ${column}'s`;
    if (n.SQLValueFunction)
      return (
        `it reads a value of the session or the clock, not ${column} (a column named like a keyword is ` +
        'written "quoted")'
      );
    // Only the column itself, unqualified: `other.a` would read another relation's column.
    if (n.ColumnRef && (n.ColumnRef.fields.length !== 1 || n.ColumnRef.fields[0]?.String?.sval !== column))
      return `it may read ${column} and no other column`;
    if (n.FuncCall) {
      const name = ((n.FuncCall.funcname as Node[]).map((f) => f.String?.sval) as string[]).join('.');
      if (!transformFunctions.has(name.replace(/^pg_catalog\./, '')))
        return `${name}() is not among the pure builtins a transform may call (it runs before approval)`;
    }
    const cast = n.TypeCast && typeNameOf(n.TypeCast.typeName as Node);
    if (cast && catalogLookupType.test(cast))
      return `a cast to ${cast} looks its text up in the catalog (it runs before approval)`;
  }
  return undefined;
}

/**
 * A column's name as an expression refers to it: bare when PostgreSQL reads it back as that column,
 * quoted otherwise. `user` bare is `current_user`, `order` a syntax error, `Name` the column `name`.
 */
export function columnInSql(name: string): string {
  try {
    const tree = parseSync(`SELECT ${name} FROM t`) as { stmts?: { stmt: Node }[] };
    const target = (tree.stmts?.[0]?.stmt.SelectStmt?.targetList as Node[] | undefined)?.[0]?.ResTarget?.val;
    const fields = target?.ColumnRef?.fields as Node[] | undefined;
    if (fields?.length === 1 && fields[0]?.String?.sval === name) return name;
  } catch {
    // Not an identifier bare: quoted below.
  }
  return quoteIdent(name);
}

/** regclass, regtype, regrole, …: their input reads the catalog, and its error quotes the text. */
export const catalogLookupType = /^(?:"?pg_catalog"?\s*\.\s*)?"?_?reg[a-z]*"?\s*(?:\[\s*\d*\s*\]\s*)*$/i;

/** The first cast to a reg* type in a statement, if any. */
function catalogCastIn(stmt: Node): string | undefined {
  for (const n of nodesOf(stmt)) {
    const cast = n.TypeCast && typeNameOf(n.TypeCast.typeName as Node);
    if (cast && catalogLookupType.test(cast)) return cast;
  }
  return undefined;
}

const typeNameOf = (typeName: Node | undefined): string =>
  (((typeName?.names as Node[] | undefined) ?? []).map((n) => n.String?.sval) as string[]).join('.');

/** One type name, as a column of a table would have it (not a type followed by more SQL). */
export function isTypeName(type: string): boolean {
  if (/[;$]/.test(type)) return false;
  try {
    const tree = parseSync(`CREATE TABLE t (c ${type})`) as { stmts?: { stmt: Node }[] };
    const create = tree.stmts?.length === 1 ? (tree.stmts[0]!.stmt.CreateStmt as Node | undefined) : undefined;
    const columns = (create?.tableElts as Node[] | undefined) ?? [];
    const column = columns.length === 1 ? (columns[0]!.ColumnDef as Node | undefined) : undefined;
    if (!column || column.constraints || column.collClause || column.typeName?.setof) return false;
    // A cast takes a type and nothing after it: `int) WITH (fillfactor = 10` closes the table's list.
    const cast = parseSync(`SELECT NULL::${type}`) as { stmts?: { stmt: Node }[] };
    const target = (cast.stmts?.[0]?.stmt.SelectStmt?.targetList as Node[] | undefined)?.[0]?.ResTarget?.val;
    return cast.stmts?.length === 1 && !!target?.TypeCast;
  } catch {
    return false;
  }
}
