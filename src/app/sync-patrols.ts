/**
 * Use case: the patrol's schedule follows what the ops repos declare. For every repository ZeroOps
 * has heard from, the inspections of its approved services become job schedulers at their cadence;
 * inspections removed from a service stop. A service with a `failover` section gets its datacenter
 * watch scheduled too, at the watch's cadence, and a config asking for a knowledge report gets it
 * at its interval. A repository that cannot be read keeps its schedule.
 */
import type { KnownRepo } from '../engine/store.js';
import type { Forge } from '../forge/forge.js';
import { parseDuration } from '../manifest/units.js';
import type { ScheduledInspection } from '../queue/patrol-queue.js';
import { patrolBasis } from './patrol-basis.js';
import { watchInspection } from './run-datacenter-watch.js';
import { knowledgeReportJob, reportEverySeconds } from './publish-knowledge-report.js';
import { watchSettingsOf } from '../failover/watch-settings.js';
import type { IncidentDeps } from './patrol-incidents.js';

export interface SyncDeps extends Omit<IncidentDeps, 'forge' | 'prose'> {
  forgeFor(repo: KnownRepo): Promise<Forge>;
  schedule(inspections: ScheduledInspection[]): Promise<void>;
}

export async function syncPatrols(deps: SyncDeps): Promise<ScheduledInspection[]> {
  const inspections: ScheduledInspection[] = [];
  for (const repo of await deps.store.repos()) {
    try {
      const basis = await patrolBasis({ ...deps, forge: await deps.forgeFor(repo) }, repo);
      const reportEvery = reportEverySeconds(basis.config);
      if (reportEvery)
        inspections.push({ repo, service: '', inspection: knowledgeReportJob, everySeconds: reportEvery });
      for (const service of basis.services) {
        if (service.spec.failover)
          inspections.push({
            repo,
            service: service.metadata.name,
            inspection: watchInspection,
            everySeconds: watchSettingsOf(service).everyMs / 1000,
          });
        for (const inspection of service.spec.inspections ?? [])
          inspections.push({
            repo,
            service: service.metadata.name,
            inspection: inspection.name,
            everySeconds: parseDuration(inspection.every ?? '5m') ?? 300,
          });
      }
    } catch (error) {
      deps.log.warn(
        { repo: `${repo.owner}/${repo.repo}`, err: (error as Error).message },
        'patrol schedule not refreshed',
      );
      return inspections; // a repository that cannot be read must not lose the schedules of the others
    }
  }
  await deps.schedule(inspections);
  return inspections;
}
