/**
 * Several processes report on one run (the server that started it, the workers that execute it):
 * its check run is opened once, and every later state lands on that one check run.
 */
import { ForgeRunReporter } from '../../../src/app/report-run.js';
import type { Forge } from '../../../src/forge/forge.js';
import { embeddedStorePerTest, quietLog } from '../../support/embedded-store.js';
import { aRun } from '../../support/builders.js';

const storeOf = embeddedStorePerTest('check-run-once-');

it('opens one check run when two reporters see the run at the same moment', async () => {
  const opened: string[] = [];
  const updated: Array<[number, string]> = [];
  const forge = {
    startCheck: async (_repo: unknown, _name: string, _sha: string, update: { title: string }) => {
      // GitHub takes a while to answer: long enough for the other reporter to look for the id.
      await new Promise((resolve) => setTimeout(resolve, 300));
      opened.push(update.title);
      return 1000 + opened.length;
    },
    updateCheck: async (_repo: unknown, id: number, update: { title: string }) => {
      updated.push([id, update.title]);
    },
  } as unknown as Forge;
  const server = new ForgeRunReporter(async () => forge, storeOf(), quietLog, 0);
  const worker = new ForgeRunReporter(async () => forge, storeOf(), quietLog, 0);
  const { run } = await storeOf().createRun(aRun({ status: 'running' }));
  const finished = {
    ...run,
    status: 'succeeded' as const,
    version: run.version + 1,
    finishedAt: new Date().toISOString(),
  };

  await Promise.all([
    server.changed(run, [{ type: 'run-started', actor: 'zeroops', data: {} }]),
    worker.changed(finished, [{ type: 'run-succeeded', actor: 'zeroops', data: {} }]),
  ]);

  expect(opened).toHaveLength(1);
  // The reporter that did not open it still lands its state, on the same check run.
  expect(updated).toEqual([[1001, expect.any(String)]]);
  expect(await storeOf().checkpoint('check/' + run.id)).toBe(1001);
});
