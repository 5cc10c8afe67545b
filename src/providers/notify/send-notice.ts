/**
 * Sends one notice to one channel: reads the channel's URL and secret from this worker's
 * environment, asks its robot for the request, POSTs it and tries again a few times (backing off)
 * when the robot is down, busy or rate-limited. Errors name the channel and the robot's host,
 * never its URL or secret; text that holds a secret this worker knows never leaves it.
 */
import type { NotifyChannel, Notice } from '../../knowledge/notice.js';
import { noticeUrl } from '../../knowledge/notice.js';
import { redactSecrets } from '../command/run-command.js';
import { dingtalk } from './dingtalk.js';
import type { Answer, Robot } from './robot.js';
import { slack } from './slack.js';
import { NotifyError, secretsOf, targetOf } from './target.js';
import { wecom } from './wecom.js';

export interface SendOptions {
  env: NodeJS.ProcessEnv;
  /** github.com, or a GitHub Enterprise Server's web root: where the notice's link points. */
  webUrl: string;
  /** Values that must never reach a chat (the variables given to scripts). */
  secrets?: readonly string[];
  /** Tries here, before the queue tries again later (default 3). */
  attempts?: number;
  timeoutMs?: number;
  clock?: () => Date;
  sleep?: (ms: number) => Promise<void>;
}

export interface NoticeJob {
  notice: Notice;
  channel: NotifyChannel;
}

const robots: Record<NotifyChannel['type'], Robot> = { slack, wecom, dingtalk };

/** A 429's Retry-After is heeded up to this; longer waits are the queue's. */
const maxRetryAfterMs = 10_000;

export async function sendNotice(job: NoticeJob, options: SendOptions): Promise<{ attempts: number }> {
  const target = targetOf(job.channel, options.env);
  const robot = robots[target.type];
  const scrub = (text: string) => redactSecrets(text, options.secrets ?? []);
  const notice = { ...job.notice, title: scrub(job.notice.title), lines: job.notice.lines.map(scrub) };
  const message = { notice, link: noticeUrl(notice, options.webUrl) };
  const { attempts = 3, clock = () => new Date(), sleep = delay } = options;
  let last: Extract<Answer, { ok: false }> = { ok: false, retry: true, why: 'not sent' };
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const request = robot.request(target, message, clock()); // signed anew: DingTalk wants a fresh timestamp
    let wait = 500 * 2 ** (attempt - 1);
    try {
      const response = await fetch(request.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'ZeroOps' },
        body: JSON.stringify(request.body),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      const answer = robot.answer(response.status, await response.text());
      if (answer.ok) return { attempts: attempt };
      last = answer;
      wait = Math.min(maxRetryAfterMs, Number(response.headers.get('retry-after')) * 1000 || wait);
    } catch (error) {
      last = { ok: false, retry: true, why: networkProblem(error as Error) };
      // A robot that took the message but answered late would post it twice: the queue tries later,
      // not this loop at once (robots have no idempotency key to drop a repeat).
      if ((error as Error).name === 'TimeoutError') break;
    }
    if (!last.retry) break;
    if (attempt < attempts) await sleep(wait);
  }
  const where = `notify channel ${target.name} (${target.type} robot at ${target.url.host})`;
  throw new NotifyError(
    redactSecrets(`${where}: ${last.why}`, [...secretsOf(target), ...(options.secrets ?? [])]),
    last.retry,
  );
}

/** fetch says "fetch failed"; the reason is in its cause (ECONNREFUSED …), or it timed out. */
function networkProblem(error: Error): string {
  if (error.name === 'TimeoutError') return 'no answer in time';
  const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
  return `unreachable: ${cause?.code ?? cause?.message ?? error.message}`;
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
