/**
 * What each `postgres` action does, for people (see action-docs.ts). Only SchemaChange plans use
 * them: a Runbook cannot name the postgres provider, so no raw DDL runs around the staging. Pure data.
 */
import { param, type ActionDoc } from './action-doc.js';

const database = param(
  'database',
  'text',
  "The database, as the config's `spec.providers.postgres.databases` names it.",
);
const table = param('table', 'SQL name', 'The table, schema-qualified when it is not in the search path.');
const column = param('column', 'SQL name', 'The column.');
const lockTimeout = param(
  'lockTimeoutSeconds',
  'number',
  "PostgreSQL's lock_timeout per attempt; a DDL that waits longer is rolled back and retried with backoff.",
  false,
);
const sync = [
  database,
  table,
  param('from', 'SQL name', 'The old column.'),
  param('to', 'SQL name', 'The new column.'),
  param('type', 'SQL type', "Type of the new column (default: the old column's).", false),
  param('using', 'SQL expression', 'The new value, computed from the old column (default: the old column).', false),
  param('onInvalid', 'mapping', 'What a value the transform cannot convert becomes: fail, null or keep-text.', false),
];
const ddl = 'Every DDL runs with `lock_timeout` and bounded retries; the session it waited for is named in the output.';

export const postgresActionDocs: Record<string, ActionDoc> = {
  'postgres add-column': {
    does: `Adds a nullable column (and the column keeping unconvertible text, if any). ${ddl}`,
    params: [database, table, column, param('type', 'SQL type', 'Its type, or copyTypeOf another column.', false)],
    undo: '`postgres drop-column` of the same column.',
  },
  'postgres drop-column': {
    does: `Drops a column if it exists (as a replacement's last step, with the replacement's transform). ${ddl}`,
    params: [database, table, column, lockTimeout],
    undo: 'From the snapshot only: `postgres restore-column-snapshot`.',
  },
  'postgres create-sync-trigger': {
    does: 'Creates the transform function and a trigger so that every write of the old column sets the new one.',
    params: sync,
    undo: '`postgres drop-sync-trigger`.',
  },
  'postgres drop-sync-trigger': {
    does: 'Drops the dual-write trigger, its function and the transform.',
    params: sync,
    undo: '`postgres create-sync-trigger`.',
  },
  'postgres backfill': {
    does:
      'Sets the new column from the old in key-range batches up to the key frozen at start, each batch and its ' +
      'checkpoint in one statement (a crash resumes at the first unfinished range), paced by what the application ' +
      'feels: sessions waiting on locks or to write WAL, replica lag, the latency of a probe read and the batch ' +
      'time; it writes at most a quarter of the time.',
    params: [...sync, param('batchSize', 'number', 'Rows per batch to start from; the throttle adapts it.')],
    undo: 'None needed: dropping the new column undoes it.',
  },
  'postgres verify-column': {
    does: 'Compares the new column with the transform of the old, per key range; fails listing the keys that differ.',
    params: sync,
    undo: 'None needed: it reads only.',
  },
  'postgres assert-no-new-writes': {
    does:
      "Going back past the switch of readers: fails when a row's new column holds a value the transform of the old " +
      'does not give (written into the new column alone), so the rollback stops with both columns in place rather ' +
      'than drop those values with the new column.',
    params: sync,
    undo: 'None needed: it reads only.',
  },
  'postgres column-readers': {
    does: 'Lists the statements of `pg_stat_statements` that used the column during a short window.',
    params: [database, table, column, param('windowSeconds', 'number', 'How long to watch (default 30).', false)],
    undo: 'None needed: it reads only.',
  },
  'postgres rename-column': {
    does:
      `Renames a column; with \`unlessUsedWithinSeconds\`, it is held (retried later) while statements still ` +
      `use it. ${ddl}`,
    params: [database, table, column, param('newName', 'SQL name', 'The new name.'), lockTimeout],
    undo: '`postgres rename-column` back.',
  },
  'postgres assert-column-unused': {
    does: 'Fails when any statement used the column during the window.',
    params: [database, table, column, param('windowSeconds', 'number', 'How long to watch (default 30).', false)],
    undo: 'None needed: it reads only.',
  },
  'postgres snapshot-column': {
    does:
      'Copies (key, column) into the `zeroops` schema and proves the copy with a checksum taken in the same ' +
      'snapshot.',
    params: [database, table, column],
    undo: 'None needed: the copy is what the drop is undone from.',
  },
  'postgres restore-column-snapshot': {
    does: 'Adds the column back if needed and restores it from its snapshot, then compares checksums.',
    params: [database, table, column, lockTimeout],
    undo: 'None needed.',
  },
  'postgres rename-table': {
    does: `Renames a table. ${ddl}`,
    params: [database, table, param('newName', 'SQL name', 'The new name.'), lockTimeout],
    undo: '`postgres rename-table` back.',
  },
  'postgres assert-table-unused': {
    does: 'Fails when any statement named the table during the window.',
    params: [database, table, param('windowSeconds', 'number', 'How long to watch (default 30).', false)],
    undo: 'None needed: it reads only.',
  },
  'postgres drop-table': {
    does: `Drops a table. ${ddl}`,
    params: [database, table, lockTimeout],
    undo: 'None: its plan step waits for a person.',
  },
  'postgres drop-index': {
    does:
      'Keeps the index definition (`pg_get_indexdef`), tablespace, comment and CLUSTER mark in the `zeroops` ' +
      'schema under the run, then drops the index ' +
      'CONCURRENTLY (its lock blocks no read or write). An index that enforces a constraint, or is its ' +
      "table's REPLICA IDENTITY, is refused; a missing one is an error unless `ifExists`.",
    params: [
      database,
      param('index', 'SQL name', 'The index, schema-qualified when it is not in the search path.'),
      param('ifExists', 'boolean', 'DROP INDEX … IF EXISTS: a missing index is not an error.', false),
    ],
    undo: '`postgres restore-index`: built again from the kept definition.',
  },
  'postgres restore-index': {
    does:
      'Builds again, CONCURRENTLY, an index this run dropped, from the definition the drop kept, in its ' +
      'tablespace, then sets its comment and CLUSTER mark; the same index already valid only gets those set ' +
      'again, an invalid leftover no one is building is dropped first, and another index ' +
      'of the name stops it for a person. A unique index fails to build if duplicates arrived meanwhile.',
    params: [database, param('index', 'SQL name', 'The index the run dropped.')],
    undo: 'None needed.',
  },
  'postgres execute': {
    does: `Runs one additive statement of a SchemaChange (CREATE TABLE, ADD COLUMN, NOT VALID constraints). ${ddl}`,
    params: [
      database,
      param('sql', 'SQL', 'The statement.'),
      lockTimeout,
      param(
        'concurrently',
        'boolean',
        'CREATE or DROP INDEX CONCURRENTLY: run outside a transaction, without lock_timeout ' +
          '(its lock blocks no read or write).',
        false,
      ),
    ],
    undo: 'The inverse statement the plan states (e.g. DROP COLUMN).',
  },
};
