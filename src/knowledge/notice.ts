/**
 * A notice: one thing that happened, told to the chat channels it concerns (ChatOps). Plain data
 * with a stable key, so the same happening told twice is sent once; each robot formats it. Pure.
 */
import type { Severity } from '../diagnose/cause.js';
import type { Config } from '../manifest/model.js';

export type NotifyChannel = NonNullable<NonNullable<Config['spec']['providers']>['notify']>['channels'][number];
export type NoticeEvent = NonNullable<NotifyChannel['events']>[number];

export interface Notice {
  /** What happened to what (run or issue, and step): the same key is one message per channel. */
  key: string;
  event: NoticeEvent;
  /** One line, no markup. */
  title: string;
  /** A few short lines of plain text; robots escape and format them. */
  lines: string[];
  repo: { owner: string; repo: string };
  /** The pull request or issue to follow it on; its URL is made where the web root is known. */
  link: { kind: 'pull' | 'issue'; number: number };
  service: string;
  env?: string;
  /** Incidents only. */
  severity?: Severity;
  /** How it went, for a robot's colour or emoji. */
  tone: 'info' | 'good' | 'warning' | 'bad';
}

/** Whether a channel hears of a notice: its events, services and (for incidents) severities. */
export function concerns(channel: NotifyChannel, notice: Notice): boolean {
  if (channel.events && !channel.events.includes(notice.event)) return false;
  if (channel.services && !channel.services.includes(notice.service)) return false;
  if (channel.severities && notice.severity && !channel.severities.includes(notice.severity)) return false;
  return true;
}

/** The channels of a config's (or a run's) providers; none when it names none. */
export function channelsOf(providers: unknown): NotifyChannel[] {
  const channels = (providers as { notify?: { channels?: unknown } } | undefined)?.notify?.channels;
  return Array.isArray(channels) ? (channels as NotifyChannel[]) : [];
}

/** The notice's page on GitHub: `webUrl` is github.com, or a GitHub Enterprise Server's root. */
export function noticeUrl(notice: Pick<Notice, 'repo' | 'link'>, webUrl: string): string {
  const { owner, repo } = notice.repo;
  const kind = notice.link.kind === 'pull' ? 'pull' : 'issues';
  return `${webUrl.replace(/\/+$/, '')}/${owner}/${repo}/${kind}/${notice.link.number}`;
}

/** Chat messages stay short: a long reason is cut, with an ellipsis. */
export const clip = (text: string, max = 300) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
