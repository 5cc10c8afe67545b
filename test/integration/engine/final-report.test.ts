/** A finished run's final comment and incident are delivered at least once: a forge failure is retried, not lost. */
import { ForgeRunReporter } from '../../../src/app/report-run.js';
import type { Forge } from '../../../src/forge/forge.js';
import { advanceRun, type RunnerDeps } from '../../../src/engine/runner.js';
import { embeddedStorePerTest, quietLog } from '../../support/embedded-store.js';
import { aRun } from '../../support/builders.js';

const storeOf = embeddedStorePerTest('final-report-');

it('sends the final comment and the incident again after the forge failed, and only once after', async () => {
  const comments: string[] = [];
  const issues: string[] = [];
  let failures = 1;
  const forge = {
    comment: async (_repo: unknown, _n: number, body: string) => {
      if (failures-- > 0) throw new Error('GitHub answered 502');
      comments.push(body);
    },
    createIssue: async (_repo: unknown, issue: { title: string }) => {
      issues.push(issue.title);
      return 41;
    },
    startCheck: async () => 7,
    updateCheck: async () => {},
  } as unknown as Forge;
  const log = quietLog;
  const reporter = new ForgeRunReporter(async () => forge, storeOf(), log, 0);
  const later: number[] = [];
  const deps: RunnerDeps = {
    store: storeOf(),
    reporter,
    log,
    clock: () => new Date(),
    gateCheckSeconds: 1,
    lockPollSeconds: 1,
    effects: { apply: async () => ({}) },
    gates: { check: async () => [] },
    scheduler: {
      later: async (_id, _v, delay) => {
        later.push(delay);
      },
    },
  };
  const { run } = await storeOf().createRun(
    aRun({ status: 'rolled_back', reason: 'gate breached', finishedAt: new Date().toISOString() }),
  );
  await advanceRun(deps, run.id);
  expect([comments, issues, later]).toEqual([[], [], [30_000]]);
  await advanceRun(deps, run.id);
  await advanceRun(deps, run.id);
  expect(comments).toHaveLength(1);
  expect(comments[0]).toMatch(/^Run of `task-1` ↩️ was rolled back\./);
  expect(issues).toEqual(['Incident: Runbook task-1 rolled back — checkout/production']);
  await reporter.flush();
});
