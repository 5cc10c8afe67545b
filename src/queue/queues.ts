/**
 * BullMQ on Redis: the run queue (advance a run now or after a delay — waits of days are delayed
 * jobs and survive restarts) and the merge queue (the webhook answers fast; workers do the work).
 * Job ids are deterministic, so the same request twice is one job.
 */
import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { Scheduler } from '../engine/ports.js';
import type { MergedPull } from '../app/start-runs.js';
import { redisRetryDelayMs, type RedisOutage } from './redis-outage.js';

export const runQueueName = 'zeroops-runs';
export const mergeQueueName = 'zeroops-merges';

/** Commands wait while Redis is away (BullMQ needs that); reconnection backs off to every 10 s. */
export function connectRedis(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, retryStrategy: redisRetryDelayMs });
}

/** BullMQ job ids must not contain ':'. */
const safeId = (text: string) => text.replace(/[^A-Za-z0-9_.-]/g, '-');

export class BullScheduler implements Scheduler {
  readonly queue: Queue;

  constructor(connection: Redis) {
    this.queue = new Queue(runQueueName, { connection });
  }

  async later(runId: string, version: number, delayMs: number): Promise<void> {
    const delay = Math.max(0, Math.round(delayMs));
    const due = delay > 0 ? `-at${Math.ceil((Date.now() + delay) / 1000)}` : '';
    await this.queue.add(
      'advance',
      { runId },
      {
        jobId: safeId(`advance-${runId}-v${version}${due}`),
        delay,
        removeOnComplete: true,
        removeOnFail: 1000,
        attempts: 5,
        backoff: { type: 'exponential', delay: 1000 },
      },
    );
  }
}

export class MergeQueue {
  readonly queue: Queue;

  constructor(connection: Redis) {
    this.queue = new Queue(mergeQueueName, { connection });
  }

  async add(merged: MergedPull): Promise<void> {
    const id = safeId(`merge-${merged.repo.owner}-${merged.repo.repo}-${merged.number}-${merged.mergeSha}`);
    await this.queue.add('merged', merged, {
      jobId: id,
      removeOnComplete: { age: 86_400 },
      removeOnFail: 1000,
      attempts: 5,
      backoff: { type: 'exponential', delay: 2000 },
    });
  }
}

export interface WorkerHandlers {
  advance(runId: string): Promise<void>;
  merged(merged: MergedPull): Promise<void>;
}

export interface Workers {
  /** Finish the jobs in hand, take no new ones (SIGTERM); `force`: do not wait for them (Redis is gone). */
  close(force?: boolean): Promise<void>;
}

export function startWorkers(
  connection: Redis,
  handlers: WorkerHandlers,
  concurrency: number,
  outage: RedisOutage,
): Workers {
  // A worker that dies loses its job's lock quickly, so another worker takes the job over.
  const options = { connection, concurrency, lockDuration: 10_000, stalledInterval: 5_000, maxStalledCount: 5 };
  const workers = [
    new Worker(runQueueName, (job: Job<{ runId: string }>) => handlers.advance(job.data.runId), options),
    new Worker(mergeQueueName, (job: Job<MergedPull>) => handlers.merged(job.data), { ...options, concurrency: 1 }),
  ];
  for (const worker of workers) outage.watch(worker);
  return {
    close: async (force = false) => {
      await Promise.all(workers.map((w) => w.close(force)));
    },
  };
}
