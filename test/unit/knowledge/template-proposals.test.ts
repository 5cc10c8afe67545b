/** Templates from experience: settings written by hand again and again, a template's tasks' own settings, SOPs. */
import { parse } from 'yaml';
import { checkAndPlan } from '../../../src/app/check-and-plan.js';
import { sopTemplate } from '../../../src/knowledge/sop-template.js';
import { templateProposals } from '../../../src/knowledge/template-proposals.js';
import { loadDocuments, type ManifestFile } from '../../../src/manifest/load.js';
import { templateRepoFiles } from '../../support/ops-repo.js';

let files: ManifestFile[];
beforeAll(async () => {
  files = await templateRepoFiles();
});

const restart = (name: string, extra = '') => ({
  path: `tasks/${name}.yaml`,
  text:
    `apiVersion: zeroops.dev/v1\nkind: Restart\nmetadata: { name: ${name}, service: checkout }\n` +
    `spec:\n  batchSize: 2\n  interval: 45s\n  reason: ${name}\n${extra}`,
});

async function passesChecks(path: string, text: string, context: ManifestFile[]) {
  const checked = await checkAndPlan({ files: [{ path, text }], context });
  return checked.diagnostics.filter((d) => d.severity === 'error');
}

describe('templateProposals', () => {
  it('proposes a template from three hand-written tasks sharing settings, never their reasons', async () => {
    const repo = [
      ...files.filter((f) => !f.path.startsWith('tasks/restart')),
      restart('r1'),
      restart('r2'),
      restart('r3'),
    ];
    const [proposal, ...more] = templateProposals(loadDocuments(repo), repo);
    expect(more).toEqual([]);
    expect(proposal).toMatchObject({ name: 'restart-checkout', version: 1, path: 'templates/restart-checkout.yaml' });
    expect(proposal!.why).toBe(
      '3 Restart tasks of checkout were written by hand with the same `batchSize`, `interval`',
    );
    expect(parse(proposal!.text).spec).toEqual({
      kind: 'Restart',
      versions: [{ version: 1, description: 'Learned from r1, r2, r3', defaults: { batchSize: 2, interval: '45s' } }],
    });
    expect(await passesChecks(proposal!.path, proposal!.text, repo)).toEqual([]);
  });

  it('needs three: two hand-written tasks are not yet a habit', () => {
    expect(templateProposals(loadDocuments([...files, restart('r1'), restart('r2')]), files)).toEqual([]);
  });

  it("proposes a template's next version with the gate its tasks keep adding themselves", async () => {
    const gate = '  template: rolling-restart@1\n  analysis: [{ metric: latency_p99, max: 500ms }]\n';
    const pinned = (n: string) => ({
      ...restart(n, gate),
      text: restart(n, gate).text.replace(/ {2}batchSize.*\n {2}interval.*\n/, ''),
    });
    const repo = [...files, pinned('p1'), pinned('p2'), pinned('p3')];
    const [proposal] = templateProposals(loadDocuments(repo), repo);
    expect(proposal).toMatchObject({ name: 'rolling-restart', version: 2, path: 'templates/rolling-restart.yaml' });
    expect(proposal!.why).toBe('3 tasks pinning rolling-restart@1 set the same `analysis` themselves');
    expect(proposal!.text).toContain('# yaml-language-server'); // the file is edited in place
    const versions = parse(proposal!.text).spec.versions;
    expect(versions[1]).toMatchObject({
      version: 2,
      defaults: { batchSize: 1, interval: '30s', analysis: [{ metric: 'latency_p99', max: '500ms' }] },
    });
    const context = repo.filter((f) => f.path !== proposal!.path);
    expect(await passesChecks(proposal!.path, proposal!.text, context)).toEqual([]);
  });
});

describe('sopTemplate', () => {
  const sop = `# Drain a datacenter

Kind: TrafficShift

## Steps
- Move the traffic in 4 steps
- Wait 5 minutes between steps

## Checks
- error_rate below 1%
- latency_p99 ≤ 500ms

## Approval
- 2 approvals, one of them a service owner

## Notes
- Tell the on-call channel first
`;

  it('reads the kind, steps, interval, checks and approval from headings and lists, and lists the rest', async () => {
    const reading = sopTemplate('sops/drain-datacenter.md', sop);
    expect(reading.unread).toEqual(['Tell the on-call channel first']);
    expect(parse(reading.proposal!.text)).toMatchObject({
      metadata: { name: 'drain-datacenter', description: 'Drain a datacenter' },
      spec: {
        kind: 'TrafficShift',
        versions: [
          {
            version: 1,
            defaults: {
              steps: 4,
              interval: '5m',
              approval: { required: 2, owners: true },
              analysis: [
                { metric: 'error_rate', max: '1%' },
                { metric: 'latency_p99', max: '500ms' },
              ],
            },
          },
        ],
      },
    });
    expect(await passesChecks(reading.proposal!.path, reading.proposal!.text, files)).toEqual([]);
  });

  it('reads a Chinese SOP, the kind from what it names', () => {
    const reading = sopTemplate(
      'sops/canary.md',
      '# 灰度发布\n\n## 步骤\n- 5%、20%、100% 三个阶段\n- 每步观察 10 分钟\n\n## 检查\n- error_rate 低于 2%\n',
    );
    expect(parse(reading.proposal!.text).spec).toMatchObject({
      kind: 'Rollout',
      versions: [
        {
          defaults: { steps: ['5%', '20%', '100%'], interval: '10m', analysis: [{ metric: 'error_rate', max: '2%' }] },
        },
      ],
    });
  });

  it('says what is missing instead of guessing', () => {
    expect(sopTemplate('sops/notes.md', '# Notes\n- be careful\n').problem).toMatch(/which kind of task is this SOP\?/);
    expect(sopTemplate('sops/restart.md', '# Restart\n- be careful\n').problem).toMatch(
      /no steps, interval, checks or approval/,
    );
  });
});
