/**
 * Durable delivery on a real Redis (the lab's redis-server, stopped by its PID): one BullMQ job per
 * notice and channel, the notice's key as its id. A robot down for a while gets the message later,
 * the others get it once; the same notice queued twice is sent once; a robot that refuses it for
 * good is not asked again; the log says so without the token.
 */
import type { Redis } from 'ioredis';
import type { Worker } from 'bullmq';
import { startLab, type Lab } from '../../../lab/lab.js';
import { sendNotice } from '../../../src/providers/notify/send-notice.js';
import { connectRedis } from '../../../src/queue/queues.js';
import { NotifyQueue, startNotifyWorker, type NotifyJob } from '../../../src/queue/notify-queue.js';
import { aRollbackNotice, startChatRobots, type ChatRobots } from '../../support/chat-robots.js';
import { eventually } from '../../support/lab.js';

let lab: Lab;
let connection: Redis;
let robots: ChatRobots;
let queue: NotifyQueue;
let worker: Worker<NotifyJob> | undefined;
const logged: { level: string; context: Record<string, unknown>; message: string }[] = [];
const log = {
  info: (context: object, message: string) => void logged.push({ level: 'info', context: { ...context }, message }),
  warn: (context: object, message: string) => void logged.push({ level: 'warn', context: { ...context }, message }),
  error: (context: object, message: string) => void logged.push({ level: 'error', context: { ...context }, message }),
};

beforeAll(async () => {
  lab = await startLab({ components: ['redis'] });
  connection = connectRedis(lab.redis!.url);
});
afterAll(async () => {
  connection?.disconnect();
  await lab?.stop();
});
beforeEach(async () => {
  robots = await startChatRobots();
  logged.length = 0;
  queue = new NotifyQueue(connection, { attempts: 6, delayMs: 50 });
});
afterEach(async () => {
  await worker?.close();
  await queue.queue.obliterate({ force: true });
  await queue.queue.close();
  await robots.close();
});

/** The worker as the app wires it, with the robots' variables in its environment; one try per job here. */
const startWorker = (env: Record<string, string> = robots.env) => {
  const send = (job: NotifyJob) =>
    sendNotice(job, { env, webUrl: 'https://github.com', attempts: 1, sleep: async () => {} });
  worker = startNotifyWorker(connection, send, log);
};

const notice = (key: string) => aRollbackNotice({ key });

describe('the notify queue', () => {
  it('delivers to a robot that was down once it is back, without sending twice to the others', async () => {
    robots.wecom.script.push(...Array.from({ length: 3 }, () => ({ status: 503, body: 'Service Unavailable' })));
    startWorker();
    await queue.notify(notice('run-1/rolled-back'), robots.channels);
    await queue.notify(notice('run-1/rolled-back'), robots.channels); // settled again: the same key

    expect(await eventually(() => robots.wecom.received.length === 1, 8000, 50)).toBe(true);
    expect([robots.slack, robots.wecom, robots.dingtalk].map((r) => [r.requests, r.received.length])).toEqual([
      [1, 1],
      [4, 1],
      [1, 1],
    ]);
    expect(robots.wecom.received[0]!.text).toContain('[pull request #12](https://github.com/acme/ops/pull/12)');
    const retries = logged.filter((l) => l.message === 'notice not delivered; it will be tried again');
    expect(retries.map((l) => [l.context.channel, l.context.attempt])).toEqual([
      ['ops-wecom', 1],
      ['ops-wecom', 2],
      ['ops-wecom', 3],
    ]);
    for (const token of robots.tokens) expect(JSON.stringify(logged)).not.toContain(token);
  });

  it('does not ask again a robot that refused the message for good, and says why without the token', async () => {
    startWorker({ ...robots.env, TEST_DINGTALK_SECRET: 'SECnotTheRobotsSecret' });
    await queue.notify(notice('run-2/rolled-back'), [robots.channels[2]!]);

    expect(await eventually(() => logged.some((l) => l.level === 'error'), 5000, 50)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 300)); // more than the backoff: no second try comes
    expect(robots.dingtalk.requests).toBe(1);
    expect(logged).toEqual([
      {
        level: 'error',
        context: {
          notice: 'run-2/rolled-back',
          channel: 'ops-dingtalk',
          attempt: 1,
          err: expect.stringMatching(
            /^notify channel ops-dingtalk \(dingtalk robot at [\d.:]+\): errcode 310000: sign not match$/,
          ),
        },
        message: 'notice not delivered; given up',
      },
    ]);
    for (const token of robots.tokens) expect(JSON.stringify(logged)).not.toContain(token);
  });
});
