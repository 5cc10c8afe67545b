/**
 * The store contract on every engine available: SQLite, PostgreSQL (the lab's) and the embedded
 * document engine that stands in for MongoDB's API always; MongoDB itself when MONGODB_URI is set.
 */
import { MangoClient } from '@jkershaw/mangodb';
import Database from 'better-sqlite3';
import { MongoClient, type Db } from 'mongodb';
import pg from 'pg';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store } from '../../../src/engine/store.js';
import { MongoStore } from '../../../src/store/mongo-store.js';
import { PostgresStore } from '../../../src/store/postgres-store.js';
import { SqliteStore } from '../../../src/store/sqlite-store.js';
import { startLab, type Lab } from '../../../lab/lab.js';
import { storeContract } from '../../support/store-contract.js';

type Raw = (collection: string) => { updateOne(filter: object, update: object): Promise<unknown> };
type Engine = [string, () => Promise<{ store: Store; raw: Raw }>];

async function onMongoApi(db: Db, close: () => Promise<void>) {
  return {
    store: await MongoStore.open(db, close),
    raw: ((collection: string) => db.collection(collection)) as unknown as Raw,
  };
}

/** SQLite, tampered with through a second connection to the same file, as someone with the file would. */
async function onSqlite() {
  const dir = await mkdtemp(join(tmpdir(), 'zeroops-sqlite-'));
  const file = join(dir, 'zeroops.sqlite');
  const inner = new SqliteStore(file);
  const store: Store = Object.assign(Object.create(inner) as Store, {
    close: async () => {
      await inner.close();
      await rm(dir, { recursive: true, force: true });
    },
  });
  const raw: Raw = (table) => ({
    async updateOne(filter, update) {
      const db = new Database(file);
      const { chain, seq } = filter as { chain: string; seq: number };
      const row = db.prepare(`SELECT doc FROM ${table} WHERE chain = ? AND seq = ?`).get(chain, seq) as { doc: string };
      db.prepare(`UPDATE ${table} SET doc = ? WHERE chain = ? AND seq = ?`).run(
        JSON.stringify({ ...JSON.parse(row.doc), ...(update as { $set: object }).$set }),
        chain,
        seq,
      );
      db.close();
    },
  });
  return { store, raw };
}

let lab: Lab | undefined;
let schemas = 0;
afterAll(() => lab?.stop());

/** PostgreSQL from the lab, a fresh schema per test; tampered with through a connection of its own. */
async function onPostgres() {
  lab ??= await startLab({ components: ['postgres'], seedRows: 0 });
  const url = lab.postgres!.url;
  const schema = `zeroops_contract_${++schemas}`;
  const inner = await PostgresStore.open(url, schema);
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const store: Store = Object.assign(Object.create(inner) as Store, {
    close: async () => {
      await inner.close();
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    },
  });
  const raw: Raw = (table) => ({
    async updateOne(filter, update) {
      const { chain, seq } = filter as { chain: string; seq: number };
      await admin.query(`UPDATE ${schema}.${table} SET doc = doc || $3 WHERE chain = $1 AND seq = $2`, [
        chain,
        seq,
        (update as { $set: object }).$set,
      ]);
    },
  });
  return { store, raw };
}

const engines: Engine[] = [
  ['sqlite', onSqlite],
  ['postgresql', onPostgres],
  [
    'the embedded document engine',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'zeroops-store-'));
      const client = new MangoClient(dir);
      await client.connect();
      return onMongoApi(client.db('zeroops') as unknown as Db, async () => {
        await client.close();
        await rm(dir, { recursive: true, force: true });
      });
    },
  ],
  ...(process.env.MONGODB_URI
    ? [
        [
          'mongodb',
          async () => {
            const client = new MongoClient(process.env.MONGODB_URI!);
            await client.connect();
            const db = client.db(`zeroops_test_${process.pid}_${Date.now()}`);
            return onMongoApi(db, async () => {
              await db.dropDatabase();
              await client.close();
            });
          },
        ] as Engine,
      ]
    : []),
];

describe.each(engines)('store on %s', (_name, open) => {
  storeContract(open);
});
