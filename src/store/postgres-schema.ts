/**
 * The PostgreSQL store's tables, created when missing. Several processes may start at once: the
 * creation runs under one advisory lock, so they never race on the catalog.
 */
import type pg from 'pg';

/** A schema name we put into SQL ourselves: letters, digits and underscores only. */
export function checkSchemaName(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name))
    throw new Error(`store schema '${name}' must be lowercase letters, digits and underscores`);
  return name;
}

const tables = (s: string) => `
  CREATE SCHEMA IF NOT EXISTS ${s};
  CREATE TABLE IF NOT EXISTS ${s}.deliveries (key text PRIMARY KEY, at text NOT NULL);
  CREATE INDEX IF NOT EXISTS deliveries_by_time ON ${s}.deliveries (at);
  CREATE TABLE IF NOT EXISTS ${s}.documents (kind text NOT NULL, id text NOT NULL, doc jsonb NOT NULL,
    PRIMARY KEY (kind, id));
  CREATE TABLE IF NOT EXISTS ${s}.runs (id text PRIMARY KEY, key text NOT NULL UNIQUE, repo text NOT NULL,
    pull_number integer NOT NULL, merge_sha text NOT NULL, status text NOT NULL, version integer NOT NULL,
    created_at text NOT NULL, doc jsonb NOT NULL);
  CREATE INDEX IF NOT EXISTS runs_by_status ON ${s}.runs (status);
  CREATE INDEX IF NOT EXISTS runs_by_pull ON ${s}.runs (repo, pull_number);
  CREATE TABLE IF NOT EXISTS ${s}.checkpoints (key text PRIMARY KEY, value jsonb);
  CREATE TABLE IF NOT EXISTS ${s}.leases (key text PRIMARY KEY, holder text NOT NULL, until text NOT NULL);
  CREATE TABLE IF NOT EXISTS ${s}.lock_queue (seq bigserial PRIMARY KEY, key text NOT NULL, holder text NOT NULL,
    UNIQUE (key, holder));
  CREATE TABLE IF NOT EXISTS ${s}.events (chain text NOT NULL, seq integer NOT NULL, doc jsonb NOT NULL,
    PRIMARY KEY (chain, seq));
  CREATE TABLE IF NOT EXISTS ${s}.incidents (id text PRIMARY KEY, fingerprint text NOT NULL, state text NOT NULL,
    doc jsonb NOT NULL);
  CREATE INDEX IF NOT EXISTS incidents_open ON ${s}.incidents (fingerprint) WHERE state = 'open';
`;

export async function createTables(pool: pg.Pool, schema: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query("SELECT pg_advisory_xact_lock(hashtext('zeroops-store-schema'))");
    await client.query(tables(schema));
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
