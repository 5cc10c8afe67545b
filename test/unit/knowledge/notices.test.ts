/**
 * What the chat is told, decided from a run's change and its events (and from incidents): which
 * notices, with which key, words and link — and which channel hears which notice. Plain data.
 */
import type { Evidence } from '../../../src/engine/run.js';
import type { NewEvent } from '../../../src/knowledge/event-chain.js';
import { incidentOpened, incidentResolved, type IncidentFacts } from '../../../src/knowledge/incident-notices.js';
import { channelsOf, concerns, noticeUrl, type NotifyChannel } from '../../../src/knowledge/notice.js';
import { finalNotice, runNotices } from '../../../src/knowledge/run-notices.js';
import { aPlan, aRun, aStep } from '../../support/builders.js';

const event = (type: string, data: Record<string, unknown> = {}): NewEvent => ({ type, actor: 'zeroops', data });
const breach: Evidence = {
  at: '2026-11-25T10:00:00.000Z',
  metric: 'error_rate',
  value: 0.123456,
  limit: '≤ 5%',
  verdict: 'breach',
};
const run = aRun({ id: 'run-7', pullNumber: 12, mergeSha: 'abcdef1234567', startedBy: 'alice' });

describe('notices of a run', () => {
  it('says a run started: task, service, pull request, merger, steps and risk', () => {
    const [notice, ...more] = runNotices({ ...run, status: 'running' }, [event('run-started', { locks: [] })]);
    expect(more).toEqual([]);
    expect(notice).toEqual({
      key: 'run-7/run-started',
      event: 'run-started',
      title: '▶️ Runbook task-1 started — checkout/production',
      lines: ['Merged by @alice in #12 (abcdef1): 2 step(s), low risk.'],
      repo: { owner: 'acme', repo: 'ops' },
      link: { kind: 'pull', number: 12 },
      service: 'checkout',
      env: 'production',
      tone: 'info',
    });
  });

  it('gives the evidence of a breached gate: metric, value and limit, keyed by step', () => {
    const rolling = { ...run, status: 'rolling_back' as const, reason: 'gate breached during two: …' };
    const notices = runNotices(rolling, [
      event('gate-breached', { step: 'two', evidence: [breach] }),
      event('rollback-started', { reason: rolling.reason, steps: 2 }),
    ]);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({
      key: 'run-7/step-breached/two',
      event: 'step-breached',
      title: '⚠️ task-1: a gate breached during two — checkout/production',
      lines: ['error_rate = 0.1235 (limit ≤ 5%)', 'Rolling back.'],
      tone: 'bad',
    });
  });

  it('says why a run rolled back or failed, and whether the rollback completed', () => {
    const reason = 'gate breached during two: error_rate = 0.1235 (limit ≤ 5%)';
    const undone = [
      { title: 'undo two', status: 'succeeded' as const },
      { title: 'undo one', status: 'succeeded' as const },
    ];
    const [rolledBack] = runNotices({ ...run, status: 'rolled_back', reason, undo: undone }, [
      event('undo-succeeded'),
      event('run-rolled-back', { undone: 2 }),
    ]);
    expect(rolledBack).toMatchObject({
      key: 'run-7/rolled-back',
      event: 'rolled-back',
      title: '↩️ Runbook task-1 rolled back — checkout/production',
      lines: [`Why: ${reason}`, '2 rollback step(s) succeeded: the system is as it was before the run.'],
    });
    const broken = [undone[0]!, { title: 'undo one', status: 'failed' as const, error: 'socket refused' }];
    const [failed] = runNotices({ ...run, status: 'failed', reason: 'rollback step "undo one" failed', undo: broken }, [
      event('run-failed'),
    ]);
    expect(failed).toMatchObject({
      key: 'run-7/run-failed',
      lines: ['Why: rollback step "undo one" failed', 'The rollback did not complete: check the system now.'],
      tone: 'bad',
    });
  });

  it('says a run succeeded or was aborted, and nothing for events between', () => {
    expect(runNotices({ ...run, status: 'succeeded' }, [event('step-succeeded'), event('run-succeeded')])).toEqual([
      expect.objectContaining({ key: 'run-7/run-succeeded', lines: ['All 2 step(s) succeeded.'], tone: 'good' }),
    ]);
    const aborted = { ...run, status: 'aborted' as const, reason: 'aborted by @bob; nothing was undone' };
    expect(runNotices(aborted, [event('run-aborted')]).map((n) => [n.key, n.lines])).toEqual([
      ['run-7/run-aborted', ['aborted by @bob; nothing was undone']],
    ]);
    const quiet = ['lock-queued', 'step-started', 'step-applied', 'step-holding', 'gates-passed', 'step-retry'];
    expect(
      runNotices(
        { ...run, status: 'running' },
        quiet.map((t) => event(t)),
      ),
    ).toEqual([]);
  });

  it('never carries a step output, and cuts a long reason', () => {
    const secretOutput = { token: 'xoxb-output-value' };
    const plan = aPlan([aStep('one')]);
    const long = `step one failed: ${'x'.repeat(1000)}`;
    const done = aRun({
      plan,
      status: 'rolled_back',
      reason: long,
      steps: [{ id: 'one', status: 'failed', attempts: 1, evidence: [], output: secretOutput }],
    });
    const [notice] = runNotices(done, [
      event('step-applied', { step: 'one', output: secretOutput }),
      event('run-rolled-back'),
    ]);
    expect(JSON.stringify(notice)).not.toContain('xoxb-output-value');
    expect(notice!.lines[0]!.length).toBeLessThanOrEqual(305);
    expect(notice!.lines[0]!.endsWith('…')).toBe(true);
  });

  it("gives a finished run's final notice again, by the same key, and none for a running one", () => {
    const done = { ...run, status: 'rolled_back' as const, reason: 'r' };
    expect(finalNotice(done)).toEqual(runNotices(done, [event('run-rolled-back')]));
    expect(finalNotice({ ...run, status: 'running' })).toEqual([]);
  });
});

describe('notices of incidents', () => {
  const facts: IncidentFacts = {
    repo: { owner: 'acme', repo: 'ops' },
    issue: 41,
    service: 'checkout',
    env: 'production',
    severity: 'sev2',
    title: 'Memory leak in checkout',
    lines: ['a leak that reaches the limit in 40 minutes'],
  };

  it('link to the issue, keyed by it, opened and resolved', () => {
    expect(incidentOpened(facts)).toEqual({
      key: 'incident-opened/acme/ops#41',
      event: 'incident-opened',
      title: '🚨 sev2 incident: Memory leak in checkout',
      lines: ['a leak that reaches the limit in 40 minutes'],
      repo: { owner: 'acme', repo: 'ops' },
      link: { kind: 'issue', number: 41 },
      service: 'checkout',
      env: 'production',
      severity: 'sev2',
      tone: 'bad',
    });
    expect(incidentResolved({ ...facts, title: '[resolved] Memory leak in checkout' }, 'closed by @bob')).toMatchObject(
      {
        key: 'incident-resolved/acme/ops#41',
        title: '✅ Resolved: Memory leak in checkout',
        lines: ['closed by @bob'],
      },
    );
  });
});

describe('which channel hears what', () => {
  const channel = (more: Partial<NotifyChannel> = {}): NotifyChannel => ({
    name: 'ops',
    type: 'slack',
    url: { env: 'SLACK_WEBHOOK_URL' },
    ...more,
  });
  const started = runNotices({ ...run, status: 'running' }, [event('run-started')])[0]!;
  const sev3 = incidentOpened({
    repo: run.repo,
    issue: 3,
    service: 'checkout',
    severity: 'sev3',
    title: 't',
    lines: [],
  });

  it('every notice by default; only the events, services and severities a channel lists', () => {
    expect(concerns(channel(), started)).toBe(true);
    expect(concerns(channel({ events: ['rolled-back'] }), started)).toBe(false);
    expect(concerns(channel({ services: ['payments'] }), started)).toBe(false);
    expect(concerns(channel({ services: ['checkout'] }), started)).toBe(true);
    expect(concerns(channel({ severities: ['sev1', 'sev2'] }), sev3)).toBe(false);
    expect(concerns(channel({ severities: ['sev3'] }), sev3)).toBe(true);
    // Severities are about incidents: a run's notices pass.
    expect(concerns(channel({ severities: ['sev1'] }), started)).toBe(true);
  });

  it("reads a run's channels from its providers, and none when it has none", () => {
    expect(channelsOf({ notify: { channels: [channel()] } })).toEqual([channel()]);
    expect(channelsOf({ prometheus: { url: 'http://p' } })).toEqual([]);
    expect(channelsOf(undefined)).toEqual([]);
  });

  it('links to github.com or a GitHub Enterprise Server', () => {
    expect(noticeUrl(started, 'https://github.com')).toBe('https://github.com/acme/ops/pull/12');
    expect(noticeUrl(sev3, 'https://ghe.example.com/')).toBe('https://ghe.example.com/acme/ops/issues/3');
  });
});
