/** Opens MongoDB when MONGODB_URI is set, else the embedded file-based engine in a data directory. */
import { MangoClient } from '@jkershaw/mangodb';
import { MongoClient, type Db } from 'mongodb';
import { MongoStore } from './mongo-store.js';

export interface StoreSettings {
  mongodbUri?: string;
  /** Where the embedded engine keeps its files. */
  dataDir: string;
  database?: string;
}

export async function openStore(settings: StoreSettings): Promise<MongoStore> {
  const name = settings.database ?? 'zeroops';
  if (settings.mongodbUri) {
    const client = new MongoClient(settings.mongodbUri);
    await client.connect();
    return MongoStore.open(client.db(name), () => client.close());
  }
  const client = new MangoClient(settings.dataDir);
  await client.connect();
  return MongoStore.open(client.db(name) as unknown as Db, () => client.close());
}
