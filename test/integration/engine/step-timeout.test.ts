/** A step that outlives its timeout is told to stop, and the runner waits for it before recording the attempt. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EffectContext } from '../../../src/engine/ports.js';
import { advanceRun, type RunnerDeps } from '../../../src/engine/runner.js';
import { openStore } from '../../../src/store/open-store.js';
import type { Store } from '../../../src/engine/store.js';
import { aPlan, aRun, aStep } from '../../support/builders.js';

let dir: string;
let store: Store;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'step-timeout-'));
  store = await openStore({ dataDir: dir });
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

it('aborts an effect at its step timeout and records the attempt only once it has stopped', async () => {
  const seen: string[] = [];
  const effects = {
    apply: (action: { operation: string }, { signal }: EffectContext) => (action.operation === 'undo' ? Promise.resolve({}) : new Promise<never>((_, reject) => {
      signal!.addEventListener('abort', () => setTimeout(() => { seen.push('stopped'); reject(new Error('stopped')); }, 50));
    })),
  };
  const deps: RunnerDeps = {
    store, effects, gates: { check: async () => [] }, clock: () => new Date(), gateCheckSeconds: 1, lockPollSeconds: 1,
    scheduler: { later: async () => { seen.push('scheduled'); } }, reporter: { changed: async () => {} }, log: { info: () => {}, warn: () => {}, error: () => {} },
  };
  const { run } = await store.createRun(aRun({ plan: aPlan([aStep('slow', { timeoutSeconds: 1, retries: 0 })]) }));
  await advanceRun(deps, run.id);
  const saved = (await store.run(run.id))!;
  expect(seen[0]).toBe('stopped');
  expect(saved.steps[0]).toMatchObject({ status: 'failed', error: 'timed out after 1s' });
  expect(saved.status).toBe('rolled_back');
});
