/**
 * The patrol's queue: one job scheduler per declared inspection (BullMQ makes one job per tick, so a
 * tick is never run twice), one-off inspections (an Alertmanager alert), the verification of a
 * remediation some time after its run, and the periodic sync of schedulers with what the ops repos declare.
 */
import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { KnownRepo } from '../engine/store.js';

export const patrolQueueName = 'zeroops-patrol';

export type PatrolJob =
  | { kind: 'inspect'; repo: KnownRepo; service: string; inspection: string }
  | { kind: 'verify'; repo: KnownRepo; runId: string }
  | { kind: 'sync' };

export interface ScheduledInspection {
  repo: KnownRepo;
  service: string;
  inspection: string;
  everySeconds: number;
}

const safeId = (text: string) => text.replace(/[^A-Za-z0-9_.-]/g, '-');
const schedulerId = (i: Omit<ScheduledInspection, 'everySeconds'>) =>
  safeId(`patrol-${i.repo.owner}-${i.repo.repo}-${i.service}-${i.inspection}`);

export class PatrolQueue {
  readonly queue: Queue<PatrolJob>;

  constructor(connection: Redis) {
    this.queue = new Queue<PatrolJob>(patrolQueueName, { connection });
  }

  /** Makes the schedulers exactly these inspections, at their cadence; others are removed. */
  async schedule(inspections: ScheduledInspection[]): Promise<void> {
    const wanted = new Map(inspections.map((i) => [schedulerId(i), i]));
    for (const existing of await this.queue.getJobSchedulers()) {
      if (existing.key.startsWith('patrol-') && !wanted.has(existing.key))
        await this.queue.removeJobScheduler(existing.key);
    }
    for (const [id, i] of wanted) {
      const data: PatrolJob = { kind: 'inspect', repo: i.repo, service: i.service, inspection: i.inspection };
      await this.queue.upsertJobScheduler(
        id,
        { every: i.everySeconds * 1000 },
        { name: 'inspect', data, opts: { removeOnComplete: true, removeOnFail: 100 } },
      );
    }
  }

  /** Once, now (an alert asked for it); the same inspection asked twice within a minute is one job. */
  async inspectNow(job: Extract<PatrolJob, { kind: 'inspect' }>): Promise<void> {
    const minute = Math.floor(Date.now() / 60_000);
    await this.queue.add('inspect', job, {
      jobId: `${schedulerId(job)}-now-${minute}`,
      removeOnComplete: true,
      removeOnFail: 100,
    });
  }

  async verifyLater(repo: KnownRepo, runId: string, delayMs: number): Promise<void> {
    await this.queue.add(
      'verify',
      { kind: 'verify', repo, runId },
      {
        jobId: safeId(`verify-${runId}`),
        delay: delayMs,
        removeOnComplete: true,
        removeOnFail: 100,
        attempts: 3,
        backoff: { type: 'exponential', delay: 5000 },
      },
    );
  }

  async syncEvery(seconds: number): Promise<void> {
    await this.queue.upsertJobScheduler(
      'sync-patrols',
      { every: seconds * 1000 },
      { name: 'sync', data: { kind: 'sync' }, opts: { removeOnComplete: true, removeOnFail: 10 } },
    );
  }
}

export function startPatrolWorker(
  connection: Redis,
  handle: (job: PatrolJob) => Promise<unknown>,
  concurrency: number,
): Worker<PatrolJob> {
  return new Worker<PatrolJob>(patrolQueueName, (job: Job<PatrolJob>) => handle(job.data), {
    connection,
    concurrency,
    lockDuration: 60_000,
    stalledInterval: 30_000,
  });
}
