/** Incident records, similar incidents, and the knowledge report's figures and Markdown. */
import type { CaseRecord } from '../../../src/knowledge/case-record.js';
import { incidentRecordOf, similarIncidents } from '../../../src/knowledge/incident-record.js';
import { knowledgeReport, renderKnowledgeReport } from '../../../src/knowledge/knowledge-report.js';
import { aPatrolIncident, anIncident } from '../../support/incidents.js';

const leak = (n: number, fixed: boolean, resolvedMinutes?: number) =>
  incidentRecordOf(
    anIncident({
      id: `acme/ops#${n}`,
      issueNumber: n,
      patrol: aPatrolIncident({
        detectedAt: `2026-11-1${n}T00:00:00.000Z`,
        ...(resolvedMinutes
          ? { resolvedAt: `2026-11-1${n}T00:${String(resolvedMinutes).padStart(2, '0')}:00.000Z` }
          : {}),
        remediations: [
          {
            option: fixed ? 'rolling-restart' : 'scale-out',
            by: 'alice',
            at: 't',
            status: fixed ? 'succeeded' : 'failed',
            verdict: { fixed, text: '', at: 't' },
          },
        ],
      }),
    }),
  );

const aCase = (n: number, status: CaseRecord['status'], template?: string): CaseRecord => ({
  run: `r${n}`,
  repo: 'acme/ops',
  pullNumber: n,
  task: `t${n}`,
  kind: 'Rollout',
  service: 'checkout',
  env: 'production',
  status,
  breaches: [],
  startedBy: 'alice',
  startedAt: '2026-11-20T00:00:00Z',
  finishedAt: '2026-11-20T00:10:00Z',
  ...(template ? { template } : {}),
});

describe('incident records', () => {
  it('keeps the cause, the fixes with their verdicts and the time to recover', () => {
    expect(leak(1, true, 14)).toMatchObject({
      source: 'patrol',
      service: 'checkout',
      cause: 'goroutine-leak',
      recoverySeconds: 840,
      fixes: [{ option: 'rolling-restart', status: 'succeeded', fixed: true }],
    });
    expect(incidentRecordOf(anIncident({ patrol: undefined }))).toMatchObject({
      source: 'run',
      cause: 'run-failed',
      fixes: [],
    });
  });

  it('finds past incidents of the same service and cause, resolved ones first, never itself', () => {
    const records = [leak(1, true, 14), leak(2, false), leak(3, true, 20)];
    const other = { ...leak(4, true, 5), service: 'payments' };
    expect(similarIncidents(records[1]!, [...records, other]).map((r) => r.issueNumber)).toEqual([3, 1]);
  });
});

describe('knowledge report', () => {
  const period = { since: new Date('2026-11-01T00:00:00Z'), until: new Date('2026-12-01T00:00:00Z') };
  const report = knowledgeReport(
    [aCase(1, 'succeeded', 'canary@2'), aCase(2, 'rolled_back', 'canary@2'), aCase(3, 'failed', 'dc-failover@1')],
    [leak(1, true, 14), leak(2, false), leak(3, true, 20), { ...leak(4, true, 2), cause: 'bad-instance' }],
    period,
  );

  it('counts causes, remediation success and template failure, and the time to recover', () => {
    expect(report.causes).toEqual([
      { cause: 'goroutine-leak', incidents: 3 },
      { cause: 'bad-instance', incidents: 1 },
    ]);
    expect(report.remediations).toEqual([
      { option: 'rolling-restart', tried: 3, fixed: 3 },
      { option: 'scale-out', tried: 1, fixed: 0 },
    ]);
    expect(report.templates).toEqual([
      { template: 'dc-failover@1', runs: 1, failed: 1 },
      { template: 'canary@2', runs: 2, failed: 1 },
    ]);
    expect(report.recovery).toEqual({ resolved: 3, medianSeconds: 840, worstSeconds: 1200 });
  });

  it('leaves out what happened outside the period', () => {
    const later = knowledgeReport([aCase(1, 'succeeded')], [leak(1, true, 14)], {
      since: new Date('2026-11-21T00:00:00Z'),
      until: new Date('2026-12-01T00:00:00Z'),
    });
    expect(later.runs.total).toBe(0);
    expect(later.causes).toEqual([]);
  });

  it('renders tables and a bar chart of the causes', () => {
    const text = renderKnowledgeReport(report, 'acme/ops');
    expect(text).toContain('## ZeroOps knowledge report: acme/ops, 2026-11-01 to 2026-12-01');
    expect(text).toContain('time to recover: median 14m, worst 20m.');
    expect(text).toContain('| rolling-restart | 3 | 3 | 100% |');
    expect(text).toContain('| dc-failover@1 | 1 | 1 | 100% |');
    expect(text).toContain('  bar [3, 1]');
  });
});
