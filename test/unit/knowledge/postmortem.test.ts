/** Postmortem drafts: the SRE template in order, from the incident's record only; no recorded text breaks a table. */
import { jest } from '@jest/globals';
import { draftPostmortem, type PostmortemInput } from '../../../src/knowledge/postmortem.js';
import { durationWords } from '../../../src/knowledge/postmortem/time.js';

function anIncident(overrides: Partial<PostmortemInput> = {}): PostmortemInput {
  return {
    repo: 'acme/ops',
    issueNumber: 42,
    title: 'Incident: goroutine leak in checkout v1.3 — checkout/prod',
    service: 'checkout',
    env: 'prod',
    cause: {
      class: 'goroutine-leak',
      title: 'Goroutine leak in checkout.(*Cart).watch',
      summary: 'every request starts a watcher goroutine that never ends',
      evidence: ['go_goroutines grows by 40/s on v1.3 instances only', 'stack diff: checkout.(*Cart).watch +12,000'],
      ruledOut: ['load: QPS is flat'],
    },
    trigger: { description: 'release v1.3 rolled out', runId: 'run-7', pullNumber: 17, at: '2024-05-01T11:50:00Z' },
    severity: 'sev3',
    detection: { how: 'patrol', at: '2024-05-01T12:04:00Z', inspection: 'goroutine-growth' },
    impact: {
      startedAt: '2024-05-01T12:00:00Z',
      resolvedAt: '2024-05-01T12:41:00Z',
      summary: 'p99 latency of checkout rose to 2 s',
      affected: ['checkout API'],
    },
    resolution: {
      actions: [{ at: '2024-05-01T12:20:00Z', what: 'rolling restart of v1.3', by: 'zeroops', outcome: 'succeeded' }],
      verified: 'goroutines flat 10 minutes later',
    },
    timeline: [
      { at: '2024-05-01T12:04:00Z', what: 'incident opened', by: 'zeroops' },
      { at: '2024-05-01T11:50:00Z', what: 'v1.3 rolled out', by: 'alice' },
      { at: '2024-05-01T12:20:00Z', what: 'rolling restart started' },
    ],
    closedAt: '2024-05-01T13:00:00Z',
    closedBy: 'alice',
    ...overrides,
  };
}

/** The section of a draft under `## heading`, up to the next one. */
function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`no section ${heading}`);
  const end = markdown.indexOf('\n## ', start + 1);
  return markdown.slice(start, end < 0 ? undefined : end);
}

/** The rows of the first table in some Markdown, each as its cells (split on unescaped pipes). */
function tableRows(markdown: string): string[][] {
  const lines = markdown.split('\n');
  const first = lines.findIndex((l) => l.startsWith('|'));
  const rows = lines.slice(first).filter((l, i, all) => all.slice(0, i + 1).every((x) => x.startsWith('|')));
  return rows.map((row) => row.split(/(?<!\\)\|/).slice(1, -1));
}

describe('draftPostmortem', () => {
  it('names the file after the UTC date the impact began and the title as a slug', () => {
    const draft = draftPostmortem(
      anIncident({ impact: { ...anIncident().impact, startedAt: '2024-05-01T23:30:00-02:00' } }),
    );
    expect(draft.path).toBe('postmortems/2024-05-02-incident-goroutine-leak-in-checkout-v1-3-checkout-prod.md');
    expect(draft.prTitle).toBe('Postmortem: Incident: goroutine leak in checkout v1.3 — checkout/prod');
  });

  it('keeps a long slug to 60 characters, cut between words', () => {
    const title = 'Élan: checkout `fails` in every datacenter at once | during the summer sale, again';
    const { path } = draftPostmortem(anIncident({ title }));
    expect(path).toBe('postmortems/2024-05-01-elan-checkout-fails-in-every-datacenter-at-once-during-the.md');
    expect(path.slice('postmortems/2024-05-01-'.length, -3).length).toBeLessThanOrEqual(60);
  });

  it('has every section of the SRE template, in order, after the title block', () => {
    const { markdown } = draftPostmortem(anIncident());
    expect(markdown.split('\n').filter((l) => l.startsWith('## '))).toEqual([
      '## Summary',
      '## Impact',
      '## Root cause',
      '## Trigger',
      '## Detection',
      '## Resolution',
      '## Action items',
      '## Lessons learned',
      '## Timeline',
      '## Supporting information',
    ]);
    expect(markdown).toMatch(/^# Postmortem: Incident: goroutine leak/);
    expect(markdown).toContain('**Authors:** drafted by ZeroOps from incident #42; edit me');
    expect(markdown).toContain('**Status:** draft');
    expect(markdown.split('\n').filter((l) => l.startsWith('### '))).toEqual([
      '### What went well',
      '### What went wrong',
      '### Where we got lucky',
      '### Evidence',
      '### Ruled out',
      '### Links',
    ]);
  });

  it('gives durations in words: impact, time to detect and time to mitigate', () => {
    const { markdown } = draftPostmortem(anIncident());
    expect(section(markdown, 'Impact')).toContain('**Duration:** 41 minutes');
    expect(section(markdown, 'Summary')).toContain('was affected for 41 minutes (sev3)');
    expect(section(markdown, 'Detection')).toContain('**Time to detect:** 4 minutes after the impact began');
    expect(section(markdown, 'Resolution')).toContain(
      '**Time to mitigate:** 41 minutes from the start of the impact, 37 minutes after detection',
    );
    const early = draftPostmortem(anIncident({ detection: { how: 'patrol', at: '2024-05-01T11:55:00Z' } }));
    expect(section(early.markdown, 'Detection')).toContain('detected 5 minutes before the impact began');
    const open = draftPostmortem(anIncident({ impact: { ...anIncident().impact, resolvedAt: undefined } }));
    expect(section(open.markdown, 'Impact')).toContain('**Duration:** an unrecorded time');
  });

  it.each([
    [0, '0 seconds'],
    [45_000, '45 seconds'],
    [200_000, '3 minutes 20 seconds'],
    [41 * 60_000 + 12_000, '41 minutes'],
    [60 * 60_000, '1 hour'],
    [65 * 60_000 + 30_000, '1 hour 5 minutes'],
    [26 * 3_600_000, '1 day 2 hours'],
  ])('says %d ms as "%s"', (ms, words) => {
    expect(durationWords(ms)).toBe(words);
  });

  it('escapes recorded text: a | or a backtick in a title, evidence or the timeline cannot break a table', () => {
    const nasty = 'a | b `c` d\nnext line ``e|f``';
    const { markdown } = draftPostmortem(
      anIncident({
        title: `Leak | in \`pkg.(*T).Run\` ${nasty}`,
        cause: {
          ...anIncident().cause,
          title: 'Goroutine leak in pkg.(*T).Run|x`',
          evidence: [`http_errors_total|5xx ${nasty}`],
        },
        resolution: { actions: [{ at: '2024-05-01T12:20:00Z', what: nasty, by: 'x|y', outcome: nasty }] },
        timeline: [{ at: '2024-05-01T12:04:00Z', what: nasty, by: '`|`' }],
      }),
    );
    for (const heading of ['Resolution', 'Action items', 'Timeline']) {
      const rows = tableRows(section(markdown, heading));
      expect(rows.length).toBeGreaterThan(2);
      for (const row of rows) expect(row).toHaveLength(rows[0]!.length);
    }
    const timeline = tableRows(section(markdown, 'Timeline'));
    expect(timeline[2]![1]).toBe(' a \\| b `c` d next line ``e\\|f`` ');
    expect(section(markdown, 'Action items')).toContain('Fix the leak in `pkg.(*T).Run`');
  });

  it('derives the action items from the class of the cause', () => {
    const items = (cause: Partial<PostmortemInput['cause']>) =>
      tableRows(
        section(draftPostmortem(anIncident({ cause: { ...anIncident().cause, ...cause } })).markdown, 'Action items'),
      )
        .slice(2)
        .map((row) => row.map((c) => c.trim()));
    const leak = items({});
    expect(leak).toContainEqual(['Fix the leak in `checkout.(*Cart).watch`', 'prevent', '@service owners', '—']);
    expect(leak.map((r) => r[0])).toEqual(
      expect.arrayContaining([
        expect.stringContaining('goroutine-count alert'),
        'Add a test that the goroutines `checkout.(*Cart).watch` starts end when it returns',
      ]),
    );
    const release = items({
      class: 'release-regression',
      title: 'v1.4 raised errors',
      evidence: ['http_request_errors_ratio rose from 0.1% to 4% on v1.4 only'],
    });
    expect(release[0]).toEqual([
      'Add a canary gate on the breached metric (`http_request_errors_ratio`) to the rollout',
      'detect',
      '@service owners',
      '—',
    ]);
    const unknown = items({ class: 'unknown', title: 'Errors rose', evidence: [] });
    expect(unknown.map((r) => r[0])).toContain('Find the root cause: reproduce the incident from the evidence below');
    expect(new Set([leak, release, unknown].map((x) => JSON.stringify(x))).size).toBe(3);
    for (const row of [...leak, ...release, ...unknown]) expect(['prevent', 'mitigate', 'detect']).toContain(row[1]);
  });

  it('puts every timeline entry in the timeline table, in time order, in UTC', () => {
    const timeline = [
      { at: '2024-05-01T12:20:00Z', what: 'rolling restart started' },
      { at: '2024-05-01T13:50:00+02:00', what: 'v1.3 rolled out', by: 'alice' },
      { at: '2024-05-01T12:04:00Z', what: 'incident opened', by: 'zeroops' },
      { at: '2024-05-01T12:04:00Z', what: 'issue labelled', by: 'zeroops' },
    ];
    const rows = tableRows(section(draftPostmortem(anIncident({ timeline })).markdown, 'Timeline'));
    expect(rows.slice(2).map((r) => r.map((c) => c.trim()))).toEqual([
      ['2024-05-01 11:50:00', 'v1.3 rolled out', 'alice'],
      ['2024-05-01 12:04:00', 'incident opened', 'zeroops'],
      ['2024-05-01 12:04:00', 'issue labelled', 'zeroops'],
      ['2024-05-01 12:20:00', 'rolling restart started', '—'],
    ]);
  });

  it('draws lessons from the facts: detected before any page, remediation verified, what failed', () => {
    const paged = anIncident({
      timeline: [{ at: '2024-05-01T12:10:00Z', what: 'on-call paged' }],
      resolution: {
        actions: [
          { at: '2024-05-01T12:15:00Z', what: 'scale out', by: 'zeroops', outcome: 'no effect' },
          { at: '2024-05-01T12:20:00Z', what: 'rolling restart', by: 'zeroops', outcome: 'succeeded' },
        ],
      },
    });
    const lessons = section(draftPostmortem(paged).markdown, 'Lessons learned');
    expect(lessons).toContain('It was detected by its `goroutine-growth` inspection before any page.');
    expect(lessons).toContain('1 of 2 remediation action(s) worked.');
    expect(lessons).toContain('scale out did not work: no effect.');
    expect(lessons).toContain('Nothing verified the remediation after it ran.');
    const verified = section(draftPostmortem(anIncident()).markdown, 'Lessons learned');
    expect(verified).toContain('The remediation was verified: goroutines flat 10 minutes later.');
    expect(verified).toContain('no page appears in the timeline');
  });

  it('links the incident and says in the pull request what to do with the draft', () => {
    const draft = draftPostmortem(anIncident());
    expect(section(draft.markdown, 'Supporting information')).toContain('[Incident #42](../../../issues/42)');
    expect(draft.prBody).toContain('#42, closed by @alice at 2024-05-01 13:00:00 UTC');
    expect(draft.prBody).toContain(draft.path);
  });

  it('is deterministic: the same record gives the same draft whatever the clock says', () => {
    jest.useFakeTimers();
    try {
      jest.setSystemTime(new Date('2030-01-01T00:00:00Z'));
      const first = draftPostmortem(anIncident());
      jest.setSystemTime(new Date('2031-06-15T08:00:00Z'));
      expect(draftPostmortem(anIncident())).toEqual(first);
    } finally {
      jest.useRealTimers();
    }
  });
});
