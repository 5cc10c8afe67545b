/**
 * A dropped index that a rollback can build again. The plan cannot know an index's definition (it
 * is written nowhere but the catalog), so the drop reads it first (`pg_get_indexdef`) and keeps it
 * in the `zeroops` schema under the run's name, with what that definition leaves out (its tablespace,
 * comment and CLUSTER mark); the undo builds it again from there, CONCURRENTLY. Both are
 * idempotent: a retried drop finds its kept definition, a retried build finds the index.
 */
import type pg from 'pg';
import { EffectError } from '../../engine/ports.js';
import { helperSchema, quoteIdent, quoteLiteral, quoteTable } from './identifiers.js';
import { runDdl, type DdlOutcome } from './lock-retry.js';
import { withClient } from './sessions.js';
import { columnType, ensureHelperSchema } from './table-facts.js';

const keptIndexes = `${quoteIdent(helperSchema)}.dropped_indexes`;
const concurrentOptions = (signal?: AbortSignal) => ({
  // A concurrent drop or build waits for older transactions and blocks no read or write: no
  // lock_timeout, hours to finish, outside a transaction.
  lockTimeoutMs: 0,
  statementTimeoutMs: 6 * 3600 * 1000,
  outsideTransaction: true,
  signal,
});

/** What building the index again needs: pg_get_indexdef, and what it leaves out. */
interface KeptIndex {
  definition: string;
  /** NULL: the database's default tablespace. */
  tablespace: string | null;
  comment: string | null;
  /** Marked for CLUSTER (`ALTER TABLE … CLUSTER ON`): the next plain CLUSTER of its table uses it. */
  clustered: boolean;
  /** Its table's schema and name, and its own name without the schema (NULL: kept by an older version). */
  tableSchema: string | null;
  tableName: string | null;
  relname: string | null;
}

interface IndexFacts extends KeptIndex {
  valid: boolean;
  /** The constraint it enforces, if any: dropping the index would not drop that. */
  constraint: string | null;
  /** The table's REPLICA IDENTITY: logical replication names updated rows by it. */
  replicaIdentity: boolean;
  /** A backend building it right now (CREATE INDEX CONCURRENTLY in progress). */
  builder: number | null;
}

async function indexFacts(client: pg.ClientBase, index: string): Promise<IndexFacts | undefined> {
  const { rows } = await client.query<IndexFacts>(
    `SELECT pg_get_indexdef(i.indexrelid) AS definition, i.indisvalid AS valid,
            (SELECT spcname FROM pg_tablespace WHERE oid = c.reltablespace) AS tablespace,
            obj_description(i.indexrelid, 'pg_class') AS comment, i.indisclustered AS clustered,
            tn.nspname AS "tableSchema", tc.relname AS "tableName", c.relname,
            (SELECT conname FROM pg_constraint WHERE conindid = i.indexrelid LIMIT 1) AS constraint,
            i.indisreplident AS "replicaIdentity",
            (SELECT pid FROM pg_stat_progress_create_index WHERE index_relid = i.indexrelid LIMIT 1) AS builder
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
       JOIN pg_class tc ON tc.oid = i.indrelid JOIN pg_namespace tn ON tn.oid = tc.relnamespace
      WHERE i.indexrelid = to_regclass($1)`,
    [quoteTable(index)],
  );
  return rows[0];
}

async function keptIndex(client: pg.ClientBase, runId: string, index: string): Promise<KeptIndex | undefined> {
  const { rows } = await client.query<KeptIndex>(
    `SELECT definition, tablespace, comment, clustered, table_schema AS "tableSchema", table_name AS "tableName",
            relname
       FROM ${keptIndexes} WHERE run = $1 AND index_name = $2`,
    [runId, index],
  );
  return rows[0];
}

async function ensureKeptIndexes(client: pg.ClientBase): Promise<void> {
  await ensureHelperSchema(client);
  const properties =
    'tablespace text, comment text, clustered boolean NOT NULL DEFAULT false, table_schema text, table_name text, ' +
    'relname text';
  await client.query(
    `CREATE TABLE IF NOT EXISTS ${keptIndexes} (
       run text NOT NULL, index_name text NOT NULL, definition text NOT NULL, ${properties},
       dropped_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (run, index_name))`,
  );
  // Made before the properties were (the newest is table_schema): those rows rebuild the definition
  // alone, as they did, unless the drop is retried while the index is still there.
  if ((await columnType(client, `${helperSchema}.dropped_indexes`, 'table_schema')) === undefined)
    await client.query(
      `ALTER TABLE ${keptIndexes} ${properties
        .split(', ')
        .map((c) => `ADD COLUMN IF NOT EXISTS ${c}`)
        .join(', ')}`,
    );
}

const anotherOne = (index: string, kept: string, found: string) =>
  new EffectError(
    `an index ${index} that is not the one this run dropped is there (${found}; this run dropped ${kept}): ` +
      'a person decides which to keep',
    false,
  );

/** Keeps the index's definition under the run's name, then drops it CONCURRENTLY. */
export async function dropIndex(
  url: string,
  index: string,
  runId: string,
  options: { ifExists?: boolean; signal?: AbortSignal } = {},
): Promise<{ summary: string; definition?: string; ddl?: DdlOutcome }> {
  const found = await withClient(url, async (client) => {
    await ensureKeptIndexes(client);
    const facts = await indexFacts(client, index);
    const keptBefore = await keptIndex(client, runId, index);
    const kept = keptBefore?.definition;
    if (!facts) return { kept };
    if (facts.constraint)
      throw new EffectError(
        `${index} enforces the constraint ${facts.constraint}: drop the constraint (ALTER TABLE … DROP ` +
          'CONSTRAINT), not its index',
        false,
      );
    if (facts.replicaIdentity)
      throw new EffectError(
        `${index} is its table's REPLICA IDENTITY: logical replication names updated rows by it; set another ` +
          'identity (ALTER TABLE … REPLICA IDENTITY) first',
        false,
      );
    // A retry after the drop finds the kept one; an index of the name made since is somebody else's.
    if (kept !== undefined && kept !== facts.definition) throw anotherOne(index, kept, facts.definition);
    // Only a valid index is worth building again; an invalid one is a failed build's leftover. A row an
    // older version kept (the definition alone) gains what is kept now, while the index is still there.
    if (facts.valid && (keptBefore === undefined || keptBefore.tableSchema === null))
      await client.query(
        `INSERT INTO ${keptIndexes}
           (run, index_name, definition, tablespace, comment, clustered, table_schema, table_name, relname)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (run, index_name) DO UPDATE SET tablespace = $4, comment = $5, clustered = $6,
           table_schema = $7, table_name = $8, relname = $9`,
        [
          runId,
          index,
          facts.definition,
          facts.tablespace,
          facts.comment,
          facts.clustered,
          facts.tableSchema,
          facts.tableName,
          facts.relname,
        ],
      );
    return { facts, kept };
  });
  if (!found.facts) {
    if (found.kept !== undefined) return { summary: `${index} is dropped: dropped before, its definition kept` };
    if (options.ifExists) return { summary: `${index} does not exist: nothing to drop (IF EXISTS)` };
    throw new EffectError(`there is no index ${index}: nothing to drop (write IF EXISTS if that is expected)`, false);
  }
  const ddl = await runDdl(
    url,
    [`DROP INDEX CONCURRENTLY IF EXISTS ${quoteTable(index)}`],
    concurrentOptions(options.signal),
  );
  return found.facts.valid
    ? {
        summary: `dropped ${index}; its definition is kept for a rollback: ${found.facts.definition}`,
        definition: found.facts.definition,
        ddl,
      }
    : { summary: `dropped ${index}, an invalid index (a failed build's leftover): nothing to build again`, ddl };
}

/** The undo: the index this run dropped, built again CONCURRENTLY from its kept definition. */
export async function restoreIndex(
  url: string,
  index: string,
  runId: string,
  signal?: AbortSignal,
): Promise<{ summary: string; ddl?: DdlOutcome }> {
  const { kept, facts } = await withClient(url, async (client) => {
    await ensureKeptIndexes(client);
    return { kept: await keptIndex(client, runId, index), facts: await indexFacts(client, index) };
  });
  if (kept === undefined) return { summary: `this run did not drop ${index}: nothing to build` };
  if (facts?.valid) {
    if (facts.definition !== kept.definition) throw anotherOne(index, kept.definition, facts.definition);
    // Built by an attempt that may have died before the properties: setting them again is harmless.
    const properties = propertiesOf(index, kept);
    const ddl = properties.length ? await runDdl(url, properties, concurrentOptions(signal)) : undefined;
    return { summary: `${index} exists and is valid: built before`, ddl };
  }
  // An earlier attempt's build may still be running (it outlived its step): never drop it under it.
  if (facts?.builder) throw new EffectError(`${index} is still being built, by backend ${facts.builder}`, true);
  const statements = [
    // A build that failed half-way leaves an invalid index of the same name behind.
    ...(facts ? [`DROP INDEX CONCURRENTLY IF EXISTS ${quoteTable(index)}`] : []),
    // As pg_dump does: the definition names no tablespace, the session's default places the index
    // ('' is the database's own, whatever the role's default says).
    `SET default_tablespace = ${kept.tablespace ? quoteIdent(kept.tablespace) : "''"}`,
    concurrentBuild(kept.definition),
    ...propertiesOf(index, kept),
  ];
  const ddl = await runDdl(url, statements, concurrentOptions(signal));
  const where = kept.tablespace ? ` (tablespace ${kept.tablespace})` : '';
  return { summary: `built ${index} again, CONCURRENTLY${where}: ${kept.definition}`, ddl };
}

/** Its comment and CLUSTER mark, which pg_get_indexdef leaves out; catalog changes only. */
function propertiesOf(index: string, kept: KeptIndex): string[] {
  const { tableSchema, tableName, relname } = kept;
  const table = tableSchema && tableName ? `${quoteIdent(tableSchema)}.${quoteIdent(tableName)}` : undefined;
  return [
    ...(kept.comment !== null ? [`COMMENT ON INDEX ${quoteTable(index)} IS ${quoteLiteral(kept.comment)}`] : []),
    ...(kept.clustered && table && relname ? [`ALTER TABLE ${table} CLUSTER ON ${quoteIdent(relname)}`] : []),
  ];
}

/** `CREATE [UNIQUE] INDEX name ON …` as pg_get_indexdef writes it, with CONCURRENTLY in its place. */
export function concurrentBuild(definition: string): string {
  const built = definition.replace(/^CREATE (UNIQUE )?INDEX /, 'CREATE $1INDEX CONCURRENTLY ');
  if (built === definition) throw new EffectError(`cannot read the index definition: ${definition}`, false);
  return built;
}
