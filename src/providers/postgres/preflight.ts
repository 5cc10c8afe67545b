/**
 * The preflight of a schema change, read-only and bounded (a READ ONLY transaction with a statement
 * timeout): the table's size, key, indexes, triggers, foreign keys and replicas; for a transform,
 * the rows it would fail on or turn into NULL, with examples; and what hangs on each column or table
 * the change drops, before anyone approves.
 */
import type pg from 'pg';
import type { HeapFacts, PreflightFacts, PreflightTarget, SchemaPreflight, TransformFacts } from '../../app/ports.js';
import { databaseErrorShown } from '../value-shape.js';
import { partitionsOf, retiredColumnFacts, retiredTableBlockers } from './column-dependents.js';
import { databaseUrl } from './database-url.js';
import { quoteIdent, quoteTable } from './identifiers.js';
import { withClient } from './sessions.js';
import { primaryKey } from './table-facts.js';

/** Rows whose transform is tried; past this, counts are of these rows (and the report says so). */
const transformRowLimit = 1_000_000;
const examplesKept = 5;
const heapSampleRows = 10_000;
/** A heap tuple's header with its null bitmap, as stored (23 bytes, aligned). */
const tupleHeaderBytes = 24;

export const postgresPreflight: SchemaPreflight = {
  // Its errors go on the pull request: by their SQLSTATE where the text could quote a row.
  inspect: (target, providers) =>
    preflight(databaseUrl(providers, target.database), target).catch((error: unknown) => {
      throw error instanceof TableMissing || error instanceof PreflightRefusal
        ? error
        : new Error(databaseErrorShown(error));
    }),
};

export async function preflight(url: string, target: PreflightTarget): Promise<PreflightFacts> {
  return withClient(url, async (client) => {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY'); // one snapshot for every figure
    try {
      await client.query(`SET LOCAL statement_timeout = '30s'`);
      await client.query(`SET LOCAL lock_timeout = '1s'`);
      await refuseHiddenRows(client, target);
      const facts = await tableFacts(client, target.table);
      if (target.transform) facts.updateTriggers = await updateTriggers(client, target.table);
      if (target.transform && 'column' in facts.key)
        facts.transform = await transformFacts(client, target.table, facts.key.column, target.transform);
      const heap =
        target.transform &&
        (await optional(client, 'heap', () => heapFacts(client, target.table, target.transform!.from)));
      // The new column's width is the transform's output where it was tried, else the old column's.
      if (heap) facts.heap = { ...heap, newColumnBytes: facts.transform?.convertedBytes ?? heap.newColumnBytes };
      if (target.retiredColumns?.length)
        facts.retiredColumns = await retiredColumnFacts(client, target.table, target.retiredColumns);
      if (target.addedColumns?.length)
        facts.takenColumns = await takenColumns(client, target.table, target.addedColumns);
      if (target.retiresTable) {
        facts.tableBlockers = await retiredTableBlockers(client, target.table, target.droppedBefore);
        facts.tablePartitions = await optional(client, 'partitions', () => partitionsOf(client, target.table));
      }
      return facts;
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
    }
  });
}

/**
 * What makes a change that reads or writes the rows unsafe, refused before approval. Row-level
 * security that applies to ZeroOps' role would hide rows from the backfill, the verification and the
 * snapshot, each reporting success over what it saw (its sessions turn row_security off, so they fail
 * instead). A table others inherit from (not its partitions) is written through them too, where the
 * dual-write trigger on the parent does not fire.
 */
async function refuseHiddenRows(client: pg.ClientBase, target: PreflightTarget): Promise<void> {
  const name = quoteTable(target.table);
  const { rows } = await client.query<{ hidden: boolean; children: string[] | null }>(
    `SELECT c.relrowsecurity AND (c.relforcerowsecurity OR NOT pg_has_role(current_user, c.relowner, 'USAGE'))
              AND NOT r.rolbypassrls AND NOT r.rolsuper AS hidden,
            (SELECT array_agg(i.inhrelid::regclass::text ORDER BY i.inhrelid::regclass::text) FROM pg_inherits i
              WHERE i.inhparent = c.oid AND c.relkind = 'r') AS children
       FROM pg_class c, pg_roles r WHERE c.oid = to_regclass($1) AND r.rolname = current_user`,
    [name],
  );
  const found = rows[0];
  if (!found) return; // no such table: tableFacts says so
  const touchesRows = Boolean(target.transform || target.retiredColumns?.length || target.retiresTable);
  if (found.hidden && touchesRows)
    throw new PreflightRefusal(
      `row-level security applies to ZeroOps' role on ${target.table}: the backfill, the verification and the ` +
        'snapshot would see only the rows its policies let through, and the drop would lose the others. Give the ' +
        'role BYPASSRLS (or make the change as the table owner without FORCE ROW LEVEL SECURITY)',
    );
  // The figures are then of what the role sees: a change that reads no rows needs no more.
  if (found.hidden) await client.query('SET LOCAL row_security = on');
  if (found.children?.length && target.transform)
    throw new PreflightRefusal(
      `${found.children.join(', ')} inherit${found.children.length === 1 ? 's' : ''} from ${target.table}: rows ` +
        'written to them directly would escape the dual-write trigger on the parent; replace the column in each ' +
        'table on its own, or make them partitions',
    );
}

/**
 * The table's enabled triggers that fire on any UPDATE (no column list): the backfill's updates fire
 * them on every row, so what they do (an updated_at, an audit row) is done once per row, and undone
 * by no rollback.
 */
async function updateTriggers(client: pg.ClientBase, table: string): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT tgname AS name FROM pg_trigger
      WHERE tgrelid = to_regclass($1) AND NOT tgisinternal AND tgenabled <> 'D'
        AND tgtype & 16 <> 0 AND cardinality(tgattr::int2[]) = 0 ORDER BY tgname`,
    [quoteTable(table)],
  );
  return rows.map((r) => r.name);
}

/** A figure the plan can do without: if reading it fails (a column not granted, a timeout), it is left out. */
async function optional<T>(client: pg.ClientBase, name: string, read: () => Promise<T>): Promise<T | undefined> {
  await client.query(`SAVEPOINT ${name}`);
  try {
    return await read();
  } catch {
    await client.query(`ROLLBACK TO SAVEPOINT ${name}`);
    return undefined;
  }
}

async function tableFacts(client: pg.ClientBase, table: string): Promise<PreflightFacts> {
  const name = quoteTable(table);
  const exists = await client.query('SELECT to_regclass($1) IS NOT NULL AS exists', [name]);
  if (!exists.rows[0]?.exists) throw new TableMissing(table);
  const size = await client.query<{ rows: string; bytes: string }>(
    `SELECT (SELECT count(*) FROM ${name}) AS rows, pg_total_relation_size(to_regclass($1)) AS bytes`,
    [name],
  );
  const key = await client.query('SAVEPOINT key_check').then(async () => {
    try {
      const key = await primaryKey(client, table);
      return { column: key.name, type: key.type };
    } catch (error) {
      await client.query('ROLLBACK TO SAVEPOINT key_check');
      return { problem: (error as Error).message };
    }
  });
  const list = async (sql: string) => (await client.query<{ d: string }>(sql, [name])).rows.map((r) => r.d);
  const indexes = await list(`SELECT pg_get_indexdef(indexrelid) AS d FROM pg_index WHERE indrelid = to_regclass($1)`);
  const triggers = await list(
    `SELECT tgname AS d FROM pg_trigger WHERE tgrelid = to_regclass($1) AND NOT tgisinternal ORDER BY tgname`,
  );
  const foreignKeys = await list(
    `SELECT conrelid::regclass || ': ' || pg_get_constraintdef(oid) AS d FROM pg_constraint
      WHERE contype = 'f' AND (conrelid = to_regclass($1) OR confrelid = to_regclass($1))`,
  );
  const replicas = await client.query<{ name: string; lag: number | null }>(
    `SELECT coalesce(application_name, client_addr::text, 'replica') AS name,
            extract(epoch FROM replay_lag)::float8 AS lag FROM pg_stat_replication`,
  );
  const tracked = await client.query(`SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements'`);
  return {
    rows: Number(size.rows[0]!.rows),
    bytes: Number(size.rows[0]!.bytes),
    key,
    indexes,
    triggers,
    foreignKeys,
    replicas: replicas.rows.map((r) => ({ name: r.name, lagSeconds: r.lag ?? 0 })),
    statementsTracked: tracked.rows.length > 0,
  };
}

/**
 * The heap's size and fillfactor, its indexes' size, and the average stored row and old column over
 * its first rows. Each column is measured as stored (a value moved out of line counts as its
 * pointer, which an update keeps), not as a whole-row value, which would fetch it. Only a plain
 * table: a partitioned one has no heap of its own, and its partitions their own fillfactors.
 */
async function heapFacts(client: pg.ClientBase, table: string, column: string): Promise<HeapFacts | undefined> {
  const name = quoteTable(table);
  const { rows: columns } = await client.query<{ name: string }>(
    `SELECT attname AS name FROM pg_attribute
      WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
    [name],
  );
  const stored = columns.map((c) => `coalesce(pg_column_size(t.${quoteIdent(c.name)}), 0)`).join(' + ');
  const { rows } = await client.query<{ bytes: string; index: string; fillfactor: number; row: number; col: number }>(
    `SELECT pg_relation_size(c.oid) AS bytes, pg_indexes_size(c.oid) AS index,
            coalesce((SELECT option_value::int FROM pg_options_to_table(c.reloptions)
                       WHERE option_name = 'fillfactor'), 100) AS fillfactor,
            coalesce(s.row, 0)::float8 AS row, coalesce(s.col, 0)::float8 AS col
       FROM pg_class c,
            (SELECT avg(${tupleHeaderBytes} + ${stored || '0'}) AS row,
                    avg(coalesce(pg_column_size(t.${quoteIdent(column)}), 0)) AS col
               FROM (SELECT * FROM ${name} LIMIT ${heapSampleRows}) AS t) AS s
      WHERE c.oid = to_regclass($1) AND c.relkind = 'r'`,
    [name],
  );
  const r = rows[0];
  if (!r) return undefined;
  return {
    bytes: Number(r.bytes),
    indexBytes: Number(r.index),
    fillfactor: r.fillfactor,
    rowBytes: r.row,
    newColumnBytes: r.col,
  };
}

/**
 * Every row (up to the limit) through the transform, each in a block of its own so one failure is
 * counted, not fatal; a DO block reads only, and reports through a notice.
 */
async function transformFacts(
  client: pg.ClientBase,
  table: string,
  key: string,
  transform: { from: string; using: string; type: string },
): Promise<TransformFacts> {
  const from = quoteIdent(transform.from);
  const body = `DO $zeroops$
#variable_conflict use_column
DECLARE
  r record; checked bigint := 0; failing bigint := 0; nulled bigint := 0;
  converted_bytes bigint := 0;
  failures jsonb := '[]'; nulls jsonb := '[]'; converted ${transform.type};
BEGIN
  FOR r IN SELECT ${quoteIdent(key)}::text AS k, ${from} AS v FROM ${quoteTable(table)} ORDER BY ${quoteIdent(key)}
    LIMIT ${transformRowLimit} LOOP
    checked := checked + 1;
    -- A NULL too: the backfill and the trigger run the transform over it (coalesce may make it a value).
    BEGIN
      SELECT (${transform.using})::${transform.type} INTO converted FROM (SELECT r.v AS ${from}) AS old_row;
      converted_bytes := converted_bytes + coalesce(pg_column_size(converted), 0);
      IF converted IS NULL AND r.v IS NOT NULL THEN
        nulled := nulled + 1;
        IF nulled <= ${examplesKept} THEN nulls := nulls || jsonb_build_object('key', r.k, 'value', left(r.v::text,
          60)); END IF;
      END IF;
    -- Any error (a reg* cast's "relation ... does not exist" too) counts against the row, by its
    -- SQLSTATE alone: the message may quote the value. (OTHERS leaves a cancel, e.g. the timeout, alone.)
    EXCEPTION WHEN OTHERS THEN
      failing := failing + 1;
      IF failing <= ${examplesKept} THEN
        failures := failures || jsonb_build_object('key', r.k, 'value', left(r.v::text, 60), 'code', SQLSTATE);
      END IF;
    END;
  END LOOP;
  RAISE NOTICE 'zeroops-preflight %', jsonb_build_object('checked', checked, 'failing', failing, 'nulled', nulled,
    'failures', failures, 'nulls', nulls, 'convertedBytes', converted_bytes::float8 / nullif(checked, 0));
END $zeroops$`;
  let notice: string | undefined;
  const listen = (n: { message?: string }) => {
    if (n.message?.startsWith('zeroops-preflight ')) notice = n.message.slice('zeroops-preflight '.length);
  };
  client.on('notice', listen);
  try {
    await client.query(body);
  } finally {
    client.off('notice', listen);
  }
  const found = JSON.parse(notice ?? '{}') as {
    checked: number;
    failing: number;
    nulled: number;
    failures: { key: string; value: string; code: string }[];
    nulls: { key: string; value: string }[];
    convertedBytes: number | null;
  };
  return {
    checked: found.checked,
    partial: found.checked >= transformRowLimit,
    failing: {
      count: found.failing,
      examples: found.failures,
    },
    nulled: { count: found.nulled, examples: found.nulls },
    ...(found.convertedBytes == null ? {} : { convertedBytes: Number(found.convertedBytes) }),
  };
}

/** Columns a replacement would add that exist already; ZeroOps marks its own with `zeroops run <id>`. */
async function takenColumns(client: pg.ClientBase, table: string, columns: string[]) {
  const { rows } = await client.query<{ column: string; note: string | null }>(
    `SELECT attname AS column, col_description(attrelid, attnum) AS note FROM pg_attribute
      WHERE attrelid = to_regclass($1) AND attname = ANY($2::text[]) AND attnum > 0 AND NOT attisdropped
      ORDER BY attnum`,
    [quoteTable(table), columns],
  );
  return rows.map((r) => {
    const run = /^zeroops run (.+)$/.exec(r.note ?? '')?.[1];
    return { column: r.column, ...(run ? { addedByRun: run } : {}) };
  });
}

/** A table the change creates: nothing to look at yet. */
/** A reason the change cannot run on this table as it stands: an error on the pull request. */
export class PreflightRefusal extends Error {
  readonly refusal = true;
}

export class TableMissing extends Error {
  constructor(readonly table: string) {
    super(`${table} does not exist yet`);
  }
}
