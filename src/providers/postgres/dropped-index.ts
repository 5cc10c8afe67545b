/**
 * A dropped index that a rollback can build again. The plan cannot know an index's definition (it
 * is written nowhere but the catalog), so the drop reads it first (`pg_get_indexdef`) and keeps it
 * in the `zeroops` schema under the run's name; the undo builds it again from there, CONCURRENTLY.
 * Both are idempotent: a retried drop finds its kept definition, a retried build finds the index.
 */
import type pg from 'pg';
import { EffectError } from '../../engine/ports.js';
import { helperSchema, quoteIdent, quoteTable } from './identifiers.js';
import { runDdl, type DdlOutcome } from './lock-retry.js';
import { withClient } from './sessions.js';
import { ensureHelperSchema } from './table-facts.js';

const keptIndexes = `${quoteIdent(helperSchema)}.dropped_indexes`;
const concurrentOptions = (signal?: AbortSignal) => ({
  // A concurrent drop or build waits for older transactions and blocks no read or write: no
  // lock_timeout, hours to finish, outside a transaction.
  lockTimeoutMs: 0,
  statementTimeoutMs: 6 * 3600 * 1000,
  outsideTransaction: true,
  signal,
});

interface IndexFacts {
  definition: string;
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
            (SELECT conname FROM pg_constraint WHERE conindid = i.indexrelid LIMIT 1) AS constraint,
            i.indisreplident AS "replicaIdentity",
            (SELECT pid FROM pg_stat_progress_create_index WHERE index_relid = i.indexrelid LIMIT 1) AS builder
       FROM pg_index i WHERE i.indexrelid = to_regclass($1)`,
    [quoteTable(index)],
  );
  return rows[0];
}

async function keptDefinition(client: pg.ClientBase, runId: string, index: string): Promise<string | undefined> {
  const { rows } = await client.query<{ definition: string }>(
    `SELECT definition FROM ${keptIndexes} WHERE run = $1 AND index_name = $2`,
    [runId, index],
  );
  return rows[0]?.definition;
}

async function ensureKeptIndexes(client: pg.ClientBase): Promise<void> {
  await ensureHelperSchema(client);
  await client.query(
    `CREATE TABLE IF NOT EXISTS ${keptIndexes} (
       run text NOT NULL, index_name text NOT NULL, definition text NOT NULL,
       dropped_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (run, index_name))`,
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
    const kept = await keptDefinition(client, runId, index);
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
    // Only a valid index is worth building again; an invalid one is a failed build's leftover.
    if (facts.valid && kept === undefined)
      await client.query(`INSERT INTO ${keptIndexes} (run, index_name, definition) VALUES ($1, $2, $3)`, [
        runId,
        index,
        facts.definition,
      ]);
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
    return { kept: await keptDefinition(client, runId, index), facts: await indexFacts(client, index) };
  });
  if (kept === undefined) return { summary: `this run did not drop ${index}: nothing to build` };
  if (facts?.valid) {
    if (facts.definition !== kept) throw anotherOne(index, kept, facts.definition);
    return { summary: `${index} exists and is valid: built before` };
  }
  // An earlier attempt's build may still be running (it outlived its step): never drop it under it.
  if (facts?.builder) throw new EffectError(`${index} is still being built, by backend ${facts.builder}`, true);
  const statements = [
    // A build that failed half-way leaves an invalid index of the same name behind.
    ...(facts ? [`DROP INDEX CONCURRENTLY IF EXISTS ${quoteTable(index)}`] : []),
    concurrentBuild(kept),
  ];
  const ddl = await runDdl(url, statements, concurrentOptions(signal));
  return { summary: `built ${index} again, CONCURRENTLY: ${kept}`, ddl };
}

/** `CREATE [UNIQUE] INDEX name ON …` as pg_get_indexdef writes it, with CONCURRENTLY in its place. */
export function concurrentBuild(definition: string): string {
  const built = definition.replace(/^CREATE (UNIQUE )?INDEX /, 'CREATE $1INDEX CONCURRENTLY ');
  if (built === definition) throw new EffectError(`cannot read the index definition: ${definition}`, false);
  return built;
}
