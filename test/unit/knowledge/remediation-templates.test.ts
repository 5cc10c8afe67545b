/** Templates from remediations that kept fixing a service's incidents. */
import { parse } from 'yaml';
import { checkAndPlan } from '../../../src/app/check-and-plan.js';
import { incidentRecordOf } from '../../../src/knowledge/incident-record.js';
import { remediationTemplateProposals } from '../../../src/knowledge/remediation-templates.js';
import { loadDocuments, type ManifestFile } from '../../../src/manifest/load.js';
import { aPatrolIncident, anIncident } from '../../support/incidents.js';
import { templateRepoFiles } from '../../support/ops-repo.js';

let files: ManifestFile[];
beforeAll(async () => {
  files = await templateRepoFiles();
});

const fixedBy = (n: number, option: string, fixed = true, service = 'checkout') =>
  incidentRecordOf(
    anIncident({
      id: `acme/ops#${n}`,
      issueNumber: n,
      patrol: aPatrolIncident({
        service,
        remediations: [{ option, by: 'zeroops', at: 't', status: 'succeeded', verdict: { fixed, text: '', at: 't' } }],
      }),
    }),
  );

describe('remediationTemplateProposals', () => {
  it('proposes how a remediation ran once it fixed two incidents of a service; the template passes', async () => {
    const [proposal, ...more] = remediationTemplateProposals(
      [fixedBy(3, 'drain-datacenter'), fixedBy(7, 'drain-datacenter'), fixedBy(9, 'drain-datacenter', false)],
      loadDocuments(files),
    );
    expect(more).toEqual([]);
    expect(proposal).toMatchObject({ name: 'drain-datacenter-checkout', version: 1 });
    expect(proposal!.why).toMatch(/^ZeroOps' drain-datacenter fixed 2 incidents of checkout \(#3, #7\)/);
    expect(parse(proposal!.text).spec).toEqual({
      kind: 'TrafficShift',
      versions: [{ version: 1, description: 'Fixed #3, #7', defaults: { steps: 2, interval: '30s' } }],
    });
    const checked = await checkAndPlan({ files: [{ path: proposal!.path, text: proposal!.text }], context: files });
    expect(checked.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('proposes nothing for one fix, fixes that did not work, other services, rollbacks, or a name the repo has', () => {
    const docs = loadDocuments(files);
    expect(remediationTemplateProposals([fixedBy(3, 'restart-instance')], docs)).toEqual([]);
    expect(
      remediationTemplateProposals([fixedBy(3, 'restart-instance'), fixedBy(4, 'restart-instance', false)], docs),
    ).toEqual([]);
    expect(
      remediationTemplateProposals(
        [fixedBy(3, 'restart-instance'), fixedBy(4, 'restart-instance', true, 'payments')],
        docs,
      ),
    ).toEqual([]);
    expect(remediationTemplateProposals([fixedBy(3, 'rollback-change'), fixedBy(4, 'rollback-change')], docs)).toEqual(
      [],
    );
    const named = loadDocuments([
      ...files,
      {
        path: 'templates/x.yaml',
        text: files
          .find((f) => f.path === 'templates/rolling-restart.yaml')!
          .text.replace('name: rolling-restart', 'name: restart-instance-checkout'),
      },
    ]);
    expect(
      remediationTemplateProposals([fixedBy(3, 'restart-instance'), fixedBy(4, 'restart-instance')], named),
    ).toEqual([]);
    expect(
      remediationTemplateProposals([fixedBy(3, 'restart-instance'), fixedBy(4, 'restart-instance')], docs),
    ).toHaveLength(1);
  });
});
