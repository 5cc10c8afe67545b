/** The failover written down as a template: new, a new version when it gates differently, or nothing. */
import { failoverTemplate } from '../../../src/knowledge/failover-template.js';
import type { FailoverEpisode } from '../../../src/knowledge/render-failover-incident.js';
import { parse } from 'yaml';

const episode: FailoverEpisode = {
  service: 'checkout',
  dc: 'dc-a',
  openedAt: Date.parse('2026-12-03T10:00:00Z'),
  records: [],
  curve: [],
  keep: 1,
  resolvedAt: Date.parse('2026-12-03T10:20:00Z'),
};
const learned = {
  steps: 4,
  intervalSeconds: 30,
  analysis: [
    { metric: 'latency_p99', max: '122ms' },
    { metric: 'error_rate', max: '0.5%' },
  ],
};

describe('the failover template', () => {
  it('is a new template when the team has none', () => {
    const proposal = failoverTemplate(learned, episode)!;
    expect(proposal.version).toBe(1);
    expect(proposal.why).toBe(
      'no template for this yet; written from the warm-up of dc-a after the failover of 2026-12-03',
    );
    expect(parse(proposal.text).spec).toEqual({
      kind: 'TrafficShift',
      versions: [{ version: 1, defaults: { steps: 4, interval: '30s', analysis: learned.analysis } }],
    });
  });

  it('adds a version when the latest gates differently, keeping the earlier ones and the comments', () => {
    const existing = `# our SOP
apiVersion: zeroops.dev/v1
kind: Template
metadata: { name: dc-latency-failover }
spec:
  kind: TrafficShift
  versions:
    - version: 1
      defaults: { steps: 2, interval: 1m, analysis: [{ metric: latency_p99, max: 500ms }] }
`;
    const proposal = failoverTemplate(learned, episode, existing)!;
    expect(proposal.version).toBe(2);
    expect(proposal.text.startsWith('# our SOP\n')).toBe(true);
    const versions = parse(proposal.text).spec.versions;
    expect(versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    expect(versions[1].defaults.analysis).toEqual(learned.analysis);
  });

  it('proposes nothing when the latest version already says this', () => {
    const first = failoverTemplate(learned, episode)!;
    expect(failoverTemplate(learned, episode, first.text)).toBeUndefined();
  });
});
