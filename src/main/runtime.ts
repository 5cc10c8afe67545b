/**
 * Wiring of a running ZeroOps: store, queues, workers, providers and the webhook server, built from
 * settings. `zeroops start` runs the server and the workers; `zeroops worker` only the workers.
 */
import { databasePreflight } from '../providers/database-preflight.js';
import { join } from 'node:path';
import { pino } from 'pino';
import { Probot, ProbotOctokit } from 'probot';
import type { Log } from '../app/ports.js';
import { ForgeRunReporter } from '../app/report-run.js';
import { startRuns, type MergedPull } from '../app/start-runs.js';
import type { Effects } from '../engine/ports.js';
import type { Run } from '../engine/run.js';
import { advanceRun, reconcileRuns, type RunnerDeps } from '../engine/runner.js';
import { BlobCache } from '../forge/github/blob-cache.js';
import { GitHubForge } from '../forge/github/github-forge.js';
import { unpacedOctokit } from '../forge/github/unpaced-octokit.js';
import { ScriptsAtCommit } from '../providers/command/scripts-at-commit.js';
import { ProviderEffects } from '../providers/effects.js';
import { HAProxyTraffic } from '../providers/haproxy/traffic.js';
import { BullScheduler, connectRedis, MergeQueue, startWorkers } from '../queue/queues.js';
import { RedisOutage } from '../queue/redis-outage.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../engine/store.js';
import { handleAlerts } from '../app/alertmanager.js';
import { reporters } from '../app/remediation-follow-up.js';
import { BotMetrics } from './metrics.js';
import { startPatrol } from './patrol-runtime.js';
import { startNotify } from './notify-runtime.js';
import { NotifyingRunReporter } from '../app/notify-run.js';
import { taskWriterFromEnv } from './explainer.js';
import { perRunGates } from './run-gates.js';
import { laneBackendsIn } from '../providers/lanes/lane-backends.js';
import { keepLanes } from '../providers/lanes/lane-keeper.js';
import { startServer } from './server.js';
import { apiOff } from './api/endpoint.js';
import type { AppSettings, WorkerSettings } from './settings.js';

export type RuntimeSettings = AppSettings & WorkerSettings;

export interface Runtime {
  port?: number;
  store: Store;
  stop(): Promise<void>;
}

export async function startRuntime(
  settings: RuntimeSettings,
  parts: { server: boolean; workers: boolean },
  baseOctokit: typeof ProbotOctokit = ProbotOctokit,
): Promise<Runtime> {
  const octokit = settings.githubPacing === false ? unpacedOctokit(baseOctokit) : baseOctokit;
  const log = pino({ level: settings.logLevel, name: 'zeroops' }) as unknown as Log & { child(o: object): unknown };
  const store = await openStore(settings);
  const pruner = parts.server ? pruneDeliveriesHourly(store, () => new Date(), log) : undefined;
  if (!settings.redisUrl) {
    if (parts.workers && !parts.server) throw new Error('workers need Redis: set REDIS_URL');
    log.warn({}, 'REDIS_URL is not set: ZeroOps plans pull requests but does not execute merged plans');
    // The API serves repositories and runs the workers' side learns of: without Redis, there are none.
    const api = settings.apiToken ? { off: 'API disabled: it needs REDIS_URL (runs and repositories)' } : apiOff;
    const server = await startServer(settings, { octokit, app: { deliveries: store }, api });
    return {
      port: server.port,
      store,
      stop: async () => {
        clearInterval(pruner);
        await server.stop();
        await store.close();
      },
    };
  }
  const connection = connectRedis(settings.redisUrl);
  const outage = new RedisOutage(connection, log);
  const scheduler = new BullScheduler(connection);
  const merges = new MergeQueue(connection);
  for (const queue of [scheduler.queue, merges.queue]) outage.watch(queue);
  const metrics = new BotMetrics([scheduler.queue, merges.queue], () => connection.status === 'ready');
  const blobs = new BlobCache();
  const github = new Probot({
    appId: settings.appId,
    privateKey: settings.privateKey,
    baseUrl: settings.githubApiUrl,
    Octokit: octokit,
    log: log as never,
  });
  const forgeFor = async (repo: { installationId?: number }) =>
    new GitHubForge((await github.auth(repo.installationId)) as never, blobs);
  const forgeReporter = new ForgeRunReporter((run) => forgeFor(run.repo), store, log);
  // ChatOps: notices of runs and incidents, queued and sent to the ops repo's chat robots.
  const notify = startNotify(settings, { connection, outage, log, workers: parts.workers });
  const clock = () => new Date();
  const patrol = await startPatrol(settings, {
    connection,
    outage,
    store,
    scheduler,
    forgeFor,
    clock,
    log,
    workers: parts.workers,
    notifier: notify.notifier,
  });
  const notifying = new NotifyingRunReporter(forgeReporter, { notifier: notify.notifier, store, log });
  const reporter = reporters(metrics.observe(notifying), patrol.followUp);
  const taskWriter = taskWriterFromEnv(settings, log);
  const runner: RunnerDeps = {
    store,
    scheduler,
    reporter,
    clock,
    log,
    effects: perRunEffects(
      settings,
      store,
      new ScriptsAtCommit(join(settings.dataDir, 'scripts'), (repo) => forgeFor(repo)),
    ),
    gates: perRunGates(process.env, laneBackendsIn(store)),
    gateCheckSeconds: settings.gateCheckSeconds,
    lockPollSeconds: 2,
  };
  const workers = parts.workers
    ? startWorkers(
        connection,
        {
          advance: (runId) => advanceRun(runner, runId),
          merged: async (merged: MergedPull) => {
            await startRuns(
              {
                forge: await forgeFor(merged.repo),
                store,
                scheduler,
                log,
                clock,
                reporter,
                preflight: databasePreflight,
                writer: taskWriter,
              },
              merged,
            );
          },
        },
        settings.concurrency,
        outage,
      )
    : undefined;
  // The store is the truth: runs whose jobs Redis lost (a restart without persistence, a failover) are queued again.
  // While Redis is away a pass waits for it, so start-up does not, and passes never overlap.
  let reconciling: Promise<unknown> | undefined;
  const reconcile = () =>
    (reconciling ??= reconcileRuns(runner)
      .then((n) => n && log.info({ runs: n }, 'unfinished runs queued again'))
      .catch((error: Error) => log.error({ err: error.message }, 'could not reconcile runs with the queue'))
      .finally(() => (reconciling = undefined)));
  const reconciler = parts.workers ? setInterval(reconcile, settings.reconcileSeconds * 1000) : undefined;
  if (parts.workers) void reconcile();
  // Lanes a HAProxy reload emptied get their servers back at the same rhythm.
  let keeping: Promise<unknown> | undefined;
  const keep = () =>
    (keeping ??= keepLanes(store)
      .then((added) => added.length && log.warn({ servers: added }, 'lane servers registered again after a reload'))
      .catch((error: Error) => log.error({ err: error.message }, 'could not check the lanes in HAProxy'))
      .finally(() => (keeping = undefined)));
  const keeper = parts.workers ? setInterval(keep, settings.reconcileSeconds * 1000) : undefined;

  const server = parts.server
    ? await startServer(settings, {
        octokit,
        metrics: metrics.registry,
        ready: () => outage.ready(),
        api: settings.apiToken ? { token: settings.apiToken, store, forgeFor } : apiOff,
        ...(settings.patrol.alertmanagerToken
          ? {
              alertmanager: {
                token: settings.patrol.alertmanagerToken,
                handle: (repo, payload) =>
                  handleAlerts({ deliveries: store, inspectService: (s) => patrol.inspectService(repo, s) }, payload),
              },
            }
          : {}),
        app: {
          deliveries: store,
          blobs,
          execution: {
            store,
            merges,
            scheduler,
            reporter,
            clock,
            patrol,
            taskWriter,
          },
          onEvent: (event) => metrics.webhook(event),
        },
      })
    : undefined;
  return {
    port: server?.port,
    store,
    async stop() {
      clearInterval(reconciler);
      clearInterval(keeper);
      clearInterval(pruner);
      await server?.stop();
      // Without Redis, jobs in hand cannot finish and closing queues would wait for it: let go at once.
      const reachable = connection.status === 'ready';
      await workers?.close(!reachable);
      await patrol.close(!reachable);
      await notify.close(!reachable);
      await forgeReporter.flush();
      await keeping; // it reads the store, closed next
      if (reachable) await Promise.all([scheduler.queue.close(), merges.queue.close()]);
      connection.disconnect();
      await store.close();
    },
  };
}

/** Providers come from the config each run was approved under; one client per endpoint. */
function perRunEffects(
  settings: RuntimeSettings,
  store: RunnerDeps['store'],
  scripts: ScriptsAtCommit<Run['repo']>,
): Effects {
  const bySocket = new Map<string, ProviderEffects>();
  const scriptsFor = (run: Run) => scripts.folder(run.repo, run.mergeSha);
  return {
    apply(action, context) {
      const socket = (context.run.providers as { haproxy?: { socket: string } } | undefined)?.haproxy?.socket ?? '';
      if (!bySocket.has(socket)) {
        const haproxy = socket
          ? new HAProxyTraffic(socket, `${settings.dataDir}/haproxy/${socket.replace(/[^A-Za-z0-9]/g, '_')}.json`)
          : undefined;
        const attemptsDir = join(settings.dataDir, 'attempts');
        bySocket.set(
          socket,
          new ProviderEffects({ haproxy, store, scriptsFor, scriptEnv: settings.scriptEnv, attemptsDir }),
        );
      }
      return bySocket.get(socket)!.apply(action, context);
    },
  };
}

/** GitHub redelivers deliveries of the last three days at most: a week of them is remembered, no more. */
const deliveryRetentionMs = 7 * 86_400_000;

function pruneDeliveriesHourly(store: Store, clock: () => Date, log: Log): NodeJS.Timeout {
  const prune = () =>
    store
      .pruneDeliveries(new Date(clock().getTime() - deliveryRetentionMs).toISOString())
      .then((n) => n && log.info({ deliveries: n }, 'old webhook deliveries forgotten'))
      .catch((error: Error) => log.error({ err: error.message }, 'could not prune old deliveries'));
  void prune();
  return setInterval(prune, 3_600_000).unref();
}
