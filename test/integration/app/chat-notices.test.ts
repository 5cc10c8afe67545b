/**
 * The use cases telling the chat, on the embedded store with a Notifier that records: incidents
 * opened and resolved once (whoever resolves them), each channel hearing what it asked for; a run's
 * final notice queued again until it was queued once; the chat never stopping the work.
 */
import { noticeIncidentOpened, noticeIncidentResolved } from '../../../src/app/notify-incidents.js';
import { NotifyingRunReporter } from '../../../src/app/notify-run.js';
import type { Notifier } from '../../../src/app/ports.js';
import type { IncidentFacts } from '../../../src/knowledge/incident-notices.js';
import type { NotifyChannel } from '../../../src/knowledge/notice.js';
import { aRun } from '../../support/builders.js';
import { embeddedStorePerTest, quietLog } from '../../support/embedded-store.js';

const storeOf = embeddedStorePerTest('chat-notices-');

function recording() {
  const told: { key: string; channels: string[] }[] = [];
  let down = false;
  const notifier: Notifier = {
    async notify(notice, channels) {
      if (down) throw new Error('Redis is unreachable');
      told.push({ key: notice.key, channels: channels.map((c) => c.name) });
    },
  };
  return { notifier, told, setDown: (value: boolean) => (down = value) };
}

const channels: NotifyChannel[] = [
  { name: 'everything', type: 'slack', url: { env: 'SLACK_WEBHOOK_URL' } },
  { name: 'worst-only', type: 'wecom', url: { env: 'WECOM_WEBHOOK_URL' }, severities: ['sev1'] },
  { name: 'payments', type: 'dingtalk', url: { env: 'DINGTALK_WEBHOOK_URL' }, services: ['payments'] },
];
const facts: IncidentFacts = {
  repo: { owner: 'acme', repo: 'ops' },
  issue: 41,
  service: 'checkout',
  env: 'production',
  severity: 'sev3',
  title: 'Goroutine leak in checkout',
  lines: ['a leak with no known limit'],
};

describe('incidents told to the chat', () => {
  it('reach the channels that asked for them, and are resolved once, whoever resolves them first', async () => {
    const { notifier, told } = recording();
    const deps = { notifier, store: storeOf(), log: quietLog };
    await noticeIncidentOpened(deps, facts, channels);
    await noticeIncidentResolved(deps, facts.repo, 41, 'Back to normal since 10:00.'); // the patrol
    await noticeIncidentResolved(deps, facts.repo, 41, 'The issue was closed by @bob.'); // then a person
    await noticeIncidentResolved(deps, facts.repo, 7, 'The issue was closed by @bob.'); // an issue never told
    expect(told).toEqual([
      { key: 'incident-opened/acme/ops#41', channels: ['everything'] },
      { key: 'incident-resolved/acme/ops#41', channels: ['everything'] },
    ]);
  });

  it('are told nothing without a notifier or channels, and a resolution not queued is tried again', async () => {
    const { notifier, told, setDown } = recording();
    const store = storeOf();
    expect(await noticeIncidentOpened({ store, log: quietLog }, facts, channels)).toBe(true);
    expect(await noticeIncidentOpened({ notifier, store, log: quietLog }, facts, [])).toBe(true);
    expect(told).toEqual([]);
    await noticeIncidentOpened({ notifier, store, log: quietLog }, facts, channels);
    setDown(true);
    const errors: string[] = [];
    const log = { ...quietLog, error: (_: object, message: string) => void errors.push(message) };
    await noticeIncidentResolved({ notifier, store, log }, facts.repo, 41, 'closed');
    expect(errors).toEqual(['notice not queued']);
    setDown(false);
    await noticeIncidentResolved({ notifier, store, log }, facts.repo, 41, 'closed');
    expect(told.map((t) => t.key)).toEqual(['incident-opened/acme/ops#41', 'incident-resolved/acme/ops#41']);
  });
});

describe('a run told to the chat', () => {
  const providers = { notify: { channels } };

  it('is told even when the forge reporter fails, and settles only once its final notice was queued', async () => {
    const { notifier, told, setDown } = recording();
    const store = storeOf();
    const forgeDown = {
      changed: async () => {
        throw new Error('GitHub answered 502');
      },
      settle: async () => true,
    };
    const reporter = new NotifyingRunReporter(forgeDown, { notifier, store, log: quietLog });
    const run = aRun({ id: 'run-a', status: 'running', providers });
    await expect(reporter.changed(run, [{ type: 'run-started', actor: 'zeroops', data: {} }])).rejects.toThrow(
      'GitHub answered 502',
    );
    // Severities are about incidents: a run's notices reach that channel too.
    expect(told).toEqual([{ key: 'run-a/run-started', channels: ['everything', 'worst-only'] }]);

    const done = { ...run, status: 'succeeded' as const };
    setDown(true);
    expect(await reporter.settle(done)).toBe(false); // the runner settles it again later
    setDown(false);
    expect(await reporter.settle(done)).toBe(true);
    expect(await reporter.settle(done)).toBe(true);
    expect(told.map((t) => t.key)).toEqual(['run-a/run-started', 'run-a/run-succeeded']);
  });

  it('leaves a run without channels, or not yet settled by the forge, as the forge reporter says', async () => {
    const { notifier, told } = recording();
    const store = storeOf();
    const notSettled = { changed: async () => {}, settle: async () => false };
    const done = aRun({ status: 'succeeded', providers });
    expect(await new NotifyingRunReporter(notSettled, { notifier, store, log: quietLog }).settle(done)).toBe(false);
    const settled = { changed: async () => {}, settle: async () => true };
    const quiet = aRun({ status: 'succeeded' });
    expect(await new NotifyingRunReporter(settled, { notifier, store, log: quietLog }).settle(quiet)).toBe(true);
    expect(told).toEqual([]);
  });
});
