/**
 * A channel's environment, read on the worker that sends: its webhook URL and DingTalk's signing
 * secret. What is wrong with them is said by variable and channel name — never by value: the URL
 * holds the robot's token.
 */
import type { NotifyChannel } from '../../knowledge/notice.js';
import { isReservedEnv } from '../../manifest/rules/webhook-secrets.js';
import type { Target } from './robot.js';

export class NotifyError extends Error {
  constructor(
    message: string,
    /** False when trying again cannot help (a bad URL, a robot that refused the message). */
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

/** The query parameter that carries each robot's token. */
const tokenParameter = { slack: undefined, wecom: 'key', dingtalk: 'access_token' } as const;

export function targetOf(channel: NotifyChannel, env: NodeJS.ProcessEnv): Target {
  const fail = (why: string) => new NotifyError(`notify channel ${channel.name}: ${why}`, false);
  const href = read(channel.url.env, 'its webhook URL', env, fail);
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    throw fail(`${channel.url.env} does not hold a URL: copy the robot's whole webhook URL into it`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw fail(`${channel.url.env} does not hold an http(s) URL`);
  const token = tokenParameter[channel.type];
  if (token && !url.searchParams.get(token))
    throw fail(`the URL in ${channel.url.env} has no ${token}=… in its query: copy the robot's whole webhook URL`);
  const secret = channel.secret && read(channel.secret.env, 'its signing secret', env, fail);
  return { name: channel.name, type: channel.type, url, ...(secret ? { secret } : {}) };
}

function read(name: string, what: string, env: NodeJS.ProcessEnv, fail: (why: string) => NotifyError): string {
  // A config naming the App's key here would send it to whatever the URL says.
  if (isReservedEnv(name, undefined))
    throw fail(`${name} is one of ZeroOps' own credentials: it is never sent to a chat robot`);
  const value = env[name];
  if (!value) throw fail(`${name} (${what}) is not set on this worker`);
  return value.trim();
}

/** Every part of a target that is a secret: the URL, its path and query values, the signing secret. */
export function secretsOf(target: Target): string[] {
  // Slack's token is its path: /services/T…/B…/…; words of a path (`services`, `webhook`) are not secret.
  const path = target.url.pathname.split('/').filter((part) => part.length >= 8 && /[A-Z0-9]/.test(part));
  return [target.url.href, ...target.url.searchParams.values(), ...path, ...(target.secret ? [target.secret] : [])];
}
