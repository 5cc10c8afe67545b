/**
 * Verification: for every key range, the new column against the transform of the old one: rows,
 * a checksum of each side, and the keys that differ. Under load this holds too: the trigger keeps
 * both columns in step in the writing transaction, so every snapshot agrees with itself.
 */
import { transformCall, type ColumnSync } from './column-sync.js';
import { quoteIdent, quoteTable } from './identifiers.js';
import { withClient } from './sessions.js';
import { integerKey } from './table-facts.js';

export interface Verification {
  rows: number;
  ranges: number;
  mismatchedRanges: { from: number; until: number; rows: number; mismatched: number; keys: number[] }[];
  mismatches: number;
  tookMs: number;
}

const rangeKeys = 100_000;
const keysShown = 10;

export async function verifyColumn(url: string, sync: ColumnSync, signal?: AbortSignal): Promise<Verification> {
  return withClient(url, async (client) => {
    const started = Date.now();
    const key = quoteIdent(await integerKey(client, sync.table));
    const bounds = await client.query<{ lower: string | null; upper: string | null }>(
      `SELECT min(${key}) AS lower, max(${key}) AS upper FROM ${quoteTable(sync.table)}`,
    );
    const lower = Number(bounds.rows[0]!.lower ?? 1);
    const upper = Number(bounds.rows[0]!.upper ?? 0);
    const expected = transformCall(sync, quoteIdent(sync.from));
    const actual = quoteIdent(sync.to);
    const result: Verification = { rows: 0, ranges: 0, mismatchedRanges: [], mismatches: 0, tookMs: 0 };
    for (let from = lower; from <= upper; from += rangeKeys) {
      if (signal?.aborted) throw new Error('verification stopped');
      const until = from + rangeKeys;
      const { rows } = await client.query<{ rows: string; mismatched: string; keys: string[] | null }>(
        `/* zeroops verify */ SELECT count(*) AS rows,
                count(*) FILTER (WHERE sum_new IS DISTINCT FROM sum_old) AS mismatched,
                (array_agg(k ORDER BY k) FILTER (WHERE sum_new IS DISTINCT FROM sum_old))[1:${keysShown}] AS keys
           FROM (SELECT ${key} AS k, md5(${actual}::text) AS sum_new, md5((${expected})::text) AS sum_old
                   FROM ${quoteTable(sync.table)} WHERE ${key} >= $1 AND ${key} < $2) AS pairs`,
        [from, until],
      );
      const r = rows[0]!;
      result.rows += Number(r.rows);
      result.ranges++;
      if (Number(r.mismatched) > 0) {
        result.mismatches += Number(r.mismatched);
        result.mismatchedRanges.push({
          from,
          until,
          rows: Number(r.rows),
          mismatched: Number(r.mismatched),
          keys: (r.keys ?? []).map(Number),
        });
      }
    }
    result.tookMs = Date.now() - started;
    return result;
  });
}
