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
}

async function indexFacts(client: pg.ClientBase, index: string): Promise<IndexFacts | undefined> {
  const { rows } = await client.query<IndexFacts>(
    `SELECT pg_get_indexdef(i.indexrelid) AS definition, i.indisvalid AS valid,
            (SELECT conname FROM pg_constraint WHERE conindid = i.indexrelid LIMIT 1) AS constraint
       FROM pg_index i WHERE i.indexrelid = to_regclass($1)`,
    [quoteTable(index)],
  );
  return rows[0];
}

async function ensureKeptIndexes(client: pg.ClientBase): Promise<void> {
  await ensureHelperSchema(client);
  await client.query(
    `CREATE TABLE IF NOT EXISTS ${keptIndexes} (
       run text NOT NULL, index_name text NOT NULL, definition text NOT NULL,
       dropped_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (run, index_name))`,
  );
}

/** Keeps the index's definition under the run's name, then drops it CONCURRENTLY. */
export async function dropIndex(
  url: string,
  index: string,
  runId: string,
  signal?: AbortSignal,
): Promise<{ summary: string; definition?: string; ddl?: DdlOutcome }> {
  const found = await withClient(url, async (client) => {
    await ensureKeptIndexes(client);
    const facts = await indexFacts(client, index);
    if (facts?.constraint)
      throw new EffectError(
        `${index} enforces the constraint ${facts.constraint}: drop the constraint (ALTER TABLE … DROP ` +
          'CONSTRAINT), not its index',
        false,
      );
    // Only a valid index is worth building again; an invalid one is a failed build's leftover.
    if (facts?.valid)
      await client.query(
        `INSERT INTO ${keptIndexes} (run, index_name, definition) VALUES ($1, $2, $3)
         ON CONFLICT (run, index_name) DO NOTHING`,
        [runId, index, facts.definition],
      );
    return facts;
  });
  if (!found) return { summary: `${index} does not exist: nothing to drop` };
  const ddl = await runDdl(url, [`DROP INDEX CONCURRENTLY IF EXISTS ${quoteTable(index)}`], concurrentOptions(signal));
  return {
    summary: `dropped ${index}; its definition is kept for a rollback: ${found.definition}`,
    definition: found.definition,
    ddl,
  };
}

/** The undo: the index this run dropped, built again CONCURRENTLY from its kept definition. */
export async function restoreIndex(
  url: string,
  index: string,
  runId: string,
  signal?: AbortSignal,
): Promise<{ summary: string; ddl?: DdlOutcome }> {
  const kept = await withClient(url, async (client) => {
    await ensureKeptIndexes(client);
    const { rows } = await client.query<{ definition: string }>(
      `SELECT definition FROM ${keptIndexes} WHERE run = $1 AND index_name = $2`,
      [runId, index],
    );
    const facts = await indexFacts(client, index);
    return { definition: rows[0]?.definition, facts };
  });
  if (kept.definition === undefined) return { summary: `this run did not drop ${index}: nothing to build` };
  if (kept.facts?.valid) return { summary: `${index} exists and is valid: built before` };
  const statements = [
    // A build that failed half-way leaves an invalid index of the same name behind.
    ...(kept.facts ? [`DROP INDEX CONCURRENTLY IF EXISTS ${quoteTable(index)}`] : []),
    concurrentBuild(kept.definition),
  ];
  const ddl = await runDdl(url, statements, concurrentOptions(signal));
  return { summary: `built ${index} again, CONCURRENTLY: ${kept.definition}`, ddl };
}

/** `CREATE [UNIQUE] INDEX name ON …` as pg_get_indexdef writes it, with CONCURRENTLY in its place. */
export function concurrentBuild(definition: string): string {
  const built = definition.replace(/^CREATE (UNIQUE )?INDEX /, 'CREATE $1INDEX CONCURRENTLY ');
  if (built === definition) throw new EffectError(`cannot read the index definition: ${definition}`, false);
  return built;
}
