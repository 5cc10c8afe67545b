/**
 * What every chat robot adapter does: turn a notice into the request its webhook documents, and
 * read its answer as delivered, worth another try (down, busy, rate-limited) or refused for good.
 */
import type { Notice } from '../../knowledge/notice.js';

/** A channel with its environment read: the webhook URL (it holds a token) and DingTalk's secret. */
export interface Target {
  name: string;
  type: 'slack' | 'wecom' | 'dingtalk';
  url: URL;
  secret?: string;
}

export interface Message {
  notice: Notice;
  /** The pull request's or issue's page. */
  link: string;
}

export type Answer = { ok: true } | { ok: false; retry: boolean; why: string };

export interface Robot {
  /** Where to POST (the channel's URL, signed if the robot wants it) and the JSON body; `now`: for a signature. */
  request(target: Target, message: Message, now: Date): { url: string; body: unknown };
  answer(status: number, body: string): Answer;
}

/** Down, busy or rate-limited: 5xx and 429 are worth another try; other 4xx are not. */
export function httpAnswer(status: number, body: string): Answer | undefined {
  if (status >= 200 && status < 300) return undefined;
  const why = `HTTP ${status} ${body.slice(0, 120)}`.trim();
  return { ok: false, retry: status >= 500 || status === 429, why };
}

/**
 * WeCom and DingTalk answer HTTP 200 with `{"errcode":0,"errmsg":"ok"}`; another errcode is a
 * refusal, except those that say "too fast" or "busy" (`retryable`).
 */
export function errcodeAnswer(status: number, body: string, retryable: readonly number[]): Answer {
  const http = httpAnswer(status, body);
  if (http) return http;
  let answer: { errcode?: unknown; errmsg?: unknown };
  try {
    answer = JSON.parse(body) as typeof answer;
  } catch {
    return { ok: false, retry: true, why: `an answer that is not JSON: ${body.slice(0, 80)}` };
  }
  if (answer.errcode === 0) return { ok: true };
  const code = Number(answer.errcode);
  return {
    ok: false,
    retry: retryable.includes(code),
    why: `errcode ${String(answer.errcode)}: ${String(answer.errmsg ?? '').slice(0, 120)}`,
  };
}

/** The link's words: which pull request or issue. */
export const linkLabel = (notice: Notice) =>
  `${notice.link.kind === 'pull' ? 'pull request' : 'issue'} #${notice.link.number}`;

/** Where it happened, for the message's last line (it also names ZeroOps: DingTalk robots may require a keyword). */
export const footer = (notice: Notice) => `ZeroOps · ${notice.service}${notice.env ? `/${notice.env}` : ''}`;

/**
 * Markdown robots read `<…>` as markup (WeCom's `<@userid>` mentions everyone it names, `<font>`):
 * text from runs never becomes markup.
 */
export const plainMarkdown = (text: string) => text.replace(/</g, '‹').replace(/>/g, '›');
