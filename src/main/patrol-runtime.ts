/**
 * Wiring of the patrol: its queue and worker (inspections on their schedules, verifications after
 * remediations, the schedule's sync with the ops repos), and the hooks the rest of ZeroOps calls —
 * a finished remediation run, `/zeroops remediate`, `/zeroops failover`, a closed incident, a
 * repository heard from. The datacenter watch runs as one of the inspections, a scrape per job.
 */
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { incidentClosed } from '../app/incident-closed.js';
import { proseWriter } from '../app/incident-prose.js';
import type { Log, Notifier, PatrolHooks } from '../app/ports.js';
import { remediateOnRequest } from '../app/remediate.js';
import { RemediationFollowUp } from '../app/remediation-follow-up.js';
import { runInspection, type PatrolDeps } from '../app/run-inspection.js';
import { knowledgeReportJob, publishKnowledgeReport } from '../app/publish-knowledge-report.js';
import {
  confirmFailover,
  runDatacenterWatch,
  watchInspection,
  type WatchJobDeps,
} from '../app/run-datacenter-watch.js';
import { syncPatrols } from '../app/sync-patrols.js';
import { verifyRemediation } from '../app/verify-remediation.js';
import type { RunReporter, Scheduler } from '../engine/ports.js';
import type { Store } from '../engine/store.js';
import type { Forge, RepoRef } from '../forge/forge.js';
import { patrolBasis } from '../app/patrol-basis.js';
import type { MetricsError, MetricsSource } from '../observe/metrics-source.js';
import { HttpProfiles } from '../providers/pprof/http-profiles.js';
import { PatrolQueue, startPatrolWorker, type PatrolJob } from '../queue/patrol-queue.js';
import type { RedisOutage } from '../queue/redis-outage.js';
import { explainerFromEnv } from './explainer.js';
import { prometheusFor } from './run-gates.js';
import { datacenterWatchFor } from './datacenter-watch.js';
import type { WorkerSettings } from './settings.js';

export interface PatrolWiring extends PatrolHooks {
  /** Hears finished remediation runs, to verify them later. */
  followUp: RunReporter;
  /** Runs a service's inspections now (an alert asked); false when the repository has no such service. */
  inspectService(repo: RepoRef, service: string): Promise<boolean>;
  close(force: boolean): Promise<void>;
}

export interface PatrolParts {
  connection: Redis;
  outage: RedisOutage;
  store: Store;
  scheduler: Scheduler;
  forgeFor(repo: { installationId?: number }): Promise<Forge>;
  clock: () => Date;
  log: Log;
  workers: boolean;
  /** Tells the ops repo's chat channels when incidents open and resolve. */
  notifier?: Notifier;
}

export async function startPatrol(settings: WorkerSettings, parts: PatrolParts): Promise<PatrolWiring> {
  const { store, clock, log, notifier } = parts;
  const queue = new PatrolQueue(parts.connection);
  parts.outage.watch(queue.queue);
  const prose = proseWriter(explainerFromEnv(settings, log));
  const profiles = new HttpProfiles();
  const deps = async (repo: { installationId?: number }): Promise<PatrolDeps> => ({
    forge: await parts.forgeFor(repo),
    store,
    clock,
    log,
    prose,
    notifier,
    scheduler: parts.scheduler,
    metricsFor: (config) => metricsOf(prometheusFor(config?.spec.providers?.prometheus, process.env)),
    profiles,
    profileSeconds: settings.patrol.profileSeconds,
  });
  const known = async (owner: string, repo: string) =>
    (await store.repos()).find((r) => r.owner === owner && r.repo === repo);
  const sync = () =>
    syncPatrols({ store, clock, log, forgeFor: parts.forgeFor, schedule: (list) => queue.schedule(list) });
  const watchDeps = async (repo: { installationId?: number }): Promise<WatchJobDeps> => ({
    forge: await parts.forgeFor(repo),
    store,
    clock,
    log,
    notifier,
    watchFor: (service, config, options) =>
      datacenterWatchFor(service, {
        metrics: metricsOf(prometheusFor(config?.spec.providers?.prometheus, process.env)),
        haproxySocket: config?.spec.providers?.haproxy?.socket ?? '',
        stateDir: join(settings.dataDir, 'haproxy'),
        autonomy: options.autonomy,
        confirmed: () => options.confirmed,
        record: options.record,
        ...(options.state ? { state: options.state } : {}),
      }).watch,
  });
  const handle = async (job: PatrolJob) => {
    if (job.kind === 'inspect' && job.inspection === watchInspection)
      return void (await runDatacenterWatch(await watchDeps(job.repo), job));
    if (job.kind === 'inspect' && job.service === '' && job.inspection === knowledgeReportJob)
      return void (await publishKnowledgeReport(await deps(job.repo), job.repo));
    if (job.kind === 'inspect') return runInspection(await deps(job.repo), job);
    if (job.kind === 'verify') return verifyRemediation(await deps(job.repo), job.runId, job.repo);
    return sync();
  };
  const worker = parts.workers ? startPatrolWorker(parts.connection, handle, 2) : undefined;
  if (worker) {
    parts.outage.watch(worker);
    // Not awaited: with Redis away the scheduler is created once it is back; nothing waits for it.
    queue
      .syncEvery(settings.patrol.syncSeconds)
      .catch((error: Error) =>
        log.warn({ err: error.message }, 'the patrol could not schedule its sync; it will at the next start'),
      );
  }
  const heard = new Set<string>();
  return {
    followUp: new RemediationFollowUp(async (run) => {
      const repo = await known(run.repo.owner, run.repo.repo);
      if (repo) await queue.verifyLater(repo, run.id, settings.patrol.verifySeconds * 1000);
    }),
    remediate: async (issue, option, by) => {
      const repo = await known(issue.repo.owner, issue.repo.repo);
      return repo
        ? remediateOnRequest(await deps(repo), issue, option, by)
        : 'ZeroOps does not know this repository yet; nothing was done.';
    },
    failover: async (issue, dc, by) => {
      const repo = await known(issue.repo.owner, issue.repo.repo);
      return repo
        ? confirmFailover(await watchDeps(repo), issue, dc, by)
        : 'ZeroOps does not know this repository yet; nothing was done.';
    },
    incidentClosed: async (repo, issueNumber, by) => {
      const installation = await known(repo.owner, repo.repo);
      await incidentClosed(
        { forge: await parts.forgeFor(installation ?? {}), store, clock, log, notifier },
        repo,
        issueNumber,
        by,
      );
    },
    heardFrom: async (repo) => {
      const key = JSON.stringify(repo);
      if (heard.has(key)) return;
      await store.saveRepo(repo);
      heard.add(key);
      // A repository heard from for the first time gets its inspections scheduled now, not at the next
      // sync. Not awaited: a webhook is never held up by Redis (its plan needs no queue).
      queue.queue
        .add(
          'sync',
          { kind: 'sync' },
          { jobId: `sync-${Math.floor(clock().getTime() / 10_000)}`, removeOnComplete: true },
        )
        .catch((error: Error) => log.warn({ err: error.message }, 'the patrol could not schedule a sync now'));
    },
    inspectService: async (repoRef, service) => {
      const repo = await known(repoRef.owner, repoRef.repo);
      if (!repo) return false;
      const basis = await patrolBasis({ forge: await parts.forgeFor(repo), store, clock }, repo);
      const inspections = basis.services.find((s) => s.metadata.name === service)?.spec.inspections ?? [];
      for (const inspection of inspections)
        await queue.inspectNow({ kind: 'inspect', repo, service, inspection: inspection.name });
      return inspections.length > 0;
    },
    close: async (force) => {
      await worker?.close(force);
      if (!force) await queue.queue.close();
    },
  };
}

/** A Prometheus that cannot be used answers every query with why, so the patrol files a monitoring gap. */
function metricsOf(source: MetricsSource | { problem: string }): MetricsSource {
  if (!('problem' in source)) return source;
  const fail = async (): Promise<never> => {
    throw Object.assign(new Error(source.problem), { code: 'unreachable' }) as MetricsError;
  };
  return { instant: fail, range: fail };
}
