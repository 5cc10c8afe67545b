/** CREATE TABLE, CREATE INDEX, renames and DROP: what each is staged as, or why it is refused. */
import { leadingComments, quoteIdent, quoteTable } from '../../providers/postgres/identifiers.js';
import {
  headline,
  notStaged,
  objectName,
  oddName,
  type StatementClass,
  type StatementSource,
} from './statement-class.js';
import { inSchemaOf, isIdentifier, oddNameReason, relationName, retiredName } from './sql-names.js';
import { Refusal, type Node } from './sql-tree.js';

export function createTable(body: Node): StatementClass {
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

export function rename(body: Node, statement: StatementSource): StatementClass {
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

/** Leading comments and blanks, then CREATE [UNIQUE] INDEX: where CONCURRENTLY goes. */
const indexHead = new RegExp(String.raw`^(${leadingComments}create\s+(?:unique\s+)?index)\s+`, 'i');

export function createIndex(body: Node, text: string): StatementClass {
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

export function dropStatement(body: Node, statement: StatementSource): StatementClass {
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
