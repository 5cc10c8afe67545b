/** What a SchemaChange statement is to ZeroOps (its class), and the refusals several statements share. */
import { withoutLeadingComments } from '../../providers/postgres/identifiers.js';
import { oddNameReason } from './sql-names.js';

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

/** A statement's text, and its text from a byte location the parser gave up to the statement's end. */
export interface StatementSource {
  text: string;
  from(byte: number): string;
}

export const changesRows = (statement: StatementSource): StatementClass => ({
  type: 'refused',
  reason:
    `${headline(statement.text)} changes rows, which a rollback could not put back: a SchemaChange changes the ` +
    `schema (fill a new column with replaceColumn's batched, verified backfill)`,
});

export const notStaged = (what: string): StatementClass => ({
  type: 'refused',
  reason:
    `${what} is not a change ZeroOps stages, so it is refused rather than run raw. It runs additive DDL (CREATE ` +
    `TABLE, ADD COLUMN, ADD CONSTRAINT … NOT VALID, VALIDATE CONSTRAINT, SET/DROP DEFAULT, CREATE and DROP INDEX ` +
    `CONCURRENTLY, COMMENT ON) and stages DROP COLUMN, type changes, column renames, SET NOT NULL and DROP TABLE`,
});

/** The statement's first words, for a reason: `DROP TYPE`, `CREATE FUNCTION`, `DO`. */
export const headline = (text: string): string =>
  (/^([A-Za-z_]\w*)(?:\s+([A-Za-z_]\w*))?/.exec(withoutLeadingComments(text)) ?? [])
    .slice(1)
    .filter(Boolean)
    .join(' ')
    .toUpperCase() || 'this statement';

/** OBJECT_FOREIGN_TABLE → foreign table. */
export const objectName = (objectType: unknown): string =>
  String(objectType)
    .replace(/^OBJECT_/, '')
    .replace(/_/g, ' ')
    .toLowerCase();

export const oddName = (name: string): StatementClass => ({ type: 'refused', reason: oddNameReason(name) });
