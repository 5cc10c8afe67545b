/** Opens MongoDB when MONGODB_URI is set, else the embedded SQLite store in the data directory. */
import { MongoClient } from 'mongodb';
import { join } from 'node:path';
import type { Store } from '../engine/store.js';
import { MongoStore } from './mongo-store.js';
import { SqliteStore } from './sqlite-store.js';

export interface StoreSettings {
  mongodbUri?: string;
  /** Where the embedded store keeps its file (`zeroops.sqlite`). */
  dataDir: string;
  database?: string;
}

export const sqliteFile = (dataDir: string) => join(dataDir, 'zeroops.sqlite');

export async function openStore(settings: StoreSettings): Promise<Store> {
  if (settings.mongodbUri) {
    const client = new MongoClient(settings.mongodbUri);
    await client.connect();
    return MongoStore.open(client.db(settings.database ?? 'zeroops'), () => client.close());
  }
  return new SqliteStore(sqliteFile(settings.dataDir));
}
