/** Questions over the case library: the period, runs or incidents, the outcome and the terms. */
import type { CaseRecord } from '../../../src/knowledge/case-record.js';
import { answer, parseQuestion, renderAnswer } from '../../../src/knowledge/ask-records.js';
import { incidentRecordOf } from '../../../src/knowledge/incident-record.js';
import { aPatrolIncident, anIncident } from '../../support/incidents.js';

const day = 86_400;

describe('parseQuestion', () => {
  it.each([
    [
      'which tasks hit Redis errors in the last three months?',
      { sinceSeconds: 90 * day, about: 'runs', terms: ['redis', 'errors'] },
    ],
    [
      'incidents in the past 2 weeks with goroutine leaks',
      { sinceSeconds: 14 * day, about: 'incidents', terms: ['goroutine', 'leaks'] },
    ],
    ['最近两周有哪些回滚的任务？', { sinceSeconds: 14 * day, about: 'runs', status: 'rolled_back', terms: [] }],
    ['最近三个月 redis 超时的故障', { sinceSeconds: 90 * day, about: 'incidents', terms: ['redis', 'timeout'] }],
    ['最近十二个月有哪些失败的发布', { sinceSeconds: 360 * day, about: 'runs', status: 'failed', terms: [] }],
    [
      'rolled back in the past couple of weeks',
      { sinceSeconds: 14 * day, about: 'both', status: 'rolled_back', terms: [] },
    ],
    ['最近半年的故障', { sinceSeconds: 180 * day, about: 'incidents', terms: [] }],
    ['what failed on checkout?', { sinceSeconds: 90 * day, about: 'both', status: 'failed', terms: ['checkout'] }],
  ])('%s', (text, question) => {
    expect(parseQuestion(text)).toEqual(question);
  });
});

describe('answer', () => {
  const now = new Date('2026-12-03T00:00:00Z');
  const run = (
    n: number,
    finishedAt: string,
    reason?: string,
    status: CaseRecord['status'] = 'failed',
  ): CaseRecord => ({
    run: `r${n}`,
    repo: 'acme/ops',
    pullNumber: n,
    task: `job-${n}`,
    kind: 'Runbook',
    service: 'checkout',
    env: 'production',
    status,
    ...(reason ? { reason } : {}),
    breaches: [],
    startedBy: 'alice',
    startedAt: finishedAt,
    finishedAt,
  });
  const cases = [
    run(1, '2026-11-20T00:00:00Z', 'step flush: Redis errors: READONLY You can’t write against a read only replica'),
    run(2, '2026-06-01T00:00:00Z', 'Redis errors again'),
    run(3, '2026-11-21T00:00:00Z', 'exit code 2'),
  ];
  const leak = incidentRecordOf(anIncident({ patrol: aPatrolIncident({ detectedAt: '2026-11-25T00:00:00.000Z' }) }));

  it('finds the runs whose records hold every term, within the period, with links', () => {
    const found = answer(parseQuestion('which tasks hit Redis errors in the last three months?'), cases, [leak], now);
    expect(found.runs.map((r) => r.pullNumber)).toEqual([1]);
    expect(found.incidents).toEqual([]);
    const text = renderAnswer(found);
    expect(text).toContain('1 run(s) and 0 incident(s) mentioning “redis” and “errors” since 2026-09-04:');
    expect(text).toContain('| #1 | `job-1` (Runbook, checkout) | failed 2026-11-20 |');
  });

  it('finds incidents by their cause and fixes, and says plainly when nothing matches', () => {
    expect(answer(parseQuestion('goroutine leaks last month'), cases, [leak], now).incidents).toHaveLength(1);
    expect(renderAnswer(answer(parseQuestion('which tasks hit kafka lag?'), cases, [leak], now))).toBe(
      '0 run(s) and 0 incident(s) mentioning “kafka” and “lag” since 2026-09-04.',
    );
  });
});
