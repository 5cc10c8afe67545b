/**
 * The mysql provider against the lab's real MariaDB and pt-online-schema-change, under the
 * application's load: a column dropped by copy and swap with no failed transaction, a rename that
 * waits for a long transaction and says whom it waited for, and a snapshot that puts a dropped
 * column back exactly.
 */
import { jest } from '@jest/globals';
import mysql from 'mysql2/promise';
import { startLab, type Lab } from '../../lab/lab.js';
import { startMysqlLoad } from '../../lab/components/mysql-load.js';
import type { EffectContext, EffectError, EffectResult } from '../../src/engine/ports.js';
import type { Run } from '../../src/engine/run.js';
import { applyMysql } from '../../src/providers/mysql/mysql-effects.js';
import { mysqlTableFacts } from '../../src/providers/mysql/preflight.js';

jest.setTimeout(180_000);

let lab: Lab;
let db: mysql.Connection;

beforeAll(async () => {
  lab = await startLab({ components: ['mariadb'], seedRows: 60_000 });
  process.env.LAB_SHOP_MYSQL_URL = lab.mariadb!.url;
  db = await mysql.createConnection({ uri: lab.mariadb!.url });
});
afterAll(async () => {
  await db?.end();
  await lab?.stop();
});

const run = { id: 'run-my', providers: { mysql: { databases: { shop: { url: { env: 'LAB_SHOP_MYSQL_URL' } } } } } };
const progress: string[] = [];
const context = (step: string): EffectContext => ({
  run: run as unknown as Run,
  step,
  attempt: 1,
  checkpointKey: `run-my/${step}/1`,
  progress: async (line) => {
    progress.push(line);
  },
});
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Output = EffectResult & { output: Record<string, any> };
const apply = (operation: string, params: Record<string, unknown>) =>
  applyMysql(operation, { database: 'shop', lockTimeoutSeconds: 1, ...params }, context(operation)) as Promise<Output>;
const query = async <T>(sql: string) => (await db.query(sql))[0] as T;
const columns = async () => (await query<{ Field: string }[]>('SHOW COLUMNS FROM t_user')).map((c) => c.Field);
const tableChecksum = async () => (await query<{ Checksum: number }[]>('CHECKSUM TABLE t_user'))[0]!.Checksum;

let report: Awaited<ReturnType<Awaited<ReturnType<typeof startMysqlLoad>>['stop']>>;

it('drops a column by copy and swap while 8 clients read and write the table, none failing', async () => {
  await db.query('ALTER TABLE t_user ADD COLUMN nickname varchar(32) NULL AFTER name');
  const load = await startMysqlLoad(lab.mariadb!.url);
  const outcome = await (async () => {
    try {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      return await apply('online-alter', {
        table: 't_user',
        alter: 'DROP COLUMN nickname',
        expect: { column: 'nickname', present: false },
      });
    } finally {
      report = await load.stop();
    }
  })();
  expect(report.failures).toEqual([]);
  process.stdout.write(
    `mysql load during the copy: ${report.transactions.length} transactions, ` +
      `${report.deadlocksRetried} deadlock(s) retried\n`,
  );
  expect(report.transactions.length).toBeGreaterThan(100);
  expect(outcome.output.summary).toMatch(/DROP COLUMN nickname by copy and swap \(pt-online-schema-change\)/);
  expect(await columns()).toEqual(['id', 'name', 'email', 'visits']);
  expect(progress.some((p) => /^copying `shop`.`t_user`: \d+%/.test(p))).toBe(true);
  // Run again (a retried job): it sees the change is there and does nothing.
  expect(
    (
      await apply('online-alter', {
        table: 't_user',
        alter: 'DROP COLUMN nickname',
        expect: { column: 'nickname', present: false },
      })
    ).output.summary,
  ).toMatch(/already has no column nickname/);
});

it('renames a column after a long transaction lets go of the table, and names the session it waited for', async () => {
  const holder = await mysql.createConnection({ uri: lab.mariadb!.url });
  await holder.query('BEGIN');
  await holder.query('SELECT COUNT(*) FROM t_user WHERE id < 10');
  const released = new Promise((resolve) => setTimeout(resolve, 2500)).then(() => holder.query('COMMIT'));
  const renamed = await apply('rename-column', { table: 't_user', column: 'name', newName: 'name_deprecated' });
  await released;
  await holder.end();
  expect(renamed.output.summary).toMatch(
    new RegExp(
      '^renamed t_user.name to name_deprecated in \\d+ms; waited for locks \\d+× and retried ' +
        '\\(attempt \\d+ waited behind session \\d+',
    ),
  );
  expect(await columns()).toEqual(['id', 'name_deprecated', 'email', 'visits']);
  await apply('rename-column', { table: 't_user', column: 'name_deprecated', newName: 'name' });
});

it('says what the tool said when it cannot make the change', async () => {
  await expect(apply('online-alter', { table: 't_user', alter: 'DROP COLUMN no_such_column' })).rejects.toThrow(
    /pt-online-schema-change stopped \(exit \d+\): .*no_such_column/,
  );
});

it('never takes over a column it did not add, and says when a failed attempt changed nothing', async () => {
  const before = await tableChecksum();
  const attempt = (params: Record<string, unknown>, cleanSlate: boolean) =>
    applyMysql(
      'online-alter',
      { database: 'shop', lockTimeoutSeconds: 1, table: 't_user', ...params },
      {
        ...context('online-alter'),
        cleanSlate,
      },
    ).then(
      (result) => ({ result, error: undefined }),
      (error: EffectError) => ({ result: undefined, error }),
    );
  const addEmail = { alter: 'ADD COLUMN email INT', expect: { column: 'email', present: true } };
  // No attempt of the step ran before: the column is somebody's.
  const refused = await attempt(addEmail, true);
  expect(refused.error?.message).toMatch(/t_user already has column email and this run did not add it/);
  expect(refused.error?.untouched).toBe(true);
  // After an attempt that may have acted (its worker died), the column is that attempt's doing.
  expect((await attempt(addEmail, false)).result?.output).toMatchObject({
    summary: 't_user already has column email: an earlier attempt finished',
  });
  // The tool gives up before its swap: the table was not altered, and the error says so.
  const copy = await attempt(
    { alter: 'ADD COLUMN fresh INT, ADD COLUMN email INT', expect: { column: 'fresh', present: true } },
    true,
  );
  expect(copy.error?.message).toMatch(/pt-online-schema-change stopped/);
  expect(copy.error?.untouched).toBe(true);
  const create = await apply('execute', { table: 't_user', sql: 'CREATE TABLE t_user (id INT)' }).catch(
    (error: EffectError) => error,
  );
  expect(create).toMatchObject({ untouched: true, message: expect.stringMatching(/already exists/) });
  expect(await columns()).toEqual(['id', 'name', 'email', 'visits']);
  expect(await tableChecksum()).toBe(before);
});

it('says before approval which columns and indexes the change would add are there already', async () => {
  const facts = await mysqlTableFacts(lab.mariadb!.url, 't_user', {
    addedColumns: ['Email', 'fresh'],
    addedIndexes: ['PRIMARY', 'idx_fresh'],
  });
  expect(facts).toMatchObject({ takenColumns: [{ column: 'Email' }], takenIndexes: ['PRIMARY'] });
  const free = await mysqlTableFacts(lab.mariadb!.url, 't_user', { addedColumns: ['fresh'] });
  expect(free.takenColumns).toBeUndefined();
});

const dependents = 'reads what hangs on a column or a table before approval, and MariaDB agrees on which drops fail';
it(dependents, async () => {
  for (const sql of [
    'CREATE TABLE dep_parent (id INT PRIMARY KEY, code INT UNIQUE)',
    'CREATE TABLE dep_child (id INT PRIMARY KEY, parent INT, a INT, b INT, c INT CHECK (c > 0), d INT, ' +
      "note VARCHAR(20) NOT NULL DEFAULT 'x', g INT AS (A * 2) VIRTUAL, " +
      'CONSTRAINT fk_parent FOREIGN KEY (parent) REFERENCES dep_parent (id), CONSTRAINT ck_ab CHECK (a < b), ' +
      'CONSTRAINT ck_d CHECK (d <> 0), KEY ix_note_d (note, d), KEY ix_d (d))',
    // Its column-level CHECK is named `c` too, as MariaDB names them: it is not dep_child's.
    'CREATE TABLE dep_other (id INT PRIMARY KEY, c INT CHECK (c < 0), code INT, ' +
      'CONSTRAINT fk_code FOREIGN KEY (code) REFERENCES ' +
      'dep_parent (code))',
    'CREATE VIEW dep_notes AS SELECT id, note FROM dep_child',
    'CREATE VIEW dep_alias AS SELECT x.b FROM dep_child x',
  ])
    await db.query(sql);
  const retiredColumns = ['parent', 'a', 'b', 'c', 'd', 'note', 'missing'];
  const child = await mysqlTableFacts(lab.mariadb!.url, 'dep_child', { retiredColumns });
  const facts = Object.fromEntries(child.retiredColumns!.map((f) => [f.column, f]));
  expect(facts.parent!.blockers).toEqual(['foreign key fk_parent (dep_child(parent) -> dep_parent(id))']);
  expect(facts.a).toMatchObject({
    blockers: ['check ck_ab (`a` < `b`)', 'generated column g (`a` * 2)'],
    droppedWith: [],
  });
  expect(facts.b).toMatchObject({ blockers: ['check ck_ab (`a` < `b`)'], readers: ['view dep_alias'] });
  expect(facts.c).toMatchObject({ blockers: [], droppedWith: ['check c (`c` > 0)'], lostForGood: [] });
  expect(facts.d).toMatchObject({
    blockers: [],
    droppedWith: ['index ix_d (d)', 'index ix_note_d (note, d), which keeps (note)', 'check ck_d (`d` <> 0)'],
    // The undo brings the indexes back, not a table-level CHECK (a column-level one is in the definition).
    lostForGood: ['check ck_d (`d` <> 0)'],
  });
  expect(facts.note).toMatchObject({ notNull: true, default: "'x'", readers: ['view dep_notes'] });
  expect(facts.missing!.exists).toBe(false);
  const parent = await mysqlTableFacts(lab.mariadb!.url, 'dep_parent', { retiredColumns: ['code'] });
  expect(parent.retiredColumns![0]!.blockers).toEqual(['foreign key fk_code (dep_other(code) -> dep_parent(code))']);
  // MariaDB itself: each column said to be blocked cannot be dropped, each other one can.
  for (const column of ['parent', 'a', 'b', 'c', 'd', 'note']) {
    const dropped = await db.query(`ALTER TABLE dep_child DROP COLUMN ${column}`).then(
      () => true,
      () => false,
    );
    expect({ column, dropped }).toEqual({ column, dropped: facts[column]!.blockers.length === 0 });
  }
  // A table the change drops: the foreign keys onto it, but not those of a table dropped before it.
  const retired = (table: string, droppedBefore?: string[]) =>
    mysqlTableFacts(lab.mariadb!.url, table, { retiresTable: true, ...(droppedBefore ? { droppedBefore } : {}) });
  expect(await retired('dep_parent')).toMatchObject({
    tableBlockers: [
      'foreign key fk_code (dep_other(code) -> dep_parent(code))',
      'foreign key fk_parent (dep_child(parent) -> dep_parent(id))',
    ],
    tableReaders: [],
  });
  expect((await retired('dep_parent', ['dep_child'])).tableBlockers).toEqual([
    'foreign key fk_code (dep_other(code) -> dep_parent(code))',
  ]);
  expect(await retired('dep_child')).toMatchObject({
    tableBlockers: [],
    tableReaders: ['view dep_alias', 'view dep_notes'],
  });
  await expect(db.query('DROP TABLE dep_parent')).rejects.toThrow(/foreign key constraint fails/);
  await db.query('DROP VIEW dep_notes, dep_alias');
  await db.query('DROP TABLE dep_other, dep_child, dep_parent');
});

it('snapshots a column, drops it, and puts it back where it was with every value: the table is as before', async () => {
  await db.query('UPDATE t_user SET name = NULL WHERE id % 7 = 0');
  await db.query('CREATE INDEX ix_name ON t_user (name(8))');
  await db.query('CREATE INDEX ix_email_name ON t_user (email, name)');
  const shape = async () => Object.values((await query<Record<string, string>[]>('SHOW CREATE TABLE t_user'))[0]!)[1];
  const created = await shape();
  const before = await tableChecksum();
  const snapshot = await apply('snapshot-column', { table: 't_user', column: 'name', batchSize: 5000 });
  const [{ rows }] = await query<[{ rows: number }]>('SELECT COUNT(*) AS `rows` FROM t_user');
  expect(snapshot.output).toMatchObject({ rows, reused: false });
  await apply('online-alter', {
    table: 't_user',
    alter: 'DROP COLUMN name',
    expect: { column: 'name', present: false },
  });
  expect(await columns()).toEqual(['id', 'email', 'visits']);

  const restored = await apply('restore-column-snapshot', { table: 't_user', column: 'name', batchSize: 5000 });
  expect(restored.output).toMatchObject({
    rows,
    readded: true,
    checksum: snapshot.output.checksum,
    rebuilt: ['ix_name', 'ix_email_name'],
    notRebuilt: [],
  });
  expect(restored.output.summary).toMatch(/; built again: ix_name, ix_email_name$/);
  expect(await columns()).toEqual(['id', 'name', 'email', 'visits']);
  expect(await tableChecksum()).toBe(before);
  expect(await shape()).toBe(created);
  // A second restore finds everything in place and changes nothing.
  const again = await apply('restore-column-snapshot', { table: 't_user', column: 'name', batchSize: 5000 });
  expect(again.output).toMatchObject({ readded: false, rebuilt: [] });
  expect(await shape()).toBe(created);
  await db.query('DROP INDEX ix_name ON t_user');
  await db.query('DROP INDEX ix_email_name ON t_user');
  // A second snapshot of the same column is the one already taken.
  expect((await apply('snapshot-column', { table: 't_user', column: 'name' })).output.reused).toBe(true);
  await apply('drop-snapshot', { table: 't_user', column: 'name' });
  expect(await query<unknown[]>("SHOW TABLES LIKE 'zeroops_snap%'")).toEqual([]);
});

const orphanedCopy = 'waits for a copy an earlier attempt left running (its triggers on the table) before its own';
it(orphanedCopy, async () => {
  // What a worker that died mid-copy leaves: pt-online-schema-change's triggers, still at work.
  await db.query(
    'CREATE TRIGGER pt_osc_shop_t_user_ins AFTER INSERT ON t_user FOR EACH ROW SET @zeroops_test = NEW.id',
  );
  const finished = new Promise((resolve) => setTimeout(resolve, 2000)).then(() =>
    db.query('DROP TRIGGER pt_osc_shop_t_user_ins'),
  );
  const started = Date.now();
  progress.length = 0;
  await apply('online-alter', {
    table: 't_user',
    alter: 'ADD COLUMN waited_for int NULL',
    expect: { column: 'waited_for', present: true },
  });
  await finished;
  expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
  expect(progress[0]).toBe('an earlier copy of t_user is still running: waiting for it');
  expect(await columns()).toContain('waited_for');
});
