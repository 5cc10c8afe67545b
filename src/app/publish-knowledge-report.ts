/**
 * Use case: the knowledge report a repository's config asks for (`spec.knowledge.report.every`),
 * filed as an issue covering the interval before it. One issue per period: a job that fires twice
 * files once, and an issue not filed is tried again at the next firing.
 */
import type { KnownRepo, Store } from '../engine/store.js';
import type { Forge } from '../forge/forge.js';
import { knowledgeReport, renderKnowledgeReport } from '../knowledge/knowledge-report.js';
import { parseDuration } from '../manifest/units.js';
import { caseRecords, incidentRecords } from './case-library.js';
import { patrolBasis } from './patrol-basis.js';
import type { Log } from './ports.js';
import { repoKey } from './record-keys.js';

/** The patrol schedules the report like an inspection, under this name. */
export const knowledgeReportJob = 'knowledge-report';

export interface ReportDeps {
  forge: Forge;
  store: Store;
  clock: () => Date;
  log: Log;
}

/** How often the config asks for the report, in seconds (a day at least); undefined when it does not. */
export function reportEverySeconds(config: { spec: { knowledge?: { report?: { every: string } } } } | undefined) {
  const every = config?.spec.knowledge?.report?.every;
  const seconds = every === undefined ? undefined : parseDuration(every);
  // An issue a minute would bury the repository: reports come once a day at the most.
  return seconds === undefined ? undefined : Math.max(seconds, 86_400);
}

/** Files the report of the period ending now; returns its issue number, or undefined when not due. */
export async function publishKnowledgeReport(deps: ReportDeps, repo: KnownRepo): Promise<number | undefined> {
  const basis = await patrolBasis(deps, repo);
  const seconds = reportEverySeconds(basis.config);
  if (!seconds) return undefined;
  const until = deps.clock();
  // Periods are counted from the epoch, so every firing within one period names the same report.
  const periodEnd = new Date(Math.floor(+until / (seconds * 1000)) * seconds * 1000);
  const since = new Date(+periodEnd - seconds * 1000);
  const key = `knowledge-report/${repoKey(repo)}/${periodEnd.toISOString()}`;
  if (await deps.store.checkpoint(key)) return undefined;
  const report = knowledgeReport(await caseRecords(deps.store, repo), await incidentRecords(deps.store, repo), {
    since,
    until: periodEnd,
  });
  const day = (d: Date) => d.toISOString().slice(0, 10);
  const number = await deps.forge.createIssue(repo, {
    title: `ZeroOps knowledge report, ${day(since)} to ${day(periodEnd)}`,
    body: renderKnowledgeReport(report, repoKey(repo)),
    labels: ['zeroops', 'knowledge-report'],
  });
  await deps.store.saveCheckpoint(key, number);
  deps.log.info({ repo: repoKey(repo), issue: number }, 'knowledge report filed');
  return number;
}
