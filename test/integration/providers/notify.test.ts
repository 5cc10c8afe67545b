/**
 * ChatOps notices reaching real HTTP robots (doubles of Slack, WeCom and DingTalk on 127.0.0.1 that
 * check the documented payloads, paths, tokens and DingTalk's signature): a run driven through the
 * engine to rolled back tells all three, each message linking to its pull request; a robot that is
 * briefly down or rate-limited still gets the message; one that refuses it, or a channel whose
 * variables are wrong, gives a clear error without the token in it.
 */
import { NotifyingRunReporter } from '../../../src/app/notify-run.js';
import { incidentClosed } from '../../../src/app/incident-closed.js';
import type { Notifier } from '../../../src/app/ports.js';
import { ForgeRunReporter } from '../../../src/app/report-run.js';
import { advanceRun, type RunnerDeps } from '../../../src/engine/runner.js';
import { MetricsGateJudge } from '../../../src/observe/gate-checker.js';
import type { Gate } from '../../../src/plan/types.js';
import { sendNotice, type SendOptions } from '../../../src/providers/notify/send-notice.js';
import { NotifyError } from '../../../src/providers/notify/target.js';
import { aPlan, aRun, aStep } from '../../support/builders.js';
import { aRollbackNotice, startChatRobots, type ChatRobots } from '../../support/chat-robots.js';
import { embeddedStorePerTest, quietLog } from '../../support/embedded-store.js';
import { FakeForge } from '../../support/fake-forge.js';

const storeOf = embeddedStorePerTest('notify-');
let robots: ChatRobots;
beforeEach(async () => {
  robots = await startChatRobots();
});
afterEach(() => robots.close());

const noWait = async () => {};
const options = (more: Partial<SendOptions> = {}): SendOptions => ({
  env: robots.env,
  webUrl: 'https://github.com',
  sleep: noWait,
  ...more,
});

/** Sends at once, as the queue's worker would; by key and channel, a repeat is sent once (the queue's job id). */
function sendingNow(send: SendOptions) {
  const sent = new Set<string>();
  const asked: string[] = [];
  const notifier: Notifier = {
    async notify(notice, channels) {
      asked.push(notice.key);
      for (const channel of channels) {
        if (sent.has(`${notice.key} ${channel.name}`)) continue;
        await sendNotice({ notice, channel }, send);
        sent.add(`${notice.key} ${channel.name}`);
      }
    },
  };
  return { notifier, asked };
}

const errorRate: Gate = {
  metric: 'error_rate',
  query: 'sum(rate(errors[1m])) / sum(rate(requests[1m]))',
  unit: 'ratio',
  max: 0.05,
  phase: 'during',
  display: 'error_rate ≤ 5%',
};

describe('a run that rolls back', () => {
  it('tells all three robots: started, breached, rolled back, incident opened; linking the PR and issue', async () => {
    const store = storeOf();
    const forge = new FakeForge();
    const { notifier, asked } = sendingNow(options());
    const reporter = new NotifyingRunReporter(new ForgeRunReporter(async () => forge, store, quietLog, 0), {
      notifier,
      store,
      log: quietLog,
    });
    const deps: RunnerDeps = {
      store,
      effects: { apply: async () => ({}) },
      // The real gate judge on a metrics source that sees 12% errors after step two.
      gates: new MetricsGateJudge({ instant: async () => [{ labels: {}, value: 0.12 }], range: async () => [] }),
      scheduler: { later: async () => {} },
      reporter,
      clock: () => new Date(),
      log: quietLog,
      gateCheckSeconds: 1,
      lockPollSeconds: 1,
    };
    const plan = aPlan([aStep('one'), aStep('two', { gates: [errorRate], waitSeconds: 0 })]);
    const { run } = await store.createRun(
      aRun({ plan, pullNumber: 12, providers: { notify: { channels: robots.channels } } }),
    );

    await advanceRun(deps, run.id);

    expect((await store.run(run.id))!.status).toBe('rolled_back');
    const issue = forge.issues[0]!.number;
    const pull = 'https://github.com/acme/ops/pull/12';
    for (const robot of [robots.slack, robots.wecom, robots.dingtalk]) {
      const texts = robot.received.map((r) => r.text);
      expect(texts).toHaveLength(4);
      expect(texts[0]).toMatch(/Runbook task-1 started — checkout\/production/);
      expect(texts[1]).toMatch(/a gate breached during two/);
      expect(texts[1]).toContain('error_rate = 0.12 (limit ≤ 5%)');
      expect(texts[2]).toMatch(/Runbook task-1 rolled back/);
      expect(texts[2]).toContain('Why: gate breached during two: error_rate = 0.12 (limit ≤ 5%)');
      for (const text of texts.slice(0, 3)) expect(text).toContain(pull);
      expect(texts[3]).toMatch(/sev3 incident: Runbook task-1 rolled back/);
      expect(texts[3]).toContain(`https://github.com/acme/ops/issues/${issue}`);
    }
    // The final notice is queued again when the run settles; by its key it is one message.
    expect(asked.filter((key) => key === `${run.id}/rolled-back`)).toHaveLength(2);

    // Settled again later (a worker took the run over): nothing more is sent.
    await advanceRun(deps, run.id);
    expect(robots.slack.received).toHaveLength(4);

    // The issue is closed: the same robots hear the incident is resolved.
    await incidentClosed({ forge, store, clock: () => new Date(), log: quietLog, notifier }, run.repo, issue, 'bob');
    for (const robot of [robots.slack, robots.wecom, robots.dingtalk]) {
      expect(robot.received).toHaveLength(5);
      expect(robot.received[4]!.text).toMatch(/Resolved: Runbook task-1 rolled back[\s\S]*closed by @bob/);
    }
    const everything = JSON.stringify(
      [robots.slack, robots.wecom, robots.dingtalk].map((r) => r.received.map((m) => m.body)),
    );
    for (const token of robots.tokens) expect(everything).not.toContain(token);
  });
});

const notice = aRollbackNotice({
  lines: ['Why: step two failed: curl https://ci/hook?token=abc123 said hunter2-value'],
  link: { kind: 'pull', number: 3 },
});
const slackChannel = () => robots.channels[0]!;
const wecomChannel = () => robots.channels[1]!;
const dingChannel = () => robots.channels[2]!;

describe('a robot briefly away', () => {
  it('still gets the message after two 503s, two rate limits (45009), or "too fast" and a 502', async () => {
    robots.slack.script.push({ status: 503, body: 'upstream down' }, { status: 503, body: 'upstream down' });
    const limited = { status: 200, body: '{"errcode":45009,"errmsg":"api freq out of limit"}' };
    robots.wecom.script.push(limited, limited);
    robots.dingtalk.script.push(
      { status: 200, body: '{"errcode":130101,"errmsg":"send too fast, exceed 20 times per minute"}' },
      { status: 502, body: 'Bad Gateway' },
    );
    const waits: number[] = [];
    const send = options({ sleep: async (ms) => void waits.push(ms) });
    for (const channel of [slackChannel(), wecomChannel(), dingChannel()])
      expect(await sendNotice({ notice, channel }, send)).toEqual({ attempts: 3 });
    for (const robot of [robots.slack, robots.wecom, robots.dingtalk]) {
      expect(robot.requests).toBe(3);
      expect(robot.received).toHaveLength(1);
      expect(robot.received[0]!.text).toContain('https://github.com/acme/ops/pull/3');
    }
    expect(waits).toEqual([500, 1000, 500, 1000, 500, 1000]); // backing off
  });

  it("heeds a 429's Retry-After, and leaves it to the queue to try later when the robot stays down", async () => {
    robots.slack.script.push({ status: 429, body: 'rate_limited', headers: { 'retry-after': '2' } });
    const waits: number[] = [];
    await sendNotice({ notice, channel: slackChannel() }, options({ sleep: async (ms) => void waits.push(ms) }));
    expect(waits).toEqual([2000]);
    expect(robots.slack.received).toHaveLength(1);
    robots.slack.script.push(...Array.from({ length: 3 }, () => ({ status: 503, body: '' })));
    const error = await sendNotice({ notice, channel: slackChannel() }, options()).catch((e: NotifyError) => e);
    expect(error).toBeInstanceOf(NotifyError);
    expect((error as NotifyError).retryable).toBe(true);
    expect((error as Error).message).toMatch(
      /^notify channel ops-slack \(slack robot at 127\.0\.0\.1:\d+\): HTTP 503$/,
    );
  });

  it('never carries a secret this worker knows, nor anything shaped like a token', async () => {
    await sendNotice({ notice, channel: wecomChannel() }, options({ secrets: ['hunter2-value'] }));
    const text = robots.wecom.received[0]!.text;
    expect(text).toContain('Why: step two failed: curl https://ci/hook?token=[redacted] said [redacted]');
    expect(text).not.toContain('hunter2-value');
  });
});

describe('a channel that cannot work', () => {
  const failure = async (send: Promise<unknown>) => {
    const error = await send.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotifyError);
    const message = (error as Error).message;
    for (const token of robots.tokens) expect(message).not.toContain(token);
    return { message, retryable: (error as NotifyError).retryable };
  };

  it('is refused for good (wrong secret, stale clock, wrong token): asked once, token never said', async () => {
    const wrongSecret = options({ env: { ...robots.env, TEST_DINGTALK_SECRET: 'SECnotTheRobotsSecret' } });
    expect(await failure(sendNotice({ notice, channel: dingChannel() }, wrongSecret))).toEqual({
      message: expect.stringMatching(
        /^notify channel ops-dingtalk \(dingtalk robot at 127\.0\.0\.1:\d+\): errcode 310000: sign not match$/,
      ),
      retryable: false,
    });
    const stale = options({ clock: () => new Date(Date.now() - 2 * 3_600_000) });
    expect((await failure(sendNotice({ notice, channel: dingChannel() }, stale))).message).toMatch(
      /errcode 310000: invalid timestamp$/,
    );
    expect(robots.dingtalk.requests).toBe(2);
    const wrongToken = options({ env: { ...robots.env, TEST_SLACK_URL: `${robots.env.TEST_SLACK_URL}x` } });
    expect(await failure(sendNotice({ notice, channel: slackChannel() }, wrongToken))).toEqual({
      message: expect.stringMatching(/: HTTP 404 no_service$/),
      retryable: false,
    });
    const wrongKey = options({ env: { ...robots.env, TEST_WECOM_URL: `${robots.env.TEST_WECOM_URL}0` } });
    expect((await failure(sendNotice({ notice, channel: wecomChannel() }, wrongKey))).message).toMatch(
      /errcode 93000: invalid webhook url/,
    );
    expect(robots.slack.received.length + robots.wecom.received.length + robots.dingtalk.received.length).toBe(0);
  });

  it('says which variable is wrong, not what it holds; an unreachable robot is worth another try', async () => {
    const env = { ...robots.env, TEST_WECOM_URL: robots.env.TEST_WECOM_URL!.replace('http://', '') };
    expect(await failure(sendNotice({ notice, channel: wecomChannel() }, options({ env })))).toEqual({
      message:
        "notify channel ops-wecom: TEST_WECOM_URL does not hold a URL: copy the robot's whole webhook URL into it",
      retryable: false,
    });
    const { TEST_DINGTALK_SECRET: _unset, ...withoutSecret } = robots.env;
    expect(
      (await failure(sendNotice({ notice, channel: dingChannel() }, options({ env: withoutSecret })))).message,
    ).toBe('notify channel ops-dingtalk: TEST_DINGTALK_SECRET (its signing secret) is not set on this worker');
    await robots.close();
    expect(await failure(sendNotice({ notice, channel: slackChannel() }, options()))).toEqual({
      message: expect.stringMatching(
        /^notify channel ops-slack \(slack robot at 127\.0\.0\.1:\d+\): unreachable: ECONNREFUSED$/,
      ),
      retryable: true,
    });
    robots = await startChatRobots(); // closed again after the test
  });
});
