/** ALTER TABLE: which commands are additive, which are staged, which are refused and why. */
import { quoteIdent, quoteTable } from '../../providers/postgres/identifiers.js';
import { notStaged, objectName, oddName, type StatementClass, type StatementSource } from './statement-class.js';
import { inSchemaOf, isIdentifier, relationName } from './sql-names.js';
import { catalogLookupType, isTypeName, transformProblem } from './sql-transform.js';
import { functionNames, nodesOf, type Node } from './sql-tree.js';

/** The ALTER TABLE commands staged as a flow of steps, by what the flow is called. */
const stagedBy: Record<string, string> = {
  AT_DropColumn: 'DROP COLUMN',
  AT_AlterColumnType: 'type change',
  AT_SetNotNull: 'SET NOT NULL',
};

export function alterTable(body: Node, statement: StatementSource): StatementClass {
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

/** The plain column names an index's or a constraint's tree reads (its expressions, keys, elements). */
export function withReads(c: StatementClass, tree: unknown): StatementClass {
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

const unnamedConstraint: StatementClass = {
  type: 'refused',
  reason: 'name the constraint (ADD CONSTRAINT <name> …): its undo drops it by name, and a retry must find it',
};

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
      reason:
        `adding NOT NULL column ${def.colname} without a DEFAULT fails on a table that has rows: add a DEFAULT, ` +
        'or add it nullable and backfill',
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
