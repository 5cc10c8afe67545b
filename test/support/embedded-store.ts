/** A fresh embedded store in a temporary folder for each test of a file, removed after it. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store } from '../../src/engine/store.js';
import { openStore } from '../../src/store/open-store.js';

export function embeddedStorePerTest(prefix: string): () => Store {
  let dir: string;
  let store: Store;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), prefix));
    store = await openStore({ dataDir: dir });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return () => store;
}

export const quietLog = { info: () => {}, warn: () => {}, error: () => {} };
