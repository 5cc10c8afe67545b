/**
 * Opens the store the settings name: PostgreSQL (DATABASE_URL) or MongoDB (MONGODB_URI) for
 * ZeroOps on several machines, else the embedded SQLite file in the data directory.
 */
import { MongoClient } from 'mongodb';
import { join } from 'node:path';
import type { Store } from '../engine/store.js';
import { MongoStore } from './mongo-store.js';
import { PostgresStore } from './postgres-store.js';
import { SqliteStore } from './sqlite-store.js';

export interface StoreSettings {
  databaseUrl?: string;
  mongodbUri?: string;
  /** Where the embedded store keeps its file (`zeroops.sqlite`). */
  dataDir: string;
}

export const sqliteFile = (dataDir: string) => join(dataDir, 'zeroops.sqlite');

/** Where runs are kept, in words for people (never with credentials). */
export function storeName(settings: StoreSettings): string {
  if (settings.databaseUrl) return 'PostgreSQL (DATABASE_URL)';
  if (settings.mongodbUri) return 'MongoDB (MONGODB_URI)';
  return sqliteFile(settings.dataDir);
}

export async function openStore(settings: StoreSettings): Promise<Store> {
  if (settings.databaseUrl && settings.mongodbUri)
    throw new Error('set DATABASE_URL (PostgreSQL) or MONGODB_URI (MongoDB), not both: runs must live in one store');
  if (settings.databaseUrl) return PostgresStore.open(settings.databaseUrl);
  if (settings.mongodbUri) {
    const client = new MongoClient(settings.mongodbUri);
    await client.connect();
    return MongoStore.open(client.db(mongoDatabase(settings.mongodbUri)), () => client.close());
  }
  return new SqliteStore(sqliteFile(settings.dataDir));
}

/** The database the URI names (`mongodb://host/ops`), else `zeroops`. */
const mongoDatabase = (uri: string) => /^mongodb(?:\+srv)?:\/\/[^/]*\/([^?]+)/.exec(uri)?.[1] ?? 'zeroops';
