/** What the catalog says about a table: its key, a column's type; the keyset walk over its key. */
import type pg from 'pg';
import { EffectError } from '../../engine/ports.js';
import { helperSchema, quoteIdent, quoteTable } from './identifiers.js';

/**
 * The table's one-column primary key, which batches walk in its own order: an integer, a UUID, a
 * text code, anything its index sorts. Keys travel as text and are cast back to `type` in SQL, so a
 * bigint past 2^53 stays exact and a UUID needs no arithmetic.
 */
export interface TableKey {
  name: string;
  /** As format_type writes it (`bigint`, `uuid`, `character varying(64)`): safe to splice into a cast. */
  type: string;
}

/** The single-column primary key the batches walk, or an error saying why there is none. */
export async function primaryKey(client: pg.ClientBase, table: string): Promise<TableKey> {
  const { rows } = await client.query<TableKey & { category: string; base: string }>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, b.typcategory AS category,
            b.typname AS base
       FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
       JOIN pg_type t ON t.oid = a.atttypid
       JOIN pg_type b ON b.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
      WHERE i.indrelid = to_regclass($1) AND i.indisprimary`,
    [quoteTable(table)],
  );
  if (rows.length !== 1)
    throw new EffectError(
      `${table} needs a primary key of one column to walk in batches (it has ` +
        `${rows.map((r) => `${r.name} ${r.type}`).join(', ') || 'none'})`,
      false,
    );
  const key = rows[0]!;
  // A batch's bounds travel as text: an array's elements do not compare as one key, and a float or
  // money prints back exactly only under some settings (extra_float_digits, lc_monetary).
  if (key.category === 'A' || ['float4', 'float8', 'money'].includes(key.base))
    throw new EffectError(
      `${table}'s primary key ${key.name} is ${key.type}, which batches cannot walk exactly: a key of integers, ` +
        'numerics, text, UUIDs or dates can',
      false,
    );
  return { name: key.name, type: key.type };
}

/** A key sent as text ($n), back in the key's own type, so it compares in the index's order. */
export const keyParam = (key: TableKey, n: number) => `$${n}::text::${key.type}`;

/**
 * The first and last key, as text (min() and max() do not exist for every key type: uuid has none).
 * The ORDER BY names the table's column: `id::text` alone is an output column `id` too, and would
 * sort as text ('9999' after '40000').
 */
export function keyBoundsSql(table: string, key: TableKey): string {
  const k = `keyed.${quoteIdent(key.name)}`;
  const t = `${quoteTable(table)} AS keyed`;
  return (
    `SELECT (SELECT ${k}::text FROM ${t} ORDER BY ${k} LIMIT 1) AS lower, ` +
    `(SELECT ${k}::text FROM ${t} ORDER BY ${k} DESC LIMIT 1) AS upper`
  );
}

/**
 * A CTE named `bound` over the next `rows` keys from `from` (inclusive) up to `upper`, by an index
 * walk: `last`, the batch's last key, and `next`, the key after it, where the next batch starts (NULL
 * at the end). Finding the next key instead of computing last + 1 serves every key type and never
 * overflows at a type's maximum. `at` gives the numbers of the query's $n parameters.
 */
export function nextKeysCte(table: string, key: TableKey, at: { from: number; upper: number; rows: number }) {
  const k = quoteIdent(key.name);
  return `walked AS MATERIALIZED (
       SELECT ${k} AS k FROM ${quoteTable(table)}
        WHERE ${k} >= ${keyParam(key, at.from)} AND ${k} <= ${keyParam(key, at.upper)}
        ORDER BY ${k} LIMIT $${at.rows}::int + 1),
     bound AS MATERIALIZED (
       SELECT keys[least(cardinality(keys), $${at.rows}::int)] AS last, keys[$${at.rows}::int + 1] AS next
         FROM (SELECT array_agg(k ORDER BY k) AS keys FROM walked) AS walk)`;
}

export async function columnType(client: pg.ClientBase, table: string, column: string): Promise<string | undefined> {
  const { rows } = await client.query<{ type: string }>(
    `SELECT format_type(atttypid, atttypmod) AS type FROM pg_attribute
      WHERE attrelid = to_regclass($1) AND attname = $2 AND attnum > 0 AND NOT attisdropped`,
    [quoteTable(table), column],
  );
  return rows[0]?.type;
}

export const tableExists = (client: pg.ClientBase, table: string): Promise<boolean> =>
  relationExists(client, quoteTable(table));

/** `name` as SQL writes it, e.g. as `::regclass::text` printed it (quoted where it must be). */
export async function relationExists(client: pg.ClientBase, name: string): Promise<boolean> {
  const { rows } = await client.query('SELECT to_regclass($1) AS oid', [name]);
  return rows[0]?.oid != null;
}

export interface ColumnAttributes {
  column: string;
  attnum: number;
  notNull: boolean;
  /** Its default, or a generated column's expression (see `generated`), as pg_get_expr writes it. */
  default: string | null;
  generated: boolean;
}

/** NOT NULL, default and generation of the columns of `table` that exist, in their table order. */
export async function columnAttributes(
  client: pg.ClientBase,
  table: string,
  columns: string[],
): Promise<ColumnAttributes[]> {
  const { rows } = await client.query<ColumnAttributes>(
    `SELECT a.attname AS column, a.attnum, a.attnotnull AS "notNull",
            pg_get_expr(ad.adbin, ad.adrelid) AS default, a.attgenerated <> '' AS generated
       FROM pg_attribute a LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
      WHERE a.attrelid = to_regclass($1) AND a.attname = ANY($2::text[]) AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum`,
    [quoteTable(table), columns],
  );
  return rows;
}

/** ZeroOps' schema in the changed database: helper functions, backfill progress, snapshots. */
export async function ensureHelperSchema(client: pg.ClientBase): Promise<void> {
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(helperSchema)}`);
  // The trigger runs as the application's role and calls the transform here: it must see the schema.
  // Granted once: a GRANT rewrites the catalog row, and every session then reloads its caches.
  const { rows } = await client.query<{ granted: boolean }>(
    `SELECT has_schema_privilege('public', $1, 'USAGE') AS granted`,
    [helperSchema],
  );
  if (!rows[0]!.granted) await client.query(`GRANT USAGE ON SCHEMA ${quoteIdent(helperSchema)} TO PUBLIC`);
  const backfills = `${quoteIdent(helperSchema)}.backfills`;
  await client.query(
    `CREATE TABLE IF NOT EXISTS ${backfills} (
       key text PRIMARY KEY, table_name text NOT NULL, lower_key text, upper_key text,
       next_key text, rows bigint NOT NULL DEFAULT 0, batches integer NOT NULL DEFAULT 0,
       started_at timestamptz NOT NULL DEFAULT now(), finished_at timestamptz)`,
  );
  // Before keys of any type, the bounds were bigint: the same values as text, so a backfill resumes.
  if ((await columnType(client, `${helperSchema}.backfills`, 'next_key')) === 'bigint')
    await client.query(
      `ALTER TABLE ${backfills} ALTER COLUMN lower_key TYPE text, ALTER COLUMN upper_key TYPE text,
         ALTER COLUMN next_key TYPE text`,
    );
}
