/**
 * The snapshot that makes dropping a MySQL column reversible: (primary key, value) copied in key
 * ranges into a helper table whose comment keeps the column's exact definition and position. A
 * restore adds the column back where it was (online) and writes every value back; both end with
 * an order-free checksum of the table against the snapshot.
 */
import { EffectError } from '../../engine/ports.js';
import { helperName } from '../postgres/identifiers.js';
import { indexesOver, indexNameOf, indexRepairs } from './column-indexes.js';
import { onlineAlter } from './online-alter.js';
import { firstRow, quoteName, quoteTable, rowsOf, splitTable, withConnection, type Connection } from './sessions.js';

interface SnapshotNote {
  table: string;
  column: string;
  /** The column's line of SHOW CREATE TABLE, e.g. `` `name` varchar(64) DEFAULT NULL ``. */
  definition: string;
  /** The column before it (undefined: it was the first). */
  after?: string;
  /** The run that took it: a later run never restores from another's snapshot. */
  run?: string;
  /** The indexes over the column, as SHOW CREATE TABLE writes them: the restore builds them again. */
  indexes?: string[];
  /** Indexes over the column the restore does not build again (unique, FULLTEXT, SPATIAL). */
  indexesNotKept?: string[];
  rows?: number;
  checksum?: string;
}

export const snapshotTableOf = (table: string, column: string) => helperName('zeroops_snap', table, column);

export interface SnapshotOutcome {
  rows: number;
  checksum: string;
}

export async function snapshotColumn(
  url: string,
  table: string,
  column: string,
  batchSize: number,
  runId: string,
  progress?: (line: string) => Promise<void>,
): Promise<SnapshotOutcome & { reused: boolean }> {
  return withConnection(url, async (c) => {
    const key = await integerKey(c, table);
    const snapshot = quoteName(snapshotTableOf(table, column));
    const earlier = await noteOf(c, table, column);
    if (earlier?.checksum !== undefined && earlier.run === runId)
      return { rows: earlier.rows!, checksum: earlier.checksum, reused: true };
    const definition = await columnDefinition(c, table, column);
    // An unfinished copy from a failed attempt, or an older run's snapshot of a column of the same name.
    await c.query(`DROP TABLE IF EXISTS ${snapshot}`);
    const note: SnapshotNote = { table, column, definition: definition.definition, run: runId };
    if (definition.after) note.after = definition.after;
    const indexes = await indexesOver(c, table, column);
    if (indexes.kept.length > 0) note.indexes = indexes.kept;
    if (indexes.notKept.length > 0) note.indexesNotKept = indexes.notKept;
    // The note lives in the table's comment (2,048 characters at most): what does not fit is not kept.
    while (JSON.stringify(note).length > maxNoteLength && note.indexes?.length) {
      const line = note.indexes.pop()!;
      (note.indexesNotKept ??= []).push(`index ${indexNameOf(line)}`);
    }
    if (JSON.stringify(note).length > maxNoteLength)
      throw new EffectError(
        `the definition of ${table}.${column} is too long to keep with its snapshot (a table comment holds ` +
          '2,048 characters): drop this column by hand, with a backup',
        false,
      );
    await c.query(
      `CREATE TABLE ${snapshot} (k ${key.type} NOT NULL PRIMARY KEY, v ${definition.type}) ENGINE=InnoDB ` +
        `COMMENT = ${c.escape(JSON.stringify(note))}`,
    );
    // A consistent read of each range: no shared locks on the rows the application is writing.
    await c.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED');
    const source = quoteTable(table);
    let copied = 0;
    for (let after: unknown = null; ;) {
      const [result] = await c.query(
        `INSERT INTO ${snapshot} (k, v) SELECT ${quoteName(key.name)}, ${quoteName(column)} FROM ${source} ` +
          `WHERE ${after === null ? 'TRUE' : `${quoteName(key.name)} > ?`} ` +
          `ORDER BY ${quoteName(key.name)} LIMIT ${batchSize}`,
        after === null ? [] : [after],
      );
      const added = (result as { affectedRows: number }).affectedRows;
      if (added === 0) break;
      copied += added;
      ({ after } = await firstRow<{ after: unknown }>(c, `SELECT MAX(k) AS after FROM ${snapshot}`));
      await progress?.(`snapshot of ${table}.${column}: ${copied.toLocaleString('en-US')} rows`);
    }
    // Rows inserted after the copy are not in it (their value of the deprecated column is its default).
    const differing = await differences(c, source, key.name, column, snapshot);
    if (differing > 0)
      throw new EffectError(
        `the snapshot of ${table}.${column} differs from the table in ${differing} row(s): something still writes ` +
          'the column',
        true,
      );
    const copy = await checksumOf(c, snapshot, 'k', 'v');
    await c.query(`ALTER TABLE ${snapshot} COMMENT = ${c.escape(JSON.stringify({ ...note, ...copy }))}`);
    return { ...copy, reused: false };
  });
}

/** Room for the checksum and counts the finished snapshot adds to its note, within MySQL's 2,048. */
const maxNoteLength = 1900;

/**
 * Puts the column back where it was, with every value of the snapshot, and the indexes over it in
 * the same copy; the checksums must agree.
 */
export async function restoreColumn(
  url: string,
  table: string,
  column: string,
  options: {
    batchSize: number;
    lockWaitSeconds: number;
    signal?: AbortSignal;
    progress?: (l: string) => Promise<void>;
  },
): Promise<SnapshotOutcome & { readded: boolean; rebuilt: string[]; notRebuilt: string[] }> {
  const { note, present, repairs } = await withConnection(url, async (c) => {
    const found = await noteOf(c, table, column);
    if (found?.checksum === undefined)
      throw new EffectError(`no finished snapshot of ${table}.${column}: nothing to restore from`, false);
    return {
      note: found,
      present: (await columnNames(c, table)).includes(column),
      // An index an earlier attempt built again is in place: only what is missing is built.
      repairs: await indexRepairs(c, table, column, found.indexes ?? []),
    };
  });
  const add = present
    ? []
    : [`ADD COLUMN ${note.definition} ${note.after ? `AFTER ${quoteName(note.after)}` : 'FIRST'}`];
  if (add.length + repairs.clauses.length > 0)
    await onlineAlter(
      url,
      { table, alter: [...add, ...repairs.clauses].join(', '), lockWaitSeconds: options.lockWaitSeconds },
      options,
    );
  return withConnection(url, async (c) => {
    const key = await integerKey(c, table);
    const snapshot = quoteName(snapshotTableOf(table, column));
    const source = quoteTable(table);
    // Walk the snapshot's own keys (sparse keys would make a walk of the whole range endless).
    for (let after: string | null = null; ;) {
      const bound: { high: string | null } = await firstRow<{ high: string | null }>(
        c,
        `SELECT MAX(k) AS high FROM (SELECT k FROM ${snapshot} WHERE ${after === null ? 'TRUE' : 'k > ?'} ` +
          `ORDER BY k LIMIT ${options.batchSize}) AS batch`,
        after === null ? [] : [after],
      );
      if (bound.high === null) break;
      await c.query(
        `UPDATE ${source} t JOIN ${snapshot} s ON t.${quoteName(key.name)} = s.k SET t.${quoteName(column)} = s.v ` +
          `WHERE ${after === null ? 'TRUE' : 's.k > ?'} AND s.k <= ?`,
        after === null ? [bound.high] : [after, bound.high],
      );
      after = String(bound.high);
    }
    const differing = await differences(c, source, key.name, column, snapshot);
    if (differing > 0)
      throw new EffectError(
        `${table}.${column} after the restore differs from its snapshot in ${differing} row(s)`,
        false,
      );
    const restored = await checksumOf(c, snapshot, 'k', 'v');
    return { ...restored, readded: !present, rebuilt: repairs.rebuilt, notRebuilt: note.indexesNotKept ?? [] };
  });
}

export async function dropSnapshot(url: string, table: string, column: string): Promise<void> {
  await withConnection(url, (c) => c.query(`DROP TABLE IF EXISTS ${quoteName(snapshotTableOf(table, column))}`));
}

/**
 * Rows whose value differs from the snapshot's, compared byte for byte, over the keys both hold (rows
 * the application deleted or inserted since are not differences).
 */
async function differences(c: Connection, table: string, key: string, column: string, snapshot: string) {
  const { n } = await firstRow<{ n: string }>(
    c,
    `SELECT COUNT(*) AS n FROM ${snapshot} s JOIN ${table} t ON t.${quoteName(key)} = s.k ` +
      `WHERE NOT (BINARY t.${quoteName(column)} <=> BINARY s.v)`,
  );
  return Number(n);
}

/**
 * Count and order-free checksum of (key, value) pairs; with `onlyKeysOf`, over the keys the
 * snapshot holds (rows inserted after it have no value to compare).
 */
async function checksumOf(
  c: Connection,
  table: string,
  key: string,
  value: string,
  onlyKeysOf?: string,
): Promise<SnapshotOutcome> {
  const where = onlyKeysOf ? ` WHERE ${key} IN (SELECT k FROM ${onlyKeysOf})` : '';
  const [row] = await rowsOf<{ rows: number; checksum: string | null }>(
    c,
    `SELECT COUNT(*) AS \`rows\`, CAST(BIT_XOR(CRC32(CONCAT(${key}, '|', IFNULL(HEX(${value}), 'NULL')))) AS CHAR) ` +
      `AS checksum FROM ${table}${where}`,
  );
  return { rows: Number(row!.rows), checksum: row!.checksum ?? '0' };
}

async function integerKey(c: Connection, table: string): Promise<{ name: string; type: string }> {
  const { schema, name } = splitTable(table, await databaseOf(c));
  const keys = await rowsOf<{ name: string; type: string; dataType: string }>(
    c,
    `SELECT k.COLUMN_NAME AS name, col.COLUMN_TYPE AS type, col.DATA_TYPE AS dataType
       FROM information_schema.KEY_COLUMN_USAGE k JOIN information_schema.COLUMNS col
         ON col.TABLE_SCHEMA = k.TABLE_SCHEMA AND col.TABLE_NAME = k.TABLE_NAME AND col.COLUMN_NAME = k.COLUMN_NAME
      WHERE k.TABLE_SCHEMA = ? AND k.TABLE_NAME = ? AND k.CONSTRAINT_NAME = 'PRIMARY'`,
    [schema, name],
  );
  if (keys.length !== 1 || !/int$/.test(keys[0]!.dataType))
    throw new EffectError(
      `${table} needs a one-column integer primary key for its snapshot ` +
        `(it has ${keys.map((k) => k.name).join(', ') || 'none'})`,
      false,
    );
  return { name: keys[0]!.name, type: keys[0]!.type };
}

async function columnDefinition(
  c: Connection,
  table: string,
  column: string,
): Promise<{ definition: string; type: string; after?: string }> {
  const [row] = await rowsOf<Record<string, string>>(c, `SHOW CREATE TABLE ${quoteTable(table)}`);
  const lines = Object.values(row!)[1]!
    .split('\n')
    .map((l) => l.trim().replace(/,$/, ''));
  const columns = lines.filter((l) => l.startsWith('`'));
  const index = columns.findIndex((l) => l.startsWith(`${quoteName(column)} `));
  if (index < 0) throw new EffectError(`${table}.${column} does not exist`, false);
  const [info] = await rowsOf<{ type: string; charset: string | null; collation: string | null }>(
    c,
    `SELECT COLUMN_TYPE AS type, CHARACTER_SET_NAME AS charset, COLLATION_NAME AS collation FROM ` +
      `information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND COLUMN_NAME = ?`,
    [splitTable(table, await databaseOf(c)).schema, splitTable(table, '').name, column],
  );
  const after = index > 0 ? /^`((?:[^`]|``)+)`/.exec(columns[index - 1]!)![1]!.replace(/``/g, '`') : undefined;
  // The snapshot keeps the bytes as they are: same character set and collation as the column.
  const text = info!.charset ? ` CHARACTER SET ${info!.charset} COLLATE ${info!.collation}` : '';
  return { definition: columns[index]!, type: `${info!.type}${text}`, ...(after ? { after } : {}) };
}

async function noteOf(c: Connection, table: string, column: string): Promise<SnapshotNote | undefined> {
  const [row] = await rowsOf<{ note: string }>(
    c,
    `SELECT TABLE_COMMENT AS note FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?`,
    [await databaseOf(c), snapshotTableOf(table, column)],
  );
  if (!row) return undefined;
  try {
    return JSON.parse(row.note) as SnapshotNote;
  } catch {
    return undefined; // not a note of this version's making (cut short, or another tool's table): no snapshot
  }
}

export async function columnNames(c: Connection, table: string): Promise<string[]> {
  const { schema, name } = splitTable(table, await databaseOf(c));
  const rows = await rowsOf<{ name: string }>(
    c,
    'SELECT COLUMN_NAME AS name FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ' +
      'ORDER BY ORDINAL_POSITION',
    [schema, name],
  );
  return rows.map((r) => r.name);
}

const databaseOf = async (c: Connection) => (await rowsOf<{ name: string }>(c, 'SELECT DATABASE() AS name'))[0]!.name;
