/**
 * What each `mysql` action does, for people (see action-docs.ts). Only SchemaChange plans on a
 * MySQL or MariaDB database use them: a Runbook cannot name the mysql provider. Pure data.
 */
import { param, type ActionDoc } from './action-doc.js';

const database = param('database', 'text', "The database, as the config's `spec.providers.mysql.databases` names it.");
const table = param('table', 'SQL name', 'The table, `db.table` when it is not in the connection’s database.');
const column = param('column', 'SQL name', 'The column.');
const lockWait = param(
  'lockTimeoutSeconds',
  'number',
  'The lock_wait_timeout of each attempt, rounded up to whole seconds (MySQL counts in seconds); default 1.',
  false,
);
const ladder =
  'Each attempt waits at most lock_wait_timeout, then retries with backoff; ' +
  'the output names the open transactions it waited behind.';
const batchSize = param('batchSize', 'number', 'Rows per key range (default 1000).', false);

export const mysqlActionDocs: Record<string, ActionDoc> = {
  'mysql online-alter': {
    does:
      'Runs the ALTER TABLE clauses through pt-online-schema-change: a shadow table kept in step by triggers, rows ' +
      'copied in chunks of about 0.1 s (paused while more than 25 threads run), ' +
      'then one atomic RENAME swaps the two. ' +
      'Progress every 5 %. A copy left running by a worker that died is waited for, and a change already in place is ' +
      'not made twice.',
    params: [
      database,
      table,
      param('alter', 'SQL', 'The clauses after ALTER TABLE <table>, e.g. DROP COLUMN name.'),
      param(
        'expect',
        'mapping',
        'The column or index the change leaves (present) or removes: how a retry sees it is done.',
        false,
      ),
      lockWait,
    ],
    undo:
      'The inverse clauses through the same tool (ADD COLUMN ↔ DROP COLUMN, ADD INDEX ↔ DROP INDEX); ' +
      'a dropped column from its snapshot.',
  },
  'mysql rename-column': {
    does: `RENAME COLUMN in place (metadata only on MariaDB 10.5+ and MySQL 8.0). ${ladder}`,
    params: [database, table, column, param('newName', 'SQL name', 'The new name.'), lockWait],
    undo: 'The rename back.',
  },
  'mysql rename-table': {
    does: `RENAME TABLE, atomic. ${ladder}`,
    params: [database, table, param('newName', 'SQL name', 'The new name.'), lockWait],
    undo: 'The rename back.',
  },
  'mysql drop-table': {
    does: `DROP TABLE IF EXISTS. ${ladder}`,
    params: [database, table, lockWait],
    undo: 'None: a table drop waits for its own approval after the observation.',
  },
  'mysql execute': {
    does: `Runs one additive statement as written (CREATE TABLE). ${ladder}`,
    params: [database, param('sql', 'SQL', 'The statement.'), lockWait],
    undo: 'The statement’s inverse, planned with it (DROP TABLE IF EXISTS).',
  },
  'mysql describe-table': {
    does: 'Reads the table’s columns and estimated rows: the evidence of an observation step.',
    params: [database, table],
    undo: 'None needed: it reads only.',
  },
  'mysql snapshot-column': {
    does:
      'Copies (primary key, value) in key ranges, read-committed, into a helper table whose comment keeps the ' +
      'column’s definition and position; ends with an order-free checksum equal to the table’s.',
    params: [database, table, column, batchSize],
    undo: '`mysql drop-snapshot`.',
  },
  'mysql restore-column-snapshot': {
    does:
      'Adds the column back where it was (through pt-online-schema-change) and writes every value back from the ' +
      'snapshot; fails unless the checksum equals the snapshot’s.',
    params: [database, table, column, batchSize, lockWait],
    undo: 'None: it is itself an undo.',
  },
  'mysql drop-snapshot': {
    does: 'Drops the snapshot helper table of a column.',
    params: [database, table, column],
    undo: 'None needed.',
  },
};
