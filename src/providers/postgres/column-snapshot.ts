/**
 * The copy kept before a column is dropped: (key, column) in ZeroOps' schema with a checksum, so the
 * drop can be undone, and the restore proves it put back exactly what was there.
 */
import type pg from 'pg';
import { EffectError } from '../../engine/ports.js';
import { rebuildColumnDefinition, readColumnDefinition, type ColumnDefinition } from './column-definition.js';
import { helperName, qualifiedHelper, quoteIdent, quoteLiteral, quoteTable } from './identifiers.js';
import { runDdl } from './lock-retry.js';
import { withClient } from './sessions.js';
import { columnType, ensureHelperSchema, primaryKey, tableExists } from './table-facts.js';

export interface Snapshot {
  snapshot: string;
  rows: number;
  checksum: string;
  tookMs: number;
}

/** One per run: a snapshot an earlier run left is never mistaken for this one's. */
export const snapshotName = (table: string, column: string, runId: string) =>
  helperName('snapshot', table, column, runId);

/** Row count and a sum of per-row hashes: order-free, and no single string of the whole table. */
const checksumOf = (client: pg.ClientBase, source: string, key: string, column: string) =>
  client
    .query<{ rows: string; checksum: string | null }>(
      `/* zeroops snapshot */ SELECT count(*) AS rows,
              sum(hashtextextended(${quoteIdent(key)}::text || ':' || coalesce(${quoteIdent(column)}::text, '\\N'),
                0))::text AS checksum
         FROM ${source}`,
    )
    .then(({ rows }) => ({ rows: Number(rows[0]!.rows), checksum: rows[0]!.checksum ?? 'empty' }));

export async function snapshotColumn(url: string, table: string, column: string, runId: string): Promise<Snapshot> {
  return withClient(url, async (client) => {
    const started = Date.now();
    await ensureHelperSchema(client);
    const key = (await primaryKey(client, table)).name;
    const name = qualifiedHelper(snapshotName(table, column, runId));
    // Copy and compare in one snapshot of the database: the proof holds while rows come and go.
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    let copy: { rows: number; checksum: string };
    try {
      // An earlier attempt's copy is taken again: rows may have come and gone since.
      await client.query(`DROP TABLE IF EXISTS ${name}`);
      await client.query(
        `/* zeroops snapshot */ CREATE TABLE ${name} AS SELECT ${quoteIdent(key)}, ${quoteIdent(column)} FROM ` +
          `${quoteTable(table)}`,
      );
      // What the column is besides its values, kept on the copy itself: the two live and go together.
      const definition = await readColumnDefinition(client, table, column);
      await client.query(`COMMENT ON TABLE ${name} IS ${quoteLiteral(JSON.stringify(definition))}`);
      copy = await checksumOf(client, name, key, column);
      const live = await checksumOf(client, quoteTable(table), key, column);
      await client.query('COMMIT');
      if (copy.checksum !== live.checksum)
        throw new EffectError(
          `the snapshot of ${table}.${column} differs from the table (${copy.rows} vs ${live.rows} rows): ` +
            `something wrote the column while it was copied`,
          false,
        );
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
    return { snapshot: `zeroops.${snapshotName(table, column, runId)}`, ...copy, tookMs: Date.now() - started };
  });
}

/** Put a dropped column back from its snapshot, prove it with the checksum, then rebuild what it had. */
export async function restoreColumn(
  url: string,
  table: string,
  column: string,
  runId: string,
  lockTimeoutMs: number,
  signal?: AbortSignal,
): Promise<Snapshot & { rebuilt: string[]; notRebuilt: string[] }> {
  const started = Date.now();
  const setup = await withClient(url, async (client) => {
    const source = `zeroops.${snapshotName(table, column, runId)}`;
    if (!(await tableExists(client, source)))
      throw new EffectError(`no snapshot ${source} to restore ${table}.${column} from`, false);
    const key = (await primaryKey(client, table)).name;
    const type = await columnType(client, source, column);
    const { rows } = await client.query<{ kept: string | null }>(
      `SELECT obj_description(to_regclass($1), 'pg_class') AS kept`,
      [qualifiedHelper(snapshotName(table, column, runId))],
    );
    // A snapshot taken by an older version keeps the values only.
    const definition = rows[0]?.kept ? keptDefinition(rows[0].kept, source) : undefined;
    return { key, type: type!, definition, present: (await columnType(client, table, column)) !== undefined };
  });
  const c = quoteIdent(column);
  // Rows written from the column's return get its default again; the rows in between keep NULL. A
  // serial's sequence went with the column: its default is left to the rebuild, which says so.
  const { definition } = setup;
  const defaultAtAdd =
    !setup.present && definition?.default && !definition.defaultSequence ? definition.default : undefined;
  if (!setup.present)
    await runDdl(
      url,
      [
        `ALTER TABLE ${quoteTable(table)} ADD COLUMN IF NOT EXISTS ${c} ${setup.type}`,
        ...(defaultAtAdd ? [`ALTER TABLE ${quoteTable(table)} ALTER COLUMN ${c} SET DEFAULT ${defaultAtAdd}`] : []),
      ],
      { lockTimeoutMs, signal },
    );
  const restored = await withClient(url, async (client) => {
    const name = qualifiedHelper(snapshotName(table, column, runId));
    const k = quoteIdent(setup.key);
    await client.query(
      `/* zeroops restore */ UPDATE ${quoteTable(table)} AS t SET ${c} = s.${c}
         FROM ${name} AS s WHERE t.${k} = s.${k} AND t.${c} IS DISTINCT FROM s.${c}`,
    );
    const kept = `(SELECT s.* FROM ${name} s JOIN ${quoteTable(table)} t USING (${k})) AS kept`;
    const copy = await checksumOf(client, kept, setup.key, column);
    const back = await checksumOf(
      client,
      `(SELECT t.* FROM ${quoteTable(table)} t JOIN ${name} s USING (${k})) AS restored`,
      setup.key,
      column,
    );
    if (copy.checksum !== back.checksum)
      throw new EffectError(`restored ${table}.${column} does not match its snapshot's checksum`, false);
    return copy;
  });
  const { pieces, skipped } = definition
    ? await rebuildColumnDefinition(url, table, column, definition, lockTimeoutMs, signal)
    : { pieces: [], skipped: [] };
  return {
    snapshot: `zeroops.${snapshotName(table, column, runId)}`,
    ...restored,
    rebuilt: [...(defaultAtAdd ? [`DEFAULT ${defaultAtAdd}`] : []), ...pieces],
    notRebuilt: skipped,
    tookMs: Date.now() - started,
  };
}

/** The definition kept as the snapshot's comment (see snapshotColumn). */
function keptDefinition(text: string, source: string): ColumnDefinition {
  try {
    const kept = JSON.parse(text) as ColumnDefinition;
    if (typeof kept.notNull === 'boolean' && Array.isArray(kept.indexes) && Array.isArray(kept.constraints))
      return kept;
  } catch {
    // reported below
  }
  throw new EffectError(
    `the comment on ${source} is not the column definition ZeroOps kept there: the values can be restored by ` +
      'hand from it, the rest cannot',
    false,
  );
}
