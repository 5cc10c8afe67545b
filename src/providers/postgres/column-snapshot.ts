/**
 * The copy kept before a column is dropped: (key, column) in ZeroOps' schema with a checksum, so the
 * drop can be undone, and the restore proves it put back exactly what was there.
 */
import type pg from 'pg';
import { EffectError } from '../../engine/ports.js';
import { rebuildColumnDefinition, readColumnDefinition, type ColumnDefinition } from './column-definition.js';
import { helperName, qualifiedHelper, quoteIdent, quoteLiteral, quoteTable } from './identifiers.js';
import { retriedOnLocks, runDdl } from './lock-retry.js';
import { withClient } from './sessions.js';
import { columnType, ensureHelperSchema, keyParam, primaryKey, tableExists, type TableKey } from './table-facts.js';

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
    const key = await primaryKey(client, table);
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
    const k = quoteIdent(setup.key.name);
    await restoreValues(
      client,
      { table, column, snapshot: snapshotName(table, column, runId), key: setup.key },
      { lockTimeoutMs, signal },
    );
    const kept = `(SELECT s.* FROM ${name} s JOIN ${quoteTable(table)} t USING (${k})) AS kept`;
    const copy = await checksumOf(client, kept, setup.key.name, column);
    const back = await checksumOf(
      client,
      `(SELECT t.* FROM ${quoteTable(table)} t JOIN ${name} s USING (${k})) AS restored`,
      setup.key.name,
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

const restoreBatchRows = 5_000;

/**
 * The values put back in key order, a batch of rows per statement (its own transaction) under
 * lock_timeout: the application waits a batch at most, and a row it holds makes the batch give up
 * and try again rather than wait, so neither side deadlocks or stalls for the whole table.
 */
async function restoreValues(
  client: pg.ClientBase,
  target: { table: string; column: string; snapshot: string; key: TableKey },
  options: { lockTimeoutMs: number; signal?: AbortSignal },
): Promise<void> {
  const { table, column, key } = target;
  const [k, c, snapshot] = [quoteIdent(key.name), quoteIdent(column), qualifiedHelper(target.snapshot)];
  // The copy has no index of its own: one on its key makes each batch a range, not a scan.
  await client.query(
    `CREATE INDEX IF NOT EXISTS ${quoteIdent(helperName('snapshot_key', target.snapshot))} ON ${snapshot} (${k})`,
  );
  await client.query(`SET lock_timeout = '${Math.max(1, Math.round(options.lockTimeoutMs))}ms'`);
  let after: string | null = null;
  for (;;) {
    const { rows } = await retriedOnLocks(
      () =>
        client.query<{ last: string | null }>(
          `/* zeroops restore */ WITH batch AS MATERIALIZED (
             SELECT ${k} AS k, ${c} AS v FROM ${snapshot}
              WHERE $1::text IS NULL OR ${k} > ${keyParam(key, 1)} ORDER BY ${k} LIMIT ${restoreBatchRows}),
           moved AS (UPDATE ${quoteTable(table)} AS t SET ${c} = b.v FROM batch AS b
                      WHERE t.${k} = b.k AND t.${c} IS DISTINCT FROM b.v RETURNING 1)
           SELECT (SELECT k::text FROM batch ORDER BY k DESC LIMIT 1) AS last, (SELECT count(*) FROM moved) AS moved`,
          [after],
        ),
      options.signal,
    );
    if (rows[0]?.last == null) return;
    after = rows[0].last;
  }
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
