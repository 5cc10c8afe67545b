/** What the catalog says about a table: its key, a column's type. Read-only. */
import type pg from 'pg';
import { EffectError } from '../../engine/ports.js';
import { helperSchema, quoteIdent, quoteTable } from './identifiers.js';

const integerTypes = new Set(['smallint', 'integer', 'bigint']);

/** The single integer primary key column the key-range batches walk, or an error saying why not. */
export async function integerKey(client: pg.ClientBase, table: string): Promise<string> {
  const { rows } = await client.query<{ name: string; type: string }>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
       FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
      WHERE i.indrelid = to_regclass($1) AND i.indisprimary`,
    [quoteTable(table)],
  );
  if (rows.length !== 1 || !integerTypes.has(rows[0]!.type))
    throw new EffectError(
      `${table} needs a primary key of one integer column for key-range batches (it has ` +
        `${rows.map((r) => `${r.name} ${r.type}`).join(', ') || 'none'})`,
      false,
    );
  return rows[0]!.name;
}

export async function columnType(client: pg.ClientBase, table: string, column: string): Promise<string | undefined> {
  const { rows } = await client.query<{ type: string }>(
    `SELECT format_type(atttypid, atttypmod) AS type FROM pg_attribute
      WHERE attrelid = to_regclass($1) AND attname = $2 AND attnum > 0 AND NOT attisdropped`,
    [quoteTable(table), column],
  );
  return rows[0]?.type;
}

export async function tableExists(client: pg.ClientBase, table: string): Promise<boolean> {
  const { rows } = await client.query('SELECT to_regclass($1) AS oid', [quoteTable(table)]);
  return rows[0]?.oid !== null;
}

/** ZeroOps' schema in the changed database: helper functions, backfill progress, snapshots. */
export async function ensureHelperSchema(client: pg.ClientBase): Promise<void> {
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(helperSchema)}`);
  // The trigger runs as the application's role and calls the transform here: it must see the schema.
  await client.query(`GRANT USAGE ON SCHEMA ${quoteIdent(helperSchema)} TO PUBLIC`);
  await client.query(
    `CREATE TABLE IF NOT EXISTS ${quoteIdent(helperSchema)}.backfills (
       key text PRIMARY KEY, table_name text NOT NULL, lower_key bigint, upper_key bigint,
       next_key bigint, rows bigint NOT NULL DEFAULT 0, batches integer NOT NULL DEFAULT 0,
       started_at timestamptz NOT NULL DEFAULT now(), finished_at timestamptz)`,
  );
}
