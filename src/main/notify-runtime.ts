/**
 * Wiring of ChatOps notices: the queue the use cases tell, and — in processes that run workers —
 * the worker that sends each notice to its robot, with the URLs and secrets of this process's
 * environment (read at send time, never queued).
 */
import type { Redis } from 'ioredis';
import type { Log, Notifier } from '../app/ports.js';
import { sendNotice } from '../providers/notify/send-notice.js';
import { NotifyQueue, startNotifyWorker } from '../queue/notify-queue.js';
import type { RedisOutage } from '../queue/redis-outage.js';
import type { AppSettings, WorkerSettings } from './settings.js';

export interface NotifyWiring {
  notifier: Notifier;
  close(force: boolean): Promise<void>;
}

export function startNotify(
  settings: Pick<AppSettings, 'githubApiUrl'> & Pick<WorkerSettings, 'githubWebUrl' | 'scriptEnv'>,
  parts: { connection: Redis; outage: RedisOutage; log: Log; workers: boolean },
): NotifyWiring {
  const queue = new NotifyQueue(parts.connection);
  parts.outage.watch(queue.queue);
  const options = { env: process.env, webUrl: githubWebUrl(settings), secrets: Object.values(settings.scriptEnv) };
  const worker = parts.workers
    ? startNotifyWorker(parts.connection, (job) => sendNotice(job, options), parts.log)
    : undefined;
  if (worker) parts.outage.watch(worker);
  return {
    notifier: queue,
    close: async (force) => {
      await worker?.close(force);
      if (!force) await queue.queue.close();
    },
  };
}

/** ZEROOPS_GITHUB_WEB_URL; else GitHub Enterprise Server's root, from its API's (`…/api/v3`); else github.com. */
export function githubWebUrl(settings: { githubWebUrl?: string; githubApiUrl?: string }): string {
  if (settings.githubWebUrl) return settings.githubWebUrl.replace(/\/+$/, '');
  const enterprise = settings.githubApiUrl?.match(/^(https?:\/\/[^/]+)\/api\/v3\/?$/);
  return enterprise ? enterprise[1]! : 'https://github.com';
}
