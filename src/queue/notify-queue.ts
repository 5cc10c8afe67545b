/**
 * The notify queue: one job per notice and channel, so a robot that is down for a while delays
 * its own messages only, and a retry never sends again to a channel that already got it. The job
 * id is the notice's key and the channel's name: the same notice queued twice is sent once (jobs
 * are kept a week for that). A robot briefly away is tried again with exponential backoff, for
 * about an hour; one that refuses the message for good is not asked again.
 */
import { createHash } from 'node:crypto';
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Log, Notifier } from '../app/ports.js';
import type { Notice, NotifyChannel } from '../knowledge/notice.js';

export const notifyQueueName = 'zeroops-notify';

export interface NotifyJob {
  notice: Notice;
  channel: NotifyChannel;
}

export interface NotifyRetries {
  attempts: number;
  /** The first wait; each next one doubles. */
  delayMs: number;
}

/** 12 attempts from 2 s: waits of 2 s, 4 s … 34 min, the last try about 68 minutes after the first. */
const defaultRetries: NotifyRetries = { attempts: 12, delayMs: 2000 };
const keptSeconds = 7 * 86_400;

/** BullMQ job ids must not contain ':'; a hash keeps distinct keys distinct whatever they contain. */
export const noticeJobId = (key: string, channel: string) =>
  `notice-${createHash('sha256').update(`${key}\n${channel}`).digest('hex').slice(0, 32)}`;

export class NotifyQueue implements Notifier {
  readonly queue: Queue<NotifyJob>;

  constructor(
    connection: Redis,
    private readonly retries: NotifyRetries = defaultRetries,
  ) {
    this.queue = new Queue<NotifyJob>(notifyQueueName, { connection });
  }

  async notify(notice: Notice, channels: readonly NotifyChannel[]): Promise<void> {
    for (const channel of channels)
      await this.queue.add(
        'notify',
        { notice, channel },
        {
          jobId: noticeJobId(notice.key, channel.name),
          attempts: this.retries.attempts,
          backoff: { type: 'exponential', delay: this.retries.delayMs },
          removeOnComplete: { age: keptSeconds },
          removeOnFail: { age: keptSeconds },
        },
      );
  }
}

/** `send` throws an error with `retryable: false` for a refusal that retrying cannot change. */
export function startNotifyWorker(
  connection: Redis,
  send: (job: NotifyJob) => Promise<unknown>,
  log: Log,
): Worker<NotifyJob> {
  const worker = new Worker<NotifyJob>(
    notifyQueueName,
    async (job: Job<NotifyJob>) => {
      try {
        await send(job.data);
      } catch (error) {
        if ((error as { retryable?: boolean }).retryable === false)
          throw new UnrecoverableError((error as Error).message);
        throw error;
      }
    },
    { connection, concurrency: 2 },
  );
  worker.on('failed', (job, error) => {
    if (!job) return;
    const context = { notice: job.data.notice.key, channel: job.data.channel.name, attempt: job.attemptsMade };
    const more = !(error instanceof UnrecoverableError) && job.attemptsMade < (job.opts.attempts ?? 1);
    if (more) log.warn({ ...context, err: error.message }, 'notice not delivered; it will be tried again');
    else log.error({ ...context, err: error.message }, 'notice not delivered; given up');
  });
  return worker;
}
