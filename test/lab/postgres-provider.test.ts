/**
 * The postgres provider against the lab's real PostgreSQL, under the application's pgbench load:
 * DDL that waits for a lock without stalling clients, the dual-write trigger, a backfill that
 * resumes, verification, readers, snapshots and the inverses.
 */
import { jest } from '@jest/globals';
import { chownSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { startLab, type Lab } from '../../lab/lab.js';
import { worstLatencyDuring, type DbLoad } from '../../lab/components/db-load.js';
import type { EffectContext, EffectError, EffectResult } from '../../src/engine/ports.js';
import type { Run } from '../../src/engine/run.js';
import { applyPostgres } from '../../src/providers/postgres/postgres-effects.js';
import { readColumnDefinition } from '../../src/providers/postgres/column-definition.js';
import { preflight } from '../../src/providers/postgres/preflight.js';
import { withClient } from '../../src/providers/postgres/sessions.js';

jest.setTimeout(120_000);

let lab: Lab;
let db: pg.Client;
const rows = 40_000;
const table = 'user_profile';
const sync = {
  database: 'shop',
  table,
  from: 'column_1',
  to: 'column_2',
  type: 'jsonb',
  using: 'column_1::jsonb',
  lockTimeoutSeconds: 0.2,
};

beforeAll(async () => {
  lab = await startLab({ components: ['postgres'], seedRows: rows });
  process.env.LAB_SHOP_URL = lab.postgres!.url;
  db = new pg.Client({ connectionString: lab.postgres!.url });
  await db.connect();
});
afterAll(async () => {
  await db?.end();
  await lab?.stop();
});

const run = { id: 'run-pg', providers: { postgres: { databases: { shop: { url: { env: 'LAB_SHOP_URL' } } } } } };
const context = (step: string, extra: Partial<EffectContext> = {}): EffectContext => ({
  run: run as unknown as Run,
  step,
  attempt: 1,
  checkpointKey: `run-pg/${step}/1`,
  ...extra,
});
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Output = EffectResult & { output: Record<string, any> };
const apply = (operation: string, params: Record<string, unknown>, extra: Partial<EffectContext> = {}) =>
  applyPostgres(operation, params, context(operation, extra)) as Promise<Output>;
const columns = async () =>
  (
    await db.query(
      `SELECT attname FROM pg_attribute WHERE attrelid = 'user_profile'::regclass AND attnum > 0 AND NOT ` +
        `attisdropped ORDER BY attnum`,
    )
  ).rows.map((r) => r.attname);
const checksum = async (column: string) =>
  (
    await db.query(
      `SELECT md5(string_agg(id || ':' || coalesce(${column}::text, '-'), ',' ORDER BY id)) AS sum FROM ` +
        `user_profile WHERE id <= $1`,
      [rows],
    )
  ).rows[0].sum;

/** The column's values in key order, as one hash. */
const checksumOf = async (table: string, column: string) =>
  (
    await db.query(
      `SELECT md5(string_agg(id || ':' || coalesce(${column}, '-'), ',' ORDER BY id)) AS sum FROM ${table}`,
    )
  ).rows[0].sum;

describe('postgres provider on the lab, under load', () => {
  let load: DbLoad;
  beforeAll(async () => {
    load = await lab.startDbLoad({ clients: 8, rate: 400 });
  });

  it(
    'waits for a long transaction with a short lock_timeout and retries, naming it, without stalling ' + 'clients',
    async () => {
      const holder = new pg.Client({ connectionString: lab.postgres!.url, application_name: 'nightly-report' });
      await holder.connect();
      await holder.query('BEGIN');
      await holder.query('SELECT count(*) FROM user_profile WHERE id < 10');
      const release = setTimeout(() => void holder.query('COMMIT'), 1500);
      const started = Date.now();
      const added = await apply('add-column', { ...sync, column: 'column_2' });
      const ended = Date.now();
      clearTimeout(release);
      await holder.end();
      expect(added.output.lockWaits.length).toBeGreaterThan(0);
      expect(added.output.summary).toMatch(
        /waited for locks \d+× and retried \(attempt \d+ waited for pid \d+ \(nightly-report, idle in transaction/,
      );
      expect(await columns()).toContain('column_2');
      const report = await load.stop();
      expect(report.failures).toEqual([]);
      const worst = worstLatencyDuring(report.transactions, started, ended);
      expect(worst).toBeGreaterThan(0);
      expect(worst).toBeLessThanOrEqual(200 + 50);
      load = await lab.startDbLoad({ clients: 8, rate: 400, name: 'pgbench-2' });
    },
  );

  it('keeps the new column in step on writes, backfills resumably, and verifies every range', async () => {
    const before = await checksum('column_1');
    await apply('create-sync-trigger', sync);
    // The application's own role, with rights on its table alone, writes through the trigger.
    await db.query('CREATE ROLE shop_app LOGIN');
    await db.query('GRANT SELECT, UPDATE ON user_profile TO shop_app');
    const app = new pg.Client({ connectionString: lab.postgres!.url.replace('postgres@', 'shop_app@') });
    await app.connect();
    await app.query(`UPDATE user_profile SET column_1 = '{"by": "app"}' WHERE id = 3`).finally(() => app.end());
    const written = await db.query(`SELECT column_2 FROM user_profile WHERE id = 3`);
    expect(written.rows[0].column_2).toEqual({ by: 'app' });
    const controller = new AbortController();
    const progress: string[] = [];
    // Stopped at its first progress report, so it always stops mid-way (a timer raced a fast backfill).
    const first = await apply(
      'backfill',
      { ...sync, batchSize: 500 },
      {
        signal: controller.signal,
        progress: async (line) => {
          progress.push(line);
          controller.abort();
        },
      },
    ).catch((error: Error) => error);
    expect(first).toBeInstanceOf(Error);
    const { rows: done } = await db.query(`SELECT rows, next_key, upper_key FROM zeroops.backfills`);
    expect(Number(done[0].rows)).toBeGreaterThan(0);
    const resumed = await apply('backfill', { ...sync, batchSize: 500 });
    expect(resumed.output.resumedAfterRows).toBe(Number(done[0].rows));
    // Each key range once: what the first attempt did plus what the second did is the frozen range.
    expect(resumed.output.resumedAfterRows + resumed.output.rows).toBe(Number(done[0].upper_key));
    expect(resumed.output.summary).toMatch(/rows in [\d.]+s · [\d,]+ rows\/s/);
    const verified = await apply('verify-column', sync);
    expect(verified.output.mismatches).toBe(0);
    expect(verified.output.rows).toBeGreaterThanOrEqual(rows);

    const report = await load.stop();
    expect(report.failures).toEqual([]);

    // A change made behind the trigger's back is found, with its key.
    await db.query(`ALTER TABLE user_profile DISABLE TRIGGER USER`);
    await db.query(`UPDATE user_profile SET column_1 = '{"tier": "moved"}' WHERE id = 7`);
    await db.query(`ALTER TABLE user_profile ENABLE TRIGGER USER`);
    await expect(apply('verify-column', sync)).rejects.toThrow(/1 of \d+ rows differ .* keys 7/);
    await db.query(`UPDATE user_profile SET column_1 = column_1 || ' ' WHERE id = 7`);

    // The inverses leave the old column as it was and nothing of ZeroOps' behind.
    const beforeUndo = await checksum('column_1');
    await apply('drop-sync-trigger', sync);
    await apply('drop-column', { ...sync, column: 'column_2' });
    expect(await columns()).toEqual(['id', 'name', 'email', 'column_1']);
    expect(await checksum('column_1')).toBe(beforeUndo);
    expect(before).not.toBe(beforeUndo); // the load did write column_1 meanwhile
    const triggers = await db.query(
      `SELECT tgname FROM pg_trigger WHERE tgrelid = 'user_profile'::regclass AND NOT tgisinternal`,
    );
    expect(triggers.rows).toEqual([]);
  });
});

describe('lossy transforms', () => {
  beforeAll(async () => {
    await db.query(`UPDATE user_profile SET column_1 = 'not json ' || id WHERE id IN (3, 5)`);
  });
  afterAll(async () => {
    await apply('drop-sync-trigger', sync);
    await apply('drop-column', { ...sync, column: 'column_2', alsoText: 'column_1_invalid' });
  });

  it('are seen before approval: the read-only preflight counts the rows the transform fails on', async () => {
    await db.query(`ALTER TABLE user_profile SET (fillfactor = 90)`);
    const found = await preflight(lab.postgres!.url, {
      database: 'shop',
      table,
      transform: { from: 'column_1', using: 'column_1::jsonb', type: 'jsonb' },
    }).finally(() => db.query(`ALTER TABLE user_profile RESET (fillfactor)`));
    const { rows: sizes } = await db.query(
      `SELECT pg_relation_size('user_profile') AS bytes, pg_indexes_size('user_profile') AS index,
              avg(pg_column_size(column_1::jsonb)) FILTER (WHERE column_1 NOT LIKE 'not json%') AS jsonb,
              avg(octet_length(column_1)) AS text
         FROM user_profile`,
    );
    expect(found.heap).toEqual({
      bytes: Number(sizes[0].bytes),
      indexBytes: Number(sizes[0].index),
      fillfactor: 90,
      rowBytes: expect.any(Number),
      newColumnBytes: expect.any(Number),
    });
    // The new column's width is the transform's output over the rows checked (a stored value's header is a
    // byte where a computed one's is four).
    expect(Math.abs(found.heap!.newColumnBytes - Number(sizes[0].jsonb))).toBeLessThanOrEqual(4);
    expect(found.heap!.rowBytes).toBeGreaterThan(Number(sizes[0].text) + 24); // and a header, a key, a name …
    expect(found.transform!.failing.count).toBe(2);
    // Errors by their SQLSTATE only: PostgreSQL's text may quote the value.
    expect(found.transform!.failing.examples).toEqual([
      { key: '3', value: 'not json 3', code: '22P02' },
      { key: '5', value: 'not json 5', code: '22P02' },
    ]);
    expect(found).toMatchObject({ key: { column: 'id', type: 'bigint' }, statementsTracked: true, replicas: [] });
    expect(found.rows).toBeGreaterThanOrEqual(rows);
  });

  it('counts an error of any class against its row, so its text (which quotes the value) never escapes', async () => {
    // The planner refuses a reg* cast; the preflight holds even if one got through: the input of
    // regclass raises 42P01 "relation "<the value>" does not exist", not a data exception.
    const found = await preflight(lab.postgres!.url, {
      database: 'shop',
      table,
      transform: { from: 'name', using: `('"' || name || '"')::regclass::text`, type: 'text' },
    });
    expect(found.transform!.failing).toMatchObject({ count: found.transform!.checked });
    expect(found.transform!.failing.examples[0]).toEqual({ key: '1', value: 'user 1', code: '42P01' });
  });

  it('fail: the backfill stops at an invalid value, and the trigger rejects an invalid write', async () => {
    await apply('add-column', { ...sync, column: 'column_2' });
    await apply('create-sync-trigger', sync);
    await expect(apply('backfill', { ...sync, batchSize: 1000 }, { step: 'backfill-fail' } as never)).rejects.toThrow(
      'column_1::jsonb fails for a row with id in the 1000 rows from 1: invalid input syntax (SQLSTATE 22P02) ' +
        '(onInvalid: fail; null or keep-text-in <column> would let it through)',
    );
    await expect(db.query(`UPDATE user_profile SET column_1 = 'oops' WHERE id = 9`)).rejects.toThrow(/json/);
  });

  it('keep-text-in: the value becomes NULL and its text is kept in a column of its own', async () => {
    const keep = { ...sync, onInvalid: { mode: 'keep-text', column: 'column_1_invalid' } };
    await apply('add-column', { ...keep, column: 'column_2', alsoText: 'column_1_invalid' });
    await apply('create-sync-trigger', keep);
    await applyPostgres('backfill', { ...keep, batchSize: 5000 }, context('backfill-keep'));
    const { rows: kept } = await db.query(
      `SELECT id, column_2, column_1_invalid FROM user_profile WHERE column_1_invalid IS NOT NULL ORDER BY id`,
    );
    expect(kept).toEqual([
      { id: '3', column_2: null, column_1_invalid: 'not json 3' },
      { id: '5', column_2: null, column_1_invalid: 'not json 5' },
    ]);
    await db.query(`UPDATE user_profile SET column_1 = 'still not json' WHERE id = 11`);
    const { rows: written } = await db.query(`SELECT column_2, column_1_invalid FROM user_profile WHERE id = 11`);
    expect(written).toEqual([{ column_2: null, column_1_invalid: 'still not json' }]);
    expect((await apply('verify-column', keep)).output.mismatches).toBe(0);
  });
});

describe('additive statements', () => {
  it('builds an index concurrently once, runs one statement per query, and stages SET NOT NULL', async () => {
    const index = { database: 'shop', table, lockTimeoutSeconds: 0.2 };
    const sql = 'CREATE INDEX CONCURRENTLY up_name ON user_profile (name)';
    expect((await apply('execute', { ...index, sql })).output.summary).toMatch(/^applied in \d+ms$/);
    expect((await apply('execute', { ...index, sql })).output.summary).toBe(
      'the index exists and is valid: built before',
    );
    // A value that smuggles a second statement is refused by the protocol, not run.
    await expect(
      apply('execute', { ...index, sql: 'ALTER TABLE user_profile ADD COLUMN x text; DROP TABLE user_profile' }),
    ).rejects.toThrow(/cannot insert multiple commands into a prepared statement/);
    for (const step of [
      'ALTER TABLE user_profile ADD CONSTRAINT email_not_null CHECK (email IS NOT NULL) NOT VALID',
      'ALTER TABLE user_profile VALIDATE CONSTRAINT email_not_null',
      'ALTER TABLE user_profile ALTER COLUMN email SET NOT NULL',
      'ALTER TABLE user_profile DROP CONSTRAINT IF EXISTS email_not_null',
    ])
      await apply('execute', { ...index, sql: step });
    expect(await columns()).toEqual(['id', 'name', 'email', 'column_1']);
  });

  const cleanSlate = "says when a statement changed nothing, and on a clean slate never takes somebody's object";
  it(cleanSlate, async () => {
    const at = { database: 'shop', table, lockTimeoutSeconds: 0.2 };
    const outcome = (sql: string, cleanSlate: boolean) =>
      apply('execute', { ...at, sql }, { cleanSlate }).then(
        (result) => ({ summary: result.output.summary as string, untouched: undefined }),
        (error: EffectError) => ({ summary: error.message, untouched: error.untouched }),
      );
    const index = 'CREATE INDEX CONCURRENTLY up_email_seen ON user_profile (email)';
    const check = 'ALTER TABLE user_profile ADD CONSTRAINT email_seen CHECK (length(email) < 500)';
    await outcome(index, true);
    await outcome(check, true);
    // There before any attempt of the step: PostgreSQL's refusal, which changed nothing.
    expect(await outcome(index, true)).toEqual({
      summary: expect.stringMatching(/up_email_seen" already exists/),
      untouched: true,
    });
    expect(await outcome(check, true)).toEqual({
      summary: expect.stringMatching(/email_seen.* already exists/),
      untouched: true,
    });
    expect(await outcome('ALTER TABLE user_profile ADD COLUMN email text', true)).toMatchObject({ untouched: true });
    // After an attempt that may have acted, what it would make is its doing.
    expect(await outcome(index, false)).toEqual({
      summary: 'the index exists and is valid: built before',
      untouched: undefined,
    });
    expect(await outcome(check, false)).toEqual({
      summary: 'the constraint exists: added before',
      untouched: undefined,
    });
    // A concurrent build that fails while building leaves an invalid index behind: its undo must run.
    expect(await outcome('CREATE UNIQUE INDEX CONCURRENTLY up_parity ON user_profile ((id % 2))', true)).toEqual({
      summary: expect.stringMatching(/could not create unique index/),
      untouched: false,
    });
    await db.query(
      'DROP INDEX up_email_seen; DROP INDEX up_parity; ALTER TABLE user_profile DROP CONSTRAINT email_seen',
    );
  });

  it('drops an index CONCURRENTLY keeping its definition, and a rollback builds it again', async () => {
    await db.query(`CREATE TABLE audit_events (id bigint PRIMARY KEY, kind text, at timestamptz)`);
    await db.query(
      `INSERT INTO audit_events SELECT g, 'k' || g % 7, now() - g * interval '1 s' FROM generate_series(1, 5000) AS g`,
    );
    await db.query(`CREATE UNIQUE INDEX ae_kind_at ON audit_events (kind, at DESC) WHERE kind <> 'k0'`);
    const definition = async () =>
      (
        await db.query(
          `SELECT pg_get_indexdef(indexrelid) AS d, indisvalid AS valid FROM pg_index
            WHERE indexrelid = to_regclass('ae_kind_at')`,
        )
      ).rows[0];
    const before = await definition();
    const target = { database: 'shop', index: 'ae_kind_at' };

    const dropped = await apply('drop-index', target);
    expect(dropped.output.summary).toMatch(/^dropped ae_kind_at; its definition is kept for a rollback: CREATE UNIQUE/);
    expect(await definition()).toBeUndefined();
    // A retried drop (the worker died after it) finds it dropped, by this run.
    expect((await apply('drop-index', target)).output.summary).toBe(
      'ae_kind_at is dropped: dropped before, its definition kept',
    );
    // A name that is no index: an error, unless the statement said IF EXISTS.
    await expect(apply('drop-index', { ...target, index: 'ae_nope' })).rejects.toThrow('there is no index ae_nope');
    expect((await apply('drop-index', { ...target, index: 'ae_nope', ifExists: true })).output.summary).toMatch(
      /nothing to drop \(IF EXISTS\)$/,
    );

    expect((await apply('restore-index', target)).output.summary).toMatch(/^built ae_kind_at again, CONCURRENTLY/);
    expect(await definition()).toEqual(before);
    expect((await apply('restore-index', target)).output.summary).toBe('ae_kind_at exists and is valid: built before');
    // Another run dropped nothing: its rollback builds nothing.
    expect(
      (
        await applyPostgres('restore-index', target, {
          ...context('restore-index'),
          run: { ...run, id: 'other' } as never,
        })
      ).output,
    ).toMatchObject({ summary: 'this run did not drop ae_kind_at: nothing to build' });
    // The index behind a primary key is the constraint's: dropping it is refused, naming the constraint.
    await expect(apply('drop-index', { ...target, index: 'audit_events_pkey' })).rejects.toThrow(
      'audit_events_pkey enforces the constraint audit_events_pkey',
    );
    // An index logical replication names rows by is refused too.
    await db.query(`CREATE UNIQUE INDEX ae_ident ON audit_events (id, kind)`);
    await db.query(`ALTER TABLE audit_events ALTER COLUMN kind SET NOT NULL`);
    await db.query(`ALTER TABLE audit_events REPLICA IDENTITY USING INDEX ae_ident`);
    await expect(apply('drop-index', { ...target, index: 'ae_ident' })).rejects.toThrow(
      "ae_ident is its table's REPLICA IDENTITY",
    );
    // Someone made another index of the dropped one's name: neither the retry nor the rollback touches it.
    await apply('drop-index', target);
    await db.query(`CREATE INDEX ae_kind_at ON audit_events (at)`);
    await expect(apply('drop-index', target)).rejects.toThrow(
      'an index ae_kind_at that is not the one this run dropped',
    );
    await expect(apply('restore-index', target)).rejects.toThrow('a person decides which to keep');
  });

  it('builds a dropped index again in its tablespace, with its comment and CLUSTER mark', async () => {
    // A tablespace in the lab's own directory, owned by the server's user (the lab removes it).
    const data = (await db.query<{ data_directory: string }>('SHOW data_directory')).rows[0]!.data_directory;
    const location = join(dirname(data), 'archive-space');
    mkdirSync(location);
    chownSync(location, statSync(data).uid, statSync(data).gid);
    await db.query(`CREATE TABLESPACE archive_space LOCATION '${location}'`);
    await db.query(`CREATE TABLE ledger (id bigint PRIMARY KEY, account text)`);
    await db.query(`INSERT INTO ledger SELECT g, 'a' || g % 13 FROM generate_series(1, 2000) AS g`);
    await db.query(`CREATE INDEX ledger_account ON ledger (account) TABLESPACE archive_space`);
    await db.query(`COMMENT ON INDEX ledger_account IS $$the auditors' lookup, C:\\reports$$`);
    await db.query(`ALTER TABLE ledger CLUSTER ON ledger_account`);
    const properties = async () =>
      (
        await db.query(
          `SELECT t.spcname, obj_description(i.indexrelid, 'pg_class') AS comment, i.indisclustered AS clustered
             FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
             LEFT JOIN pg_tablespace t ON t.oid = c.reltablespace
            WHERE i.indexrelid = to_regclass('ledger_account')`,
        )
      ).rows[0];
    const before = await properties();
    expect(before).toEqual({ spcname: 'archive_space', comment: "the auditors' lookup, C:\\reports", clustered: true });
    // The table as an earlier version made it, holding the definition alone: that version kept it, then
    // died before the drop. The retry under this one adds what it keeps now.
    await db.query('CREATE SCHEMA IF NOT EXISTS zeroops');
    await db.query('DROP TABLE IF EXISTS zeroops.dropped_indexes');
    await db.query(
      `CREATE TABLE zeroops.dropped_indexes (run text NOT NULL, index_name text NOT NULL, definition text NOT NULL,
         dropped_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (run, index_name))`,
    );
    await db.query(
      `INSERT INTO zeroops.dropped_indexes (run, index_name, definition)
       SELECT $1, 'ledger_account', pg_get_indexdef('ledger_account'::regclass)`,
      [run.id],
    );
    // The role's own default tablespace must not place an index that was in the database's.
    await db.query(`CREATE INDEX ledger_id_desc ON ledger (id DESC)`);
    await db.query(`ALTER ROLE postgres SET default_tablespace = archive_space`);
    const target = { database: 'shop', index: 'ledger_account' };
    const plain = { database: 'shop', index: 'ledger_id_desc' };
    try {
      await apply('drop-index', plain);
      await apply('restore-index', plain);
    } finally {
      await db.query(`ALTER ROLE postgres RESET default_tablespace`);
    }
    const placed = await db.query(`SELECT reltablespace FROM pg_class WHERE oid = 'ledger_id_desc'::regclass`);
    expect(placed.rows[0].reltablespace).toBe(0);

    await apply('drop-index', target);
    expect(await properties()).toBeUndefined();
    expect((await apply('restore-index', target)).output.summary).toMatch(
      /^built ledger_account again, CONCURRENTLY \(tablespace archive_space\): CREATE INDEX ledger_account/,
    );
    expect(await properties()).toEqual(before);
  });
});

describe('readers, rename, snapshot and restore', () => {
  it('holds a rename while statements use the column, and snapshots and restores it exactly', async () => {
    const load = await lab.startDbLoad({ clients: 2, rate: 100, name: 'pgbench-readers' });
    const target = { database: 'shop', table, column: 'column_1', lockTimeoutSeconds: 0.2 };
    const readers = await apply('column-readers', { ...target, windowSeconds: 1.5 });
    expect(readers.output.readers.map((r: { statement: string }) => r.statement)).toEqual(
      expect.arrayContaining([expect.stringContaining('SELECT name, column_1 FROM user_profile WHERE id = $N')]),
    );
    await expect(
      apply('rename-column', { ...target, newName: 'column_1_deprecated', unlessUsedWithinSeconds: 1.5 }),
    ).rejects.toThrow(/held: user_profile.column_1 is still in use, \d+ statement\(s\) used it in 1.5s/);
    const report = await load.stop();
    expect(report.failures).toEqual([]);
    await apply('rename-column', { ...target, newName: 'column_1_deprecated', unlessUsedWithinSeconds: 1 });
    const deprecated = { ...target, column: 'column_1_deprecated' };
    const before = await checksum('column_1_deprecated');
    const snapshot = await apply('snapshot-column', deprecated);
    expect(snapshot.output.rows).toBeGreaterThanOrEqual(rows);
    await apply('drop-column', deprecated);
    expect(await columns()).not.toContain('column_1_deprecated');
    const restored = await apply('restore-column-snapshot', deprecated);
    expect(restored.output.summary).toContain('checksum equal');
    expect(await checksum('column_1_deprecated')).toBe(before);
  });
});

describe('keys with gaps, past 2^53, up to the bigint maximum', () => {
  // Snowflake-style ids: 2,000 rows spread over 6·10^18 keys, neighbours that one double cannot
  // tell apart (2^53 + 1 reads as 2^53), a negative key and the type's last value.
  const events = { ...sync, table: 'events', from: 'payload', to: 'payload_json', using: 'payload::jsonb' };
  beforeAll(async () => {
    await db.query(`CREATE TABLE events (id bigint PRIMARY KEY, payload text NOT NULL)`);
    await db.query(
      `INSERT INTO events SELECT 9007199254740995 + g * 3000000000000000, '{"n": ' || g || '}'
         FROM generate_series(1, 1996) AS g`,
    );
    await db.query(
      `INSERT INTO events VALUES (-5, '{"n": -5}'), (9007199254740992, '{"n": "a"}'),
         (9007199254740993, '{"n": "b"}'), (9223372036854775807, '{"n": "last"}')`,
    );
  });

  it('backfills in batches of rows, not of key values, and verifies every row by its exact key', async () => {
    await apply('add-column', { ...events, column: 'payload_json' });
    await apply('create-sync-trigger', events);
    // The same step's progress on another table is refused, not resumed.
    await expect(apply('backfill', { ...events, batchSize: 100 })).rejects.toThrow(
      "the backfill progress 'run-pg/backfill' belongs to user_profile, not events",
    );
    const filled = await apply('backfill', { ...events, batchSize: 100 }, { step: 'backfill-events' });
    expect(filled.output.rows).toBe(2000);
    // Batches of 50 to 400 rows as the throttle goes; batches of key values would need ~10^16.
    expect(filled.output.batches).toBeGreaterThanOrEqual(2000 / 400);
    expect(filled.output.batches).toBeLessThanOrEqual(2000 / 50);
    const { rows: empty } = await db.query(`SELECT count(*)::int AS n FROM events WHERE payload_json IS NULL`);
    expect(empty[0].n).toBe(0);
    const verified = await apply('verify-column', events);
    expect(verified.output).toMatchObject({ rows: 2000, ranges: 1, mismatches: 0 });

    // A difference is named by its exact key: 2^53 + 1, not the 2^53 a double would make of it.
    await db.query(`ALTER TABLE events DISABLE TRIGGER USER`);
    await db.query(`UPDATE events SET payload = '{"n": "moved"}' WHERE id = 9007199254740993`);
    await db.query(`ALTER TABLE events ENABLE TRIGGER USER`);
    await expect(apply('verify-column', events)).rejects.toThrow(/1 of 2000 rows differ .* keys 9007199254740993$/);
  });
});

describe('a column named like a keyword', () => {
  // What the planner writes for ALTER COLUMN "user" TYPE varchar(200): bare, user is current_user.
  const accounts = {
    ...sync,
    table: 'accounts',
    from: 'user',
    to: 'user_new',
    type: 'varchar(200)',
    using: '"user"::varchar(200)',
  };

  it('copies the column, not the session role: trigger, backfill and verification', async () => {
    await db.query(`CREATE TABLE accounts (id bigint PRIMARY KEY, "user" text NOT NULL)`);
    await db.query(`INSERT INTO accounts SELECT g, 'login-' || g FROM generate_series(1, 500) AS g`);
    await apply('add-column', { ...accounts, column: 'user_new' });
    await apply('create-sync-trigger', accounts);
    await db.query(`UPDATE accounts SET "user" = 'renamed' WHERE id = 1`);
    await apply('backfill', { ...accounts, batchSize: 100 }, { step: 'backfill-accounts' });
    await expect(apply('verify-column', accounts)).resolves.toMatchObject({ output: { mismatches: 0 } });
    const { rows } = await db.query(
      `SELECT count(*) FILTER (WHERE user_new = "user")::int AS same, count(*)::int AS n,
              max(user_new) FILTER (WHERE id = 1) AS first FROM accounts`,
    );
    expect(rows[0]).toEqual({ same: 500, n: 500, first: 'renamed' });
  });
});

describe('keys of any type their index sorts: UUIDs and text codes', () => {
  const orders = { ...sync, table: 'orders', from: 'meta', to: 'meta_json', using: 'meta::jsonb' };
  const skus = { ...sync, table: 'skus', from: 'meta', to: 'meta_json', using: 'meta::jsonb' };
  beforeAll(async () => {
    await db.query(`CREATE TABLE orders (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), meta text NOT NULL)`);
    await db.query(`INSERT INTO orders (meta) SELECT '{"n": ' || g || '}' FROM generate_series(1, 1500) AS g`);
    // Codes whose order as text ('B-10' < 'B-9') is not their order as numbers: the index's order rules.
    await db.query(`CREATE TABLE skus (code varchar(16) PRIMARY KEY, meta text NOT NULL)`);
    await db.query(
      `INSERT INTO skus SELECT chr(65 + g % 3) || '-' || g, '{"n": ' || g || '}' FROM generate_series(1, 700) AS g`,
    );
    await db.query(`CREATE TABLE line_items (order_id bigint, line int, meta text, PRIMARY KEY (order_id, line))`);
  });

  it('backfills and verifies a table keyed by UUID, and reports a difference without its key', async () => {
    // A progress table from before keys of any type (bigint bounds) is brought forward, not refused.
    await db.query(`CREATE SCHEMA IF NOT EXISTS zeroops`);
    await db.query(
      `CREATE TABLE IF NOT EXISTS zeroops.backfills (key text PRIMARY KEY, table_name text NOT NULL,
         lower_key bigint, upper_key bigint, next_key bigint, rows bigint NOT NULL DEFAULT 0,
         batches integer NOT NULL DEFAULT 0, started_at timestamptz NOT NULL DEFAULT now(), finished_at timestamptz)`,
    );
    await db.query(
      `ALTER TABLE zeroops.backfills ALTER COLUMN lower_key TYPE bigint USING lower_key::bigint,
         ALTER COLUMN upper_key TYPE bigint USING upper_key::bigint,
         ALTER COLUMN next_key TYPE bigint USING next_key::bigint`,
    );
    await apply('add-column', { ...orders, column: 'meta_json' });
    await apply('create-sync-trigger', orders);
    const filled = await apply('backfill', { ...orders, batchSize: 100 }, { step: 'backfill-orders' });
    expect(filled.output.rows).toBe(1500);
    const { rows: types } = await db.query(
      `SELECT format_type(atttypid, atttypmod) AS type FROM pg_attribute
        WHERE attrelid = 'zeroops.backfills'::regclass AND attname = 'next_key'`,
    );
    expect(types[0].type).toBe('text');
    const { rows: empty } = await db.query(`SELECT count(*)::int AS n FROM orders WHERE meta_json IS NULL`);
    expect(empty[0].n).toBe(0);
    expect((await apply('verify-column', orders)).output).toMatchObject({ rows: 1500, ranges: 1, mismatches: 0 });

    const { rows: picked } = await db.query(`SELECT id::text FROM orders ORDER BY id OFFSET 700 LIMIT 1`);
    await db.query(`ALTER TABLE orders DISABLE TRIGGER USER`);
    await db.query(`UPDATE orders SET meta = '{"n": "moved"}' WHERE id = $1`, [picked[0].id]);
    await db.query(`ALTER TABLE orders ENABLE TRIGGER USER`);
    // A key that is not an integer goes into the check run by its shape, with the query that lists it.
    const mismatch = await apply('verify-column', orders).catch((error: Error) => error.message);
    expect(mismatch).toMatch(/^1 of 1500 rows differ .* keys xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx \(by their shape; /);
    expect(mismatch).not.toContain(picked[0].id);
    const query = /to list them: (SELECT .*)\)$/.exec(mismatch as string)![1]!;
    expect((await db.query(query)).rows).toEqual([{ id: picked[0].id }]);
  });

  it('walks text keys in their index order, each row once, and resumes there', async () => {
    await apply('add-column', { ...skus, column: 'meta_json' });
    await apply('create-sync-trigger', skus);
    // Stopped after its first batch, as a worker crash would; the next attempt resumes from the checkpoint.
    const stop = new AbortController();
    const first = apply('backfill', { ...skus, batchSize: 100 }, { step: 'backfill-skus', signal: stop.signal });
    const started = Date.now();
    for (;;) {
      const { rows } = await db.query(`SELECT batches FROM zeroops.backfills WHERE key = 'run-pg/backfill-skus'`);
      if ((rows[0]?.batches ?? 0) >= 1 || Date.now() - started > 10_000) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    stop.abort();
    await expect(first).rejects.toThrow(/the next attempt resumes there/);
    const { rows: before } = await db.query(
      `SELECT rows::int FROM zeroops.backfills WHERE key = 'run-pg/backfill-skus'`,
    );
    expect(before[0].rows).toBeGreaterThan(0);
    expect(before[0].rows).toBeLessThan(700);
    const resumed = await apply('backfill', { ...skus, batchSize: 100 }, { step: 'backfill-skus' });
    expect(resumed.output.resumedAfterRows).toBe(before[0].rows);
    expect(resumed.output.rows + before[0].rows).toBe(700);
    expect((await apply('verify-column', skus)).output).toMatchObject({ rows: 700, mismatches: 0 });
  });

  it('refuses a key of several columns, saying what it found', async () => {
    await expect(
      apply('backfill', { ...sync, table: 'line_items', from: 'meta', to: 'meta_json', using: 'meta::jsonb' }),
    ).rejects.toThrow(
      'line_items needs a primary key of one column to walk in batches (it has order_id bigint, line integer)',
    );
  });
});

describe('what hangs on a column or a table a change drops', () => {
  beforeAll(async () => {
    await db.query(`
      CREATE SCHEMA deps;
      CREATE TABLE deps.org (id bigserial PRIMARY KEY, code text UNIQUE);
      CREATE TABLE deps.member (id bigserial PRIMARY KEY, org_id bigint REFERENCES deps.org (id),
        email text NOT NULL DEFAULT '', a int CHECK (a > 0), b int GENERATED ALWAYS AS (a * 2) STORED,
        tenant int, parent_id bigint REFERENCES deps.member (id), note text);
      CREATE UNIQUE INDEX member_tenant_email ON deps.member (tenant, email);
      CREATE VIEW deps.emails AS SELECT id, email FROM deps.member;
      CREATE FUNCTION deps.touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
      CREATE TRIGGER member_tenant BEFORE UPDATE OF tenant ON deps.member FOR EACH ROW EXECUTE FUNCTION deps.touch();`);
  });

  /** Whether PostgreSQL itself drops it without CASCADE, and the indexes and constraints left; rolled back. */
  const dropsCleanly = async (statement: string) => {
    await db.query('BEGIN');
    try {
      await db.query(statement);
      const { rows } = await db.query(
        `SELECT relname AS name FROM pg_class WHERE relnamespace = 'deps'::regnamespace AND relkind = 'i'
         UNION ALL SELECT conname FROM pg_constraint WHERE connamespace = 'deps'::regnamespace`,
      );
      return { dropped: true, left: rows.map((r) => r.name as string) };
    } catch {
      return { dropped: false, left: [] };
    } finally {
      await db.query('ROLLBACK');
    }
  };

  it('reads them from the catalog before approval, and PostgreSQL agrees on which drops it would refuse', async () => {
    const columns = ['id', 'org_id', 'email', 'a', 'tenant', 'note', 'nowhere'];
    const found = await preflight(lab.postgres!.url, {
      database: 'shop',
      table: 'deps.member',
      retiredColumns: columns,
    });
    const of = (column: string) => found.retiredColumns!.find((c) => c.column === column)!;
    expect(of('id')).toMatchObject({ primaryKey: true, notNull: true });
    expect(of('id').blockers).toEqual([
      'constraint member_parent_id_fkey (FOREIGN KEY (parent_id) REFERENCES deps.member(id))',
      'view deps.emails',
    ]);
    expect(of('email')).toMatchObject({ notNull: true, default: "''::text", blockers: ['view deps.emails'] });
    expect(of('email').droppedWith).toEqual([
      'index member_tenant_email (CREATE UNIQUE INDEX member_tenant_email ON deps.member USING btree (tenant, email))',
    ]);
    expect(of('a').droppedWith).toEqual(['constraint member_a_check (CHECK ((a > 0)))']);
    expect(of('a').blockers).toEqual(['column b (its default or generated value reads it)']);
    expect(of('tenant').blockers).toEqual(['trigger member_tenant']);
    expect(of('org_id')).toMatchObject({
      droppedWith: ['constraint member_org_id_fkey (FOREIGN KEY (org_id) REFERENCES deps.org(id))'],
      blockers: [],
    });
    expect(of('note')).toEqual({
      column: 'note',
      exists: true,
      primaryKey: false,
      notNull: false,
      droppedWith: [],
      lostForGood: [],
      blockers: [],
    });
    expect(of('nowhere').exists).toBe(false);
    // What the drop's undo cannot build again is told apart from what it can.
    await db.query('CREATE STATISTICS deps.member_st ON org_id, note FROM deps.member');
    const withStatistics = await preflight(lab.postgres!.url, {
      database: 'shop',
      table: 'deps.member',
      retiredColumns: ['org_id'],
    });
    expect(withStatistics.retiredColumns![0]).toMatchObject({
      droppedWith: [
        'constraint member_org_id_fkey (FOREIGN KEY (org_id) REFERENCES deps.org(id))',
        'statistics member_st',
      ],
      lostForGood: ['statistics member_st'],
    });
    await db.query('DROP STATISTICS deps.member_st');
    // The columns a replacement would add: one holds data, one a ZeroOps run left.
    await db.query(`COMMENT ON COLUMN deps.member.tenant IS 'zeroops run run-41'`);
    const adding = await preflight(lab.postgres!.url, {
      database: 'shop',
      table: 'deps.member',
      addedColumns: ['note', 'tenant', 'fresh'],
    });
    expect(adding.takenColumns).toEqual([{ column: 'tenant', addedByRun: 'run-41' }, { column: 'note' }]);
    for (const column of columns.filter((c) => c !== 'nowhere')) {
      const outcome = await dropsCleanly(`ALTER TABLE deps.member DROP COLUMN ${column}`);
      expect({ column, dropped: outcome.dropped }).toEqual({ column, dropped: of(column).blockers.length === 0 });
      // What the preflight said goes with the column is what PostgreSQL took along.
      const named = of(column).droppedWith.map((d) => d.split(' ')[1]!);
      if (outcome.dropped) expect(outcome.left.filter((name) => named.includes(name))).toEqual([]);
    }
    await db.query('DROP TRIGGER member_tenant ON deps.member');
    const tenant = await dropsCleanly('ALTER TABLE deps.member DROP COLUMN tenant');
    expect(tenant.left).not.toContain('member_tenant_email'); // the two-column index goes with either column
    expect(tenant.left).toContain('member_pkey');

    const org = await preflight(lab.postgres!.url, { database: 'shop', table: 'deps.org', retiresTable: true });
    expect(org.tableBlockers).toEqual([
      'constraint member_org_id_fkey of deps.member (FOREIGN KEY (org_id) REFERENCES deps.org(id))',
    ]);
    expect((await dropsCleanly('DROP TABLE deps.org')).dropped).toBe(false);
    // Dropped after deps.member in the same change, deps.org has nothing left on it.
    const afterMember = await preflight(lab.postgres!.url, {
      database: 'shop',
      table: 'deps.org',
      retiresTable: true,
      droppedBefore: ['deps.member'],
    });
    expect(afterMember.tableBlockers).toEqual([]);
    // A table inheriting from it stops DROP TABLE too, in PostgreSQL's own words.
    await db.query('CREATE TABLE deps.org_archive () INHERITS (deps.org)');
    const inherited = await preflight(lab.postgres!.url, { database: 'shop', table: 'deps.org', retiresTable: true });
    expect(inherited.tableBlockers).toContain('table deps.org_archive');
    await db.query('DROP TABLE deps.org_archive');
    expect(inherited.tablePartitions).toEqual([]);
    await db.query(`CREATE TABLE deps.event (at date NOT NULL) PARTITION BY RANGE (at);
      CREATE TABLE deps.event_2026 PARTITION OF deps.event FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')
        PARTITION BY RANGE (at);
      CREATE TABLE deps.event_2026_h1 PARTITION OF deps.event_2026 FOR VALUES FROM ('2026-01-01') TO ('2026-07-01')`);
    const events = await preflight(lab.postgres!.url, { database: 'shop', table: 'deps.event', retiresTable: true });
    expect(events.tablePartitions).toEqual(['deps.event_2026', 'deps.event_2026_h1']);
    const member = await preflight(lab.postgres!.url, { database: 'shop', table: 'deps.member', retiresTable: true });
    expect(member.tableBlockers).toEqual(['view deps.emails']);
  });
});

describe("a dropped column's undo", () => {
  it('puts back its NOT NULL, default, indexes and constraints as they were, not only its values', async () => {
    await db.query(`
      CREATE SCHEMA kept;
      CREATE TABLE kept.org (code text PRIMARY KEY);
      CREATE TABLE kept.account (id bigserial PRIMARY KEY, handle text NOT NULL DEFAULT lower('ANON'),
        CONSTRAINT account_handle_short CHECK (length(handle) < 40),
        CONSTRAINT account_handle_unique UNIQUE (handle) DEFERRABLE INITIALLY DEFERRED, org_code text);
      ALTER TABLE kept.account ADD CONSTRAINT account_handle_ascii CHECK (handle ~ '^[a-z0-9_]*$') NOT VALID;
      ALTER TABLE kept.account ADD CONSTRAINT account_org FOREIGN KEY (handle) REFERENCES kept.org (code);
      CREATE INDEX account_handle_org ON kept.account (org_code, lower(handle)) WHERE handle <> '';
      INSERT INTO kept.org (code) SELECT 'h' || g FROM generate_series(1, 500) AS g;
      INSERT INTO kept.account (handle) SELECT 'h' || g FROM generate_series(1, 500) AS g;`);
    const target = { database: 'shop', table: 'kept.account', column: 'handle', lockTimeoutSeconds: 0.2 };
    const definition = () => withClient(lab.postgres!.url, (c) => readColumnDefinition(c, 'kept.account', 'handle'));
    const before = await definition();
    expect(before.indexes.map((i) => i.name)).toEqual(['account_handle_org']);
    expect(before.constraints.map((k) => `${k.name} ${k.validated}`)).toEqual([
      'account_handle_ascii false',
      'account_handle_short true',
      'account_handle_unique true',
      'account_org true',
    ]);
    const values = await checksumOf('kept.account', 'handle');
    await apply('snapshot-column', target);
    await apply('drop-column', target);
    const restored = await apply('restore-column-snapshot', target);
    expect(restored.output.summary).toContain(
      "checksum equal; built again: DEFAULT lower('ANON'::text), constraint account_handle_ascii, " +
        'constraint account_handle_short, ' +
        'constraint account_handle_unique, constraint account_org, index account_handle_org, NOT NULL',
    );
    expect(await definition()).toEqual(before);
    expect(await checksumOf('kept.account', 'handle')).toBe(values);
    // A retry finds every piece in place and builds nothing twice; one an attempt left NOT VALID, it validates.
    await db.query(`ALTER TABLE kept.account DROP CONSTRAINT account_handle_short;
      ALTER TABLE kept.account ADD CONSTRAINT account_handle_short CHECK (length(handle) < 40) NOT VALID`);
    const again = await apply('restore-column-snapshot', target);
    expect(again.output.rebuilt).toEqual(['constraint account_handle_short']);
    expect(await definition()).toEqual(before);
  });

  it("says what it cannot put back: a serial's sequence, NOT NULL over rows written since the drop", async () => {
    await db.query(`
      CREATE TABLE kept.ticket (id bigserial PRIMARY KEY, seq serial, code text NOT NULL DEFAULT 'none');
      INSERT INTO kept.ticket (code) SELECT 'c' || g FROM generate_series(1, 100) AS g;
      CREATE INDEX ticket_seq ON kept.ticket (seq);`);
    const on = (column: string) => ({ database: 'shop', table: 'kept.ticket', column, lockTimeoutSeconds: 0.2 });
    for (const column of ['seq', 'code']) {
      await apply('snapshot-column', on(column));
      await apply('drop-column', on(column));
    }
    await db.query('INSERT INTO kept.ticket DEFAULT VALUES'); // the application went on writing
    const code = await apply('restore-column-snapshot', on('code'));
    expect(code.output.rebuilt).toEqual(["DEFAULT 'none'::text"]);
    expect(code.output.notRebuilt).toEqual([
      'NOT NULL: 1 row(s) written since the drop have no code; give them one, then VALIDATE CONSTRAINT ' +
        '"code_not_null" (NOT VALID until then, it holds for new writes) and SET NOT NULL',
    ]);
    await expect(db.query('INSERT INTO kept.ticket (code) VALUES (NULL)')).rejects.toThrow(/code_not_null/);
    expect((await db.query('INSERT INTO kept.ticket DEFAULT VALUES RETURNING code')).rows[0].code).toBe('none');
    // An index of the column whose name another index took meanwhile is named, not replaced.
    await db.query('CREATE INDEX ticket_seq ON kept.ticket (id)');
    // A UNIQUE constraint whose index's name was taken is not pinned on somebody else's index.
    await db.query(`CREATE TABLE kept.badge (id int PRIMARY KEY, tag text CONSTRAINT badge_tag UNIQUE);
      INSERT INTO kept.badge SELECT g, 't' || g FROM generate_series(1, 10) AS g`);
    const tag = { database: 'shop', table: 'kept.badge', column: 'tag', lockTimeoutSeconds: 0.2 };
    await apply('snapshot-column', tag);
    await apply('drop-column', tag);
    await db.query('CREATE UNIQUE INDEX badge_tag ON kept.badge (id)');
    const badge = await apply('restore-column-snapshot', tag);
    expect(badge.output.notRebuilt).toEqual([
      "constraint badge_tag: its index's name now belongs to another index " +
        '(CREATE UNIQUE INDEX badge_tag ON kept.badge USING btree (id))',
    ]);
    const seq = await apply('restore-column-snapshot', on('seq'));
    expect(seq.output.notRebuilt).toContain(
      'index ticket_seq: the name now belongs to another index ' +
        '(CREATE INDEX ticket_seq ON kept.ticket USING btree (id))',
    );
    expect(seq.output.summary).toContain(
      "checksum equal; not built again: DEFAULT nextval('kept.ticket_seq_seq'::regclass) " +
        '(its sequence kept.ticket_seq_seq went with the column)',
    );
  });
});
