/**
 * The chat robots' requests as their documentation describes them — Slack's `{ text, blocks }`,
 * WeCom's and DingTalk's markdown messages, DingTalk's signature computed here from its documented
 * formula — and how their answers are read. Also what is wrong with a channel's environment, said
 * without the token.
 */
import { createHmac } from 'node:crypto';
import type { Notice } from '../../../src/knowledge/notice.js';
import { dingtalk } from '../../../src/providers/notify/dingtalk.js';
import type { Target } from '../../../src/providers/notify/robot.js';
import { slack } from '../../../src/providers/notify/slack.js';
import { NotifyError, targetOf } from '../../../src/providers/notify/target.js';
import { wecom } from '../../../src/providers/notify/wecom.js';

const notice: Notice = {
  key: 'run-7/rolled-back',
  event: 'rolled-back',
  title: '↩️ Rollout checkout-v2 rolled back — checkout/production',
  lines: ['Why: gate breached during step-2: error_rate = 0.12 (limit ≤ 5%)', 'R&D said <!channel> <@all>'],
  repo: { owner: 'acme', repo: 'ops' },
  link: { kind: 'pull', number: 12 },
  service: 'checkout',
  env: 'production',
  tone: 'bad',
};
const link = 'https://github.com/acme/ops/pull/12';
const now = new Date('2026-11-25T10:00:00.000Z');
const target = (type: Target['type'], href: string, secret?: string): Target => ({
  name: `ops-${type}`,
  type,
  url: new URL(href),
  ...(secret ? { secret } : {}),
});

describe('Slack incoming webhook', () => {
  const slackUrl = 'https://hooks.slack.com/services/T0000AAAA/B0000BBBB/abcdefghijklmnopqrstuvwx';
  const { url, body } = slack.request(target('slack', slackUrl), { notice, link }, now) as {
    url: string;
    body: { text: string; blocks: { type: string; text?: { type: string; text: string }; elements?: unknown[] }[] };
  };

  it('posts text and blocks to the webhook URL, linking the pull request in mrkdwn', () => {
    expect(url).toBe(slackUrl);
    expect(body.text).toBe(`${notice.title} <${link}|pull request #12>`);
    expect(body.blocks[0]).toEqual({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text:
          '*↩️ Rollout checkout-v2 rolled back — checkout/production*\n' +
          'Why: gate breached during step-2: error_rate = 0.12 (limit ≤ 5%)\n' +
          'R&amp;D said &lt;!channel&gt; &lt;@all&gt;',
      },
    });
    expect(body.blocks[1]).toEqual({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `ZeroOps · checkout/production · <${link}|pull request #12>` }],
    });
  });

  it('reads 200 as delivered, 429 and 5xx as worth another try, other 4xx as final', () => {
    expect(slack.answer(200, 'ok')).toEqual({ ok: true });
    expect(slack.answer(429, 'rate_limited')).toMatchObject({ ok: false, retry: true });
    expect(slack.answer(503, '')).toMatchObject({ ok: false, retry: true });
    expect(slack.answer(404, 'no_service')).toEqual({ ok: false, retry: false, why: 'HTTP 404 no_service' });
    expect(slack.answer(400, 'invalid_payload')).toMatchObject({ retry: false });
  });
});

describe('WeCom group robot', () => {
  const wecomUrl = 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa';

  it('posts a markdown message to the URL with its key, linking the pull request', () => {
    const { url, body } = wecom.request(target('wecom', wecomUrl), { notice, link }, now);
    expect(url).toBe(wecomUrl);
    expect(body).toEqual({
      msgtype: 'markdown',
      markdown: {
        content: [
          '**<font color="warning">↩️ Rollout checkout-v2 rolled back — checkout/production</font>**',
          '> Why: gate breached during step-2: error_rate = 0.12 (limit ≤ 5%)',
          '> R&D said ‹!channel› ‹@all›', // a run's text never becomes a mention or a tag
          `[pull request #12](${link})`,
          '<font color="comment">ZeroOps · checkout/production</font>',
        ].join('\n'),
      },
    });
  });

  it('keeps content within 4,096 bytes of UTF-8', () => {
    const long = { ...notice, lines: Array.from({ length: 20 }, () => '中'.repeat(300)) };
    const { body } = wecom.request(target('wecom', wecomUrl), { notice: long, link }, now);
    const content = (body as { markdown: { content: string } }).markdown.content;
    expect(Buffer.byteLength(content)).toBeLessThanOrEqual(4096);
    expect(content.endsWith('…')).toBe(true);
    expect(content).not.toContain('\uFFFD');
  });

  it('reads errcode 0 as delivered, 45009 (rate limit) as worth another try, others as final', () => {
    expect(wecom.answer(200, '{"errcode":0,"errmsg":"ok"}')).toEqual({ ok: true });
    expect(wecom.answer(200, '{"errcode":45009,"errmsg":"api freq out of limit"}')).toEqual({
      ok: false,
      retry: true,
      why: 'errcode 45009: api freq out of limit',
    });
    expect(wecom.answer(200, '{"errcode":93000,"errmsg":"invalid webhook url"}')).toMatchObject({ retry: false });
    expect(wecom.answer(502, 'Bad Gateway')).toMatchObject({ retry: true });
  });
});

describe('DingTalk custom robot', () => {
  const dingUrl = 'https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdef';
  const secret = 'SEC000000000000000000000000000000000000000000000000000000000000000';

  it('signs each request: timestamp in ms, sign = urlencoded base64(HMAC-SHA256(secret, timestamp\\nsecret))', () => {
    const { url } = dingtalk.request(target('dingtalk', dingUrl, secret), { notice, link }, now);
    const timestamp = now.getTime();
    const expected = encodeURIComponent(
      createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64'),
    );
    expect(url).toBe(`${dingUrl}&timestamp=${timestamp}&sign=${expected}`);
    const later = dingtalk.request(target('dingtalk', dingUrl, secret), { notice, link }, new Date(timestamp + 60_000));
    expect(new URL(later.url).searchParams.get('timestamp')).toBe(String(timestamp + 60_000));
  });

  it('posts a markdown message with a title, linking the pull request; unsigned without a secret', () => {
    const { url, body } = dingtalk.request(target('dingtalk', dingUrl), { notice, link }, now);
    expect(url).toBe(dingUrl);
    expect(body).toEqual({
      msgtype: 'markdown',
      markdown: {
        title: notice.title,
        text: [
          '#### ↩️ Rollout checkout-v2 rolled back — checkout/production',
          'Why: gate breached during step-2: error_rate = 0.12 (limit ≤ 5%)',
          'R&D said ‹!channel› ‹@all›',
          `[pull request #12](${link})`,
          'ZeroOps · checkout/production',
        ].join('\n\n'),
      },
    });
  });

  it('reads errcode 0 as delivered, 130101 (too fast) as worth another try, 310000 (signature) as final', () => {
    expect(dingtalk.answer(200, '{"errcode":0,"errmsg":"ok"}')).toEqual({ ok: true });
    expect(dingtalk.answer(200, '{"errcode":130101,"errmsg":"send too fast"}')).toMatchObject({ retry: true });
    expect(dingtalk.answer(200, '{"errcode":310000,"errmsg":"sign not match"}')).toEqual({
      ok: false,
      retry: false,
      why: 'errcode 310000: sign not match',
    });
  });
});

describe("a channel's environment", () => {
  const token = 'a1b2c3d4e5f6a7b8';
  const channel = {
    name: 'ops-ding',
    type: 'dingtalk' as const,
    url: { env: 'DING_URL' },
    secret: { env: 'DING_SECRET' },
  };
  const problem = (env: NodeJS.ProcessEnv, ch: Parameters<typeof targetOf>[0] = channel) => {
    try {
      targetOf(ch, env);
    } catch (error) {
      expect(error).toBeInstanceOf(NotifyError);
      expect((error as NotifyError).retryable).toBe(false);
      return (error as Error).message;
    }
    throw new Error('no problem found');
  };

  it('is read into the URL and the secret', () => {
    const read = targetOf(channel, {
      DING_URL: `https://oapi.dingtalk.com/robot/send?access_token=${token}`,
      DING_SECRET: 'SECx',
    });
    expect(read).toMatchObject({ name: 'ops-ding', type: 'dingtalk', secret: 'SECx' });
    expect(read.url.searchParams.get('access_token')).toBe(token);
  });

  it('says which variable is missing or wrong, never its value', () => {
    expect(problem({})).toBe('notify channel ops-ding: DING_URL (its webhook URL) is not set on this worker');
    expect(problem({ DING_URL: `oapi.dingtalk.com/robot/send?access_token=${token}`, DING_SECRET: 's' })).toBe(
      "notify channel ops-ding: DING_URL does not hold a URL: copy the robot's whole webhook URL into it",
    );
    expect(problem({ DING_URL: `https://oapi.dingtalk.com/robot/send?token=${token}`, DING_SECRET: 's' })).toBe(
      'notify channel ops-ding: the URL in DING_URL has no access_token=… in its query: ' +
        "copy the robot's whole webhook URL",
    );
    expect(problem({ DING_URL: `https://oapi.dingtalk.com/robot/send?access_token=${token}` })).toBe(
      'notify channel ops-ding: DING_SECRET (its signing secret) is not set on this worker',
    );
    expect(problem({ WEBHOOK_SECRET: token }, { ...channel, url: { env: 'WEBHOOK_SECRET' } })).toBe(
      "notify channel ops-ding: WEBHOOK_SECRET is one of ZeroOps' own credentials: it is never sent to a chat robot",
    );
  });
});
