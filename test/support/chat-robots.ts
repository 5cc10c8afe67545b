/**
 * Doubles of the three chat robots on 127.0.0.1, each checking what ZeroOps sends against the
 * robot's documentation and answering as the real one does: Slack's incoming webhook (`ok`, or
 * 404 `no_service` / 400 `invalid_payload`), WeCom's group robot and DingTalk's custom robot (HTTP
 * 200 with an errcode: 93000 or 300001 for a wrong token, 310000 for a wrong signature or a
 * timestamp more than an hour off). A test may script answers to give first (a robot that is down).
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Notice, NotifyChannel } from '../../src/knowledge/notice.js';

/** A rolled-back run's notice, as the robots' tests send it. */
export const aRollbackNotice = (overrides: Partial<Notice> = {}): Notice => ({
  key: 'run-9/rolled-back',
  event: 'rolled-back',
  title: '↩️ Rollout checkout-v2 rolled back — checkout/production',
  lines: ['Why: gate breached during step-2: error_rate = 0.12 (limit ≤ 5%)'],
  repo: { owner: 'acme', repo: 'ops' },
  link: { kind: 'pull', number: 12 },
  service: 'checkout',
  env: 'production',
  tone: 'bad',
  ...overrides,
});

export interface Received {
  path: string;
  body: Record<string, unknown>;
  /** The message as people read it: Slack's blocks, WeCom's content, DingTalk's text. */
  text: string;
}

export interface RobotDouble {
  /** Messages the robot accepted. */
  received: Received[];
  /** Every request, accepted or not. */
  requests: number;
  /** Answers given before answering as the robot would (an outage, a rate limit). */
  script: { status: number; body: string; headers?: Record<string, string> }[];
}

export interface ChatRobots {
  slack: RobotDouble;
  wecom: RobotDouble;
  dingtalk: RobotDouble;
  /** The channels' variables, as a worker's environment holds them. */
  env: Record<string, string>;
  channels: NotifyChannel[];
  tokens: string[];
  close(): Promise<void>;
}

const slackPath = '/services/T0ZEROOPS/B0ZEROOPS/s1ackT0kenOfTheTestRobot';
const wecomKey = '5d0c3f9e-7a1b-4c2d-9e8f-wecomTestKey';
const dingToken = 'd1ngTalkAccessTokenOfTheTestRobot';
const dingSecret = 'SECd1ngTalkSigningSecretOfTheTestRobot0123456789';

export async function startChatRobots(): Promise<ChatRobots> {
  const doubles = { slack: robot(), wecom: robot(), dingtalk: robot() };
  const servers = await Promise.all([
    listen(doubles.slack, slackAnswer),
    listen(doubles.wecom, wecomAnswer),
    listen(doubles.dingtalk, dingtalkAnswer),
  ]);
  const [slackAt, wecomAt, dingAt] = servers.map((s) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`);
  return {
    ...doubles,
    env: {
      TEST_SLACK_URL: `${slackAt}${slackPath}`,
      TEST_WECOM_URL: `${wecomAt}/cgi-bin/webhook/send?key=${wecomKey}`,
      TEST_DINGTALK_URL: `${dingAt}/robot/send?access_token=${dingToken}`,
      TEST_DINGTALK_SECRET: dingSecret,
    },
    channels: [
      { name: 'ops-slack', type: 'slack', url: { env: 'TEST_SLACK_URL' } },
      { name: 'ops-wecom', type: 'wecom', url: { env: 'TEST_WECOM_URL' } },
      {
        name: 'ops-dingtalk',
        type: 'dingtalk',
        url: { env: 'TEST_DINGTALK_URL' },
        secret: { env: 'TEST_DINGTALK_SECRET' },
      },
    ],
    tokens: [slackPath.split('/').at(-1)!, wecomKey, dingToken, dingSecret],
    close: () => Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve)))).then(() => undefined),
  };
}

const robot = (): RobotDouble => ({ received: [], requests: 0, script: [] });

type Answer = { status: number; body: string; headers?: Record<string, string>; accepted?: Received };
type Check = (request: IncomingMessage, url: URL, body: Record<string, unknown> | undefined) => Answer;

function listen(double: RobotDouble, check: Check): Promise<Server> {
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      double.requests++;
      const scripted = double.script.shift();
      const answer: Answer = scripted ?? check(request, new URL(request.url!, 'http://robot'), parse(chunks));
      if (answer.accepted) double.received.push(answer.accepted);
      const json = answer.body.startsWith('{');
      response.writeHead(answer.status, {
        'content-type': json ? 'application/json' : 'text/plain',
        ...answer.headers,
      });
      response.end(answer.body);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function parse(chunks: Buffer[]): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const isJson = (request: IncomingMessage) => /^application\/json/.test(request.headers['content-type'] ?? '');
const errcode = (code: number, message: string) => ({
  status: 200,
  body: JSON.stringify({ errcode: code, errmsg: message }),
});
const ok = (accepted: Received) => ({ accepted, ...errcode(0, 'ok') });

/** Slack: POST JSON with a `text` and/or `blocks` of known types, to the webhook's own path. */
const slackAnswer: Check = (request, url, body) => {
  if (request.method !== 'POST' || url.pathname !== slackPath) return { status: 404, body: 'no_service' };
  const blocks = body?.blocks;
  const valid =
    isJson(request) &&
    typeof body?.text === 'string' &&
    Array.isArray(blocks) &&
    blocks.every((b: { type?: string; text?: { type?: string; text?: string }; elements?: unknown[] }) =>
      b.type === 'section'
        ? b.text?.type === 'mrkdwn' && typeof b.text.text === 'string' && b.text.text.length <= 3000
        : b.type === 'context' && Array.isArray(b.elements),
    );
  if (!valid) return { status: 400, body: 'invalid_payload' };
  const text = JSON.stringify(blocks);
  return { accepted: { path: url.pathname, body: body!, text }, status: 200, body: 'ok' };
};

/** WeCom: POST /cgi-bin/webhook/send?key=KEY, a markdown message of at most 4,096 bytes. */
const wecomAnswer: Check = (request, url, body) => {
  if (request.method !== 'POST' || url.pathname !== '/cgi-bin/webhook/send') return { status: 404, body: 'not found' };
  if (url.searchParams.get('key') !== wecomKey) return errcode(93000, 'invalid webhook url, hint: [test]');
  const content = (body?.markdown as { content?: unknown } | undefined)?.content;
  if (!isJson(request) || body?.msgtype !== 'markdown') return errcode(40008, 'invalid message type');
  if (typeof content !== 'string' || Buffer.byteLength(content) > 4096)
    return errcode(40058, 'content exceed max length');
  return ok({ path: url.pathname, body: body, text: content });
};

/** DingTalk: POST /robot/send?access_token=…&timestamp=…&sign=…, signed within an hour, a markdown message. */
const dingtalkAnswer: Check = (request, url, body) => {
  if (request.method !== 'POST' || url.pathname !== '/robot/send') return { status: 404, body: 'not found' };
  if (url.searchParams.get('access_token') !== dingToken) return errcode(300001, 'token is not exist');
  const timestamp = Number(url.searchParams.get('timestamp'));
  if (!Number.isInteger(timestamp) || Math.abs(Date.now() - timestamp) > 3_600_000)
    return errcode(310000, 'invalid timestamp');
  const expected = createHmac('sha256', dingSecret).update(`${timestamp}\n${dingSecret}`).digest('base64');
  if (url.searchParams.get('sign') !== expected) return errcode(310000, 'sign not match');
  const markdown = body?.markdown as { title?: unknown; text?: unknown } | undefined;
  if (!isJson(request) || body?.msgtype !== 'markdown') return errcode(40035, 'missing parameter msgtype');
  if (typeof markdown?.title !== 'string' || typeof markdown.text !== 'string')
    return errcode(40035, 'missing parameter markdown');
  return ok({ path: url.pathname, body: body, text: `${markdown.title}\n${markdown.text}` });
};
