/**
 * A column replacement against what a real database and its application do around it: code that
 * writes the new column alone, roles that may not run functions by default, domains, leftovers of
 * an earlier attempt, NULLs, a database's own statement timeout, row-level security, inheritance
 * and the table's own triggers. Each on a table of its own, on the lab's PostgreSQL.
 */
import { jest } from '@jest/globals';
import pg from 'pg';
import { startLab, type Lab } from '../../lab/lab.js';
import type { EffectContext, EffectResult } from '../../src/engine/ports.js';
import type { Run } from '../../src/engine/run.js';
import { applyPostgres } from '../../src/providers/postgres/postgres-effects.js';
import { preflight } from '../../src/providers/postgres/preflight.js';

jest.setTimeout(120_000);

let lab: Lab;
let db: pg.Client;

beforeAll(async () => {
  lab = await startLab({ components: ['postgres'], seedRows: 10 });
  process.env.LAB_EDGES_URL = lab.postgres!.url;
  db = new pg.Client({ connectionString: lab.postgres!.url });
  await db.connect();
});
afterAll(async () => {
  await db?.end();
  await lab?.stop();
});

const run = { id: 'run-edges', providers: { postgres: { databases: { shop: { url: { env: 'LAB_EDGES_URL' } } } } } };
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Output = EffectResult & { output: Record<string, any> };
const apply = (operation: string, params: Record<string, unknown>, step = operation) =>
  applyPostgres(operation, params, {
    run: run as unknown as Run,
    step,
    attempt: 1,
    checkpointKey: `run-edges/${step}/1`,
  } as EffectContext) as Promise<Output>;

/** A table of `rows` rows whose column_1 holds JSON text, and the replacement of column_1 by column_2. */
async function jsonTable(table: string, rows: number, extra = '') {
  await db.query(`CREATE TABLE ${table} (id bigint PRIMARY KEY, column_1 text${extra})`);
  await db.query(`INSERT INTO ${table} (id, column_1) SELECT g, '{"v": ' || g || '}' FROM generate_series(1, $1) g`, [
    rows,
  ]);
  return {
    database: 'shop',
    table,
    from: 'column_1',
    to: 'column_2',
    type: 'jsonb',
    using: 'column_1::jsonb',
    lockTimeoutSeconds: 0.5,
  };
}

async function expand(sync: Record<string, unknown>) {
  await apply('add-column', { ...sync, column: sync.to });
  await apply('create-sync-trigger', sync);
}

const asRole = async <T>(role: string, work: (client: pg.Client) => Promise<T>): Promise<T> => {
  const url = new URL(lab.postgres!.url);
  url.username = role;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
};

describe('going back past the switch of readers', () => {
  it('stops with both columns in place when the switched code wrote the new column alone', async () => {
    const sync = await jsonTable('switched', 300);
    await expand(sync);
    // Before any backfill, empty new values are no difference.
    await expect(apply('assert-no-new-writes', sync)).resolves.toMatchObject({
      output: { summary: expect.stringContaining('nothing written to it alone') },
    });
    await apply('backfill', { ...sync, batchSize: 100 }, 'backfill-switched');
    await expect(apply('verify-column', sync)).resolves.toMatchObject({ output: { mismatches: 0 } });
    // The new code: it writes column_2 only, an update and an insert.
    await db.query(`UPDATE switched SET column_2 = '{"v": "new"}' WHERE id = 5`);
    await db.query(`INSERT INTO switched (id, column_2) VALUES (1001, '{"v": "born new"}')`);
    const target = { database: 'shop', table: 'switched', lockTimeoutSeconds: 0.5 };
    await apply('rename-column', { ...target, column: 'column_1', newName: 'column_1_deprecated', dropSync: sync });
    await apply('rename-column', { ...target, column: 'column_1_deprecated', newName: 'column_1' });
    const refused = apply('assert-no-new-writes', sync);
    await expect(refused).rejects.toThrow(/^2 row\(s\) hold a column_2 that column_1::jsonb does not give/);
    await expect(refused).rejects.toThrow('e.g. keys 5, 1001');
    await expect(refused).rejects.toMatchObject({ retryable: false });
    const { rows } = await db.query(`SELECT column_2->>'v' AS v FROM switched WHERE id IN (5, 1001) ORDER BY id`);
    expect(rows).toEqual([{ v: 'new' }, { v: 'born new' }]);
    // Copied back by hand, the rollback may go on.
    await db.query(`UPDATE switched SET column_1 = column_2::text WHERE id IN (5, 1001)`);
    await expect(apply('assert-no-new-writes', sync)).resolves.toBeDefined();
  });

  it('makes the transform again when the drop took it, and leaves nothing of ZeroOps behind at the end', async () => {
    const sync = await jsonTable('finished', 50);
    await expand(sync);
    await apply('backfill', { ...sync, batchSize: 100 }, 'backfill-finished');
    const target = { database: 'shop', table: 'finished', lockTimeoutSeconds: 0.5 };
    await apply('rename-column', { ...target, column: 'column_1', newName: 'column_1_deprecated', dropSync: sync });
    await apply('drop-column', { ...target, column: 'column_1_deprecated', dropSync: sync });
    const helpers = async () =>
      (
        await db.query(
          `SELECT proname FROM pg_proc WHERE pronamespace = 'zeroops'::regnamespace AND proname LIKE '%finished%'`,
        )
      ).rows.length;
    expect(await helpers()).toBe(0);
    await db.query(`ALTER TABLE finished ADD COLUMN column_1 text`);
    await db.query(`UPDATE finished SET column_1 = column_2::text`);
    await expect(apply('assert-no-new-writes', sync)).resolves.toBeDefined();
    await apply('drop-sync-trigger', sync);
    expect(await helpers()).toBe(0);
  });
});

describe('the dual-write trigger, as the application meets it', () => {
  it('runs the transform for a role that may not execute new functions by default', async () => {
    await db.query(`ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC`);
    try {
      const sync = await jsonTable('guarded', 20);
      await db.query(`CREATE ROLE app_writer LOGIN`);
      await db.query(`GRANT SELECT, INSERT, UPDATE ON guarded TO app_writer`);
      await expand(sync);
      await asRole('app_writer', async (app) => {
        await app.query(`UPDATE guarded SET column_1 = '{"v": "app"}' WHERE id = 3`);
        await app.query(`INSERT INTO guarded (id, column_1) VALUES (100, '{"v": 100}')`);
      });
      const { rows } = await db.query(`SELECT column_2->>'v' AS v FROM guarded WHERE id IN (3, 100) ORDER BY id`);
      expect(rows).toEqual([{ v: 'app' }, { v: '100' }]);
    } finally {
      await db.query(`ALTER DEFAULT PRIVILEGES GRANT EXECUTE ON FUNCTIONS TO PUBLIC`);
    }
  });

  it("onInvalid: null turns a value a domain's CHECK refuses into NULL, in the trigger and the backfill", async () => {
    await db.query(`CREATE DOMAIN json_object AS jsonb CHECK (jsonb_typeof(VALUE) = 'object')`);
    const sync = { ...(await jsonTable('domained', 30)), type: 'json_object', using: 'column_1::json_object' };
    await db.query(`UPDATE domained SET column_1 = '[1]' WHERE id IN (4, 9)`);
    const lenient = { ...sync, onInvalid: { mode: 'null' } };
    await expand(lenient);
    await db.query(`UPDATE domained SET column_1 = '[2]' WHERE id = 12`);
    await db.query(`INSERT INTO domained (id, column_1) VALUES (100, '[3]')`);
    await apply('backfill', { ...lenient, batchSize: 10 }, 'backfill-domained');
    const { rows } = await db.query(`SELECT id FROM domained WHERE column_2 IS NULL ORDER BY id`);
    expect(rows.map((r) => r.id)).toEqual(['4', '9', '12', '100']);
    await expect(apply('verify-column', lenient)).resolves.toMatchObject({ output: { mismatches: 0 } });
  });

  it("onInvalid: fail stops the backfill at a domain's CHECK for good, without retries", async () => {
    const sync = { ...(await jsonTable('domained_strict', 30)), type: 'json_object', using: 'column_1::json_object' };
    await db.query(`UPDATE domained_strict SET column_1 = '[1]' WHERE id = 4`);
    await expand(sync);
    await expect(apply('backfill', { ...sync, batchSize: 10 }, 'backfill-strict')).rejects.toMatchObject({
      retryable: false,
      message: expect.stringContaining('SQLSTATE 23514'),
    });
  });

  it('replaces a transform an earlier attempt left with another type', async () => {
    const sync = await jsonTable('retyped', 10);
    await expand(sync);
    // What a crash between the two could leave: the transform (of jsonb) without its trigger.
    const { rows: triggers } = await db.query(
      `SELECT tgname FROM pg_trigger WHERE tgrelid = 'retyped'::regclass AND NOT tgisinternal`,
    );
    await db.query(`DROP TRIGGER ${triggers[0].tgname} ON retyped`);
    await apply('drop-column', { ...sync, column: 'column_2' });
    const asJson = { ...sync, type: 'json', using: 'column_1::json' };
    await expand(asJson);
    await db.query(`UPDATE retyped SET column_1 = '{"v": "json"}' WHERE id = 1`);
    const { rows } = await db.query(`SELECT column_2::text AS v FROM retyped WHERE id = 1`);
    expect(rows).toEqual([{ v: '{"v": "json"}' }]);
  });

  it('gives an insert without the old column what the backfill gives it: the transform of NULL', async () => {
    const sync = { ...(await jsonTable('defaulted', 20)), using: `coalesce(column_1, '{}')::jsonb` };
    await expand(sync);
    await apply('backfill', { ...sync, batchSize: 10 }, 'backfill-defaulted');
    await db.query(`INSERT INTO defaulted (id) VALUES (200)`);
    await db.query(`INSERT INTO defaulted (id, column_2) VALUES (201, '{"set": "by the new code"}')`);
    const { rows } = await db.query(`SELECT id, column_2::text AS v FROM defaulted WHERE id >= 200 ORDER BY id`);
    expect(rows).toEqual([
      { id: '200', v: '{}' },
      { id: '201', v: '{"set": "by the new code"}' },
    ]);
    await expect(apply('verify-column', { ...sync })).rejects.toThrow(/1 of 22 rows differ.*keys 201/);
  });
});

describe('readers the statistics do not show', () => {
  it("holds the rename while a function's body names the column: its calls hide the statements inside", async () => {
    await jsonTable('profiled', 10);
    await db.query(`CREATE FUNCTION profile_of(wanted bigint) RETURNS text LANGUAGE plpgsql AS $$
      BEGIN RETURN (SELECT column_1 FROM profiled WHERE id = wanted); END $$`);
    const target = { database: 'shop', table: 'profiled', column: 'column_1', lockTimeoutSeconds: 0.5 };
    const rename = () =>
      apply('rename-column', { ...target, newName: 'column_1_deprecated', unlessUsedWithinSeconds: 0.2 });
    await expect(rename()).rejects.toThrow(
      'held: profiled.column_1 is still in use, no statement used it in 0.2s; and function profile_of(bigint), ' +
        'whose body names profiled.column_1',
    );
    await db.query(`DROP FUNCTION profile_of(bigint)`);
    await expect(rename()).resolves.toBeDefined();
  });
});

describe("a dropped column's undo, beside the application", () => {
  it('puts the values back in batches: a row the application holds delays it, and nobody deadlocks', async () => {
    await db.query(`CREATE TABLE restored (id bigint PRIMARY KEY, note text, touched int NOT NULL DEFAULT 0)`);
    await db.query(`INSERT INTO restored (id, note) SELECT g, 'note ' || g FROM generate_series(1, 20000) g`);
    const column = { database: 'shop', table: 'restored', column: 'note', lockTimeoutSeconds: 0.2 };
    await apply('snapshot-column', column);
    await apply('drop-column', column);
    await db.query(`ALTER TABLE restored ADD COLUMN note text`); // as an attempt that stopped after adding it
    const app = new pg.Client({ connectionString: lab.postgres!.url });
    await app.connect();
    try {
      await app.query('BEGIN');
      await app.query(`UPDATE restored SET touched = 1 WHERE id = 15000`);
      const restoring = apply('restore-column-snapshot', column);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const started = Date.now();
      await app.query(`UPDATE restored SET touched = 1 WHERE id = 2`);
      const waited = Date.now() - started;
      await app.query('COMMIT');
      await expect(restoring).resolves.toMatchObject({
        output: { summary: expect.stringContaining('checksum equal') },
      });
      expect(waited).toBeLessThan(1000); // a deadlock is found after deadlock_timeout (1 s)
    } finally {
      await app.end();
    }
    const { rows } = await db.query(
      `SELECT count(*) FILTER (WHERE note = 'note ' || id)::int AS back, count(*)::int AS n FROM restored`,
    );
    expect(rows[0]).toEqual({ back: 20000, n: 20000 });
  });
});

describe("the database's own settings", () => {
  it('a statement timeout on the database does not cut a snapshot or a verification short', async () => {
    const sync = await jsonTable('timed', 30_000);
    await expand(sync);
    await apply('backfill', { ...sync, batchSize: 10_000 }, 'backfill-timed');
    await db.query(`ALTER DATABASE shop SET statement_timeout = '2ms'`);
    try {
      await expect(
        asRole('postgres', (c) => c.query(`SELECT count(*) FROM timed t1, timed t2 WHERE t1.id < 300`)),
      ).rejects.toThrow(/statement timeout/);
      await expect(apply('verify-column', sync)).resolves.toMatchObject({ output: { mismatches: 0, rows: 30_000 } });
      const column = { database: 'shop', table: 'timed', column: 'column_1', lockTimeoutSeconds: 0.5 };
      await expect(apply('snapshot-column', column)).resolves.toMatchObject({ output: { rows: 30_000 } });
    } finally {
      await db.query(`ALTER DATABASE shop RESET statement_timeout`);
    }
  });

  it('row-level security over the rows: refused before approval, and a backfill fails rather than skip', async () => {
    const sync = await jsonTable('tenants', 100, ', tenant int');
    await db.query(`UPDATE tenants SET tenant = id % 2`);
    await db.query(`CREATE ROLE migrator LOGIN`);
    await db.query(`ALTER TABLE tenants OWNER TO migrator`);
    await db.query(`GRANT CREATE ON DATABASE shop TO migrator`);
    await db.query(`GRANT CREATE, USAGE ON SCHEMA zeroops TO migrator`);
    await db.query(`GRANT ALL ON ALL TABLES IN SCHEMA zeroops TO migrator`);
    await db.query(`CREATE POLICY tenant_zero ON tenants USING (tenant = 0)`);
    await db.query(`ALTER TABLE tenants ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY`);
    const asMigrator = new URL(lab.postgres!.url);
    asMigrator.username = 'migrator';
    const transform = { from: 'column_1', using: 'column_1::jsonb', type: 'jsonb' };
    await expect(preflight(asMigrator.toString(), { database: 'shop', table: 'tenants', transform })).rejects.toThrow(
      "row-level security applies to ZeroOps' role on tenants",
    );
    // A change that reads no rows is planned on what the role sees.
    await expect(preflight(asMigrator.toString(), { database: 'shop', table: 'tenants' })).resolves.toMatchObject({
      rows: 50,
    });
    await db.query(`ALTER TABLE tenants ADD COLUMN column_2 jsonb`);
    process.env.LAB_EDGES_URL = asMigrator.toString();
    try {
      await expect(apply('backfill', { ...sync, batchSize: 10 }, 'backfill-tenants')).rejects.toThrow(
        /row-level security/,
      );
    } finally {
      process.env.LAB_EDGES_URL = lab.postgres!.url;
    }
    const { rows } = await db.query(`SELECT count(*)::int AS filled FROM tenants WHERE column_2 IS NOT NULL`);
    expect(rows).toEqual([{ filled: 0 }]);
  });

  it('a table others inherit from is refused for a replacement; triggers on any UPDATE are named', async () => {
    await jsonTable('parent_rows', 10);
    await db.query(`CREATE TABLE child_rows () INHERITS (parent_rows)`);
    const transform = { from: 'column_1', using: 'column_1::jsonb', type: 'jsonb' };
    await expect(preflight(lab.postgres!.url, { database: 'shop', table: 'parent_rows', transform })).rejects.toThrow(
      'child_rows inherits from parent_rows: rows written to them directly would escape the dual-write trigger',
    );
    await jsonTable('audited', 10, ', updated_at timestamptz');
    await db.query(`CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN NEW.updated_at := now(); RETURN NEW; END $$`);
    await db.query(`CREATE TRIGGER touch_row BEFORE UPDATE ON audited FOR EACH ROW EXECUTE FUNCTION touch()`);
    await db.query(
      `CREATE TRIGGER touch_name BEFORE UPDATE OF column_1 ON audited FOR EACH ROW EXECUTE FUNCTION touch()`,
    );
    const facts = await preflight(lab.postgres!.url, { database: 'shop', table: 'audited', transform });
    expect(facts.updateTriggers).toEqual(['touch_row']);
  });
});
