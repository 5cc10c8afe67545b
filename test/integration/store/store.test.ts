/** The store contract on every engine available: the embedded one always, MongoDB when MONGODB_URI is set. */
import { MangoClient } from '@jkershaw/mangodb';
import { MongoClient, type Db } from 'mongodb';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoStore } from '../../../src/store/mongo-store.js';
import { storeContract } from '../../support/store-contract.js';

const engines: [string, () => Promise<{ db: Db; close: () => Promise<void> }>][] = [
  ['embedded', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zeroops-store-'));
    const client = new MangoClient(dir);
    await client.connect();
    return { db: client.db('zeroops') as unknown as Db, close: async () => { await client.close(); await rm(dir, { recursive: true, force: true }); } };
  }],
  ...(process.env.MONGODB_URI ? [['mongodb', async () => {
    const client = new MongoClient(process.env.MONGODB_URI!);
    await client.connect();
    const db = client.db(`zeroops_test_${process.pid}_${Date.now()}`);
    return { db, close: async () => { await db.dropDatabase(); await client.close(); } };
  }] as [string, () => Promise<{ db: Db; close: () => Promise<void> }>]] : []),
];

describe.each(engines)('store on %s', (_name, connect) => {
  storeContract(async () => {
    const { db, close } = await connect();
    const store = await MongoStore.open(db, close);
    return { store, raw: (collection: string) => db.collection(collection) as never };
  });
});
