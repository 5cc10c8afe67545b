/**
 * Verification: for every key range, the new column against the transform of the old one: rows,
 * a checksum of each side, and the keys that differ. Under load this holds too: the trigger keeps
 * both columns in step in the writing transaction, so every snapshot agrees with itself. A range is
 * the next 100,000 rows by key (as the backfill's batches: gaps in the keys cost nothing, and a
 * key may be of any type its index sorts), its bounds as text. Keys that are not integers are reported
 * by their shape: the result goes into a check run (value-shape.ts).
 */
import { transformCall, type ColumnSync } from './column-sync.js';
import { quoteIdent, quoteTable } from './identifiers.js';
import { withClient } from './sessions.js';
import { isPlainKeyType, keyShown } from '../value-shape.js';
import { keyBoundsSql, keyParam, nextKeysCte, primaryKey } from './table-facts.js';

export interface Verification {
  rows: number;
  ranges: number;
  /** Ranges with a difference: their first and last key (inclusive) and up to ten keys that differ. */
  mismatchedRanges: { from: string; through: string; rows: number; mismatched: number; keys: string[] }[];
  mismatches: number;
  tookMs: number;
  /** Keys that are not integers are shown by their shape: this query lists them, for whoever may read the table. */
  listMismatches?: string;
}

const rangeRows = 100_000;
const keysShown = 10;

/**
 * `writtenOnly`: only rows whose new column holds a value count, so a partial backfill (NULLs) is no
 * difference; what differs was written into the new column alone (by code switched to it).
 */
export async function verifyColumn(
  url: string,
  sync: ColumnSync,
  signal?: AbortSignal,
  options: { writtenOnly?: boolean } = {},
): Promise<Verification> {
  return withClient(url, async (client) => {
    const started = Date.now();
    const tableKey = await primaryKey(client, sync.table);
    const key = quoteIdent(tableKey.name);
    const bounds = await client.query<{ lower: string | null; upper: string | null }>(
      keyBoundsSql(sync.table, tableKey),
    );
    const upper = bounds.rows[0]!.upper;
    const expected = transformCall(sync, quoteIdent(sync.from));
    const actual = quoteIdent(sync.to);
    const differs = `sum_new IS DISTINCT FROM sum_old${options.writtenOnly ? ' AND sum_new IS NOT NULL' : ''}`;
    const result: Verification = { rows: 0, ranges: 0, mismatchedRanges: [], mismatches: 0, tookMs: 0 };
    let from = bounds.rows[0]!.lower;
    while (from !== null && upper !== null) {
      if (signal?.aborted) throw new Error('verification stopped');
      const { rows } = await client.query<{
        through: string | null;
        next: string | null;
        rows: string;
        mismatched: string;
        keys: string[] | null;
      }>(
        `/* zeroops verify */ WITH ${nextKeysCte(sync.table, tableKey, { from: 1, upper: 2, rows: 3 })}
         SELECT (SELECT last::text FROM bound) AS through, (SELECT next::text FROM bound) AS next, count(*) AS rows,
                count(*) FILTER (WHERE ${differs}) AS mismatched,
                (array_agg(k::text ORDER BY k) FILTER (WHERE ${differs}))[1:${keysShown}] AS keys
           FROM (SELECT ${key} AS k, md5(${actual}::text) AS sum_new, md5((${expected})::text) AS sum_old
                   FROM ${quoteTable(sync.table)}
                  WHERE ${key} >= ${keyParam(tableKey, 1)} AND ${key} <= (SELECT last FROM bound)) AS pairs`,
        [from, upper, rangeRows],
      );
      const r = rows[0]!;
      if (r.through === null) break; // the rows left were deleted meanwhile
      result.rows += Number(r.rows);
      result.ranges++;
      if (Number(r.mismatched) > 0) {
        result.mismatches += Number(r.mismatched);
        result.mismatchedRanges.push({
          from: keyShown(from, tableKey.type),
          through: keyShown(r.through, tableKey.type),
          rows: Number(r.rows),
          mismatched: Number(r.mismatched),
          keys: (r.keys ?? []).map((k) => keyShown(k, tableKey.type)),
        });
      }
      from = r.next;
    }
    result.tookMs = Date.now() - started;
    if (result.mismatches > 0 && !isPlainKeyType(tableKey.type))
      result.listMismatches =
        `SELECT ${key} FROM ${quoteTable(sync.table)} WHERE ${actual} IS DISTINCT FROM ${expected} ` +
        (options.writtenOnly ? `AND ${actual} IS NOT NULL ` : '') +
        `ORDER BY ${key}`;
    return result;
  });
}
