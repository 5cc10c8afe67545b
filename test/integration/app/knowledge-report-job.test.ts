/**
 * The weekly knowledge report a config asks for: scheduled by the patrol's sync, filed as an issue
 * with the period's figures, once per period; nothing without the setting.
 */
import { publishKnowledgeReport } from '../../../src/app/publish-knowledge-report.js';
import { syncPatrols } from '../../../src/app/sync-patrols.js';
import type { ScheduledInspection } from '../../../src/queue/patrol-queue.js';
import { aPlan, aRun } from '../../support/builders.js';
import { embeddedStorePerTest, quietLog } from '../../support/embedded-store.js';
import { FakeForge } from '../../support/fake-forge.js';

const storeOf = embeddedStorePerTest('knowledge-report-job-');
const repo = { owner: 'acme', repo: 'ops', defaultBranch: 'main' };
const config = (knowledge: string) =>
  `apiVersion: zeroops.dev/v1\nkind: Config\nspec:\n  defaultEnv: production\n${knowledge}`;

function world(knowledge: string) {
  const forge = new FakeForge();
  forge.trees.set('main-head', { '.zeroops/config.yaml': config(knowledge) });
  let now = Date.parse('2026-12-03T10:00:00Z');
  const deps = { forge, store: storeOf(), clock: () => new Date(now), log: quietLog };
  return { forge, deps, later: (seconds: number) => (now += seconds * 1000) };
}

it('is scheduled at the interval the config asks for, and files the period before as an issue, once', async () => {
  const { forge, deps, later } = world('  knowledge: { report: { every: 7d } }\n');
  await deps.store.saveRepo(repo);
  const plan = aPlan(undefined, { filled: [{ field: 'spec.interval', value: '1m', from: 'template canary@2' }] });
  await deps.store.createRun(
    aRun({ repo, plan, status: 'rolled_back', finishedAt: '2026-11-30T12:00:00Z', createdAt: '2026-11-30T11:50:00Z' }),
  );
  let scheduled: ScheduledInspection[] = [];
  await syncPatrols({ ...deps, forgeFor: async () => forge, schedule: async (list) => void (scheduled = list) });
  expect(scheduled).toEqual([{ repo, service: '', inspection: 'knowledge-report', everySeconds: 604_800 }]);

  const number = await publishKnowledgeReport(deps, repo);
  const issue = forge.issues.find((i) => i.number === number)!;
  expect(issue.title).toBe('ZeroOps knowledge report, 2026-11-26 to 2026-12-03');
  expect(issue.labels).toEqual(['zeroops', 'knowledge-report']);
  expect(issue.body).toContain('**Runs finished:** 1 (1 rolled back).');
  expect(issue.body).toContain('| canary@2 | 1 | 1 | 100% |');

  later(3600);
  expect(await publishKnowledgeReport(deps, repo)).toBeUndefined();
  later(7 * 86_400);
  expect(await publishKnowledgeReport(deps, repo)).toBeDefined();
  expect(forge.issues).toHaveLength(2);
});

it('files nothing, and schedules nothing, when the config does not ask', async () => {
  const { forge, deps } = world('');
  await deps.store.saveRepo(repo);
  let scheduled: ScheduledInspection[] = [];
  await syncPatrols({ ...deps, forgeFor: async () => forge, schedule: async (list) => void (scheduled = list) });
  expect(scheduled).toEqual([]);
  expect(await publishKnowledgeReport(deps, repo)).toBeUndefined();
  expect(forge.issues).toHaveLength(0);
});
