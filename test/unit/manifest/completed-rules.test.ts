import { formatDiagnostic } from '../../../src/manifest/diagnostic.js';
import { checkAndPlan } from '../../../src/app/check-and-plan.js';
import { templateRepoFiles } from '../../support/ops-repo.js';

/** The restart task planned with its template edited: template values meet the same rules as the task's own. */
async function withTemplate(edit: (text: string) => string) {
  const files = (await templateRepoFiles()).map((f) =>
    f.path === 'templates/rolling-restart.yaml' ? { ...f, text: edit(f.text) } : f,
  );
  const task = files.find((f) => f.path === 'tasks/restart-checkout.yaml')!;
  const { plans, diagnostics } = await checkAndPlan({ files: [task], context: files.filter((f) => f !== task) });
  return { plans, findings: diagnostics.map(formatDiagnostic) };
}

describe('values a template fills in', () => {
  it("are held to the task's rules and reported on the template's line, naming both files", async () => {
    const { plans, findings } = await withTemplate((t) => t.replace('batchSize: 1', 'batchSize: 50'));
    expect(plans).toEqual([]);
    expect(findings).toEqual([
      'templates/rolling-restart.yaml:12:20 error spec.batchSize: a batch of 50 restarts all 6 instances at once: use at most 3 ' +
        '(the value comes from templates/rolling-restart.yaml, used by tasks/restart-checkout.yaml)',
    ]);
  });

  it("turn a template's metric typo into a finding, not an internal error", async () => {
    const { findings } = await withTemplate((t) => t.replace('metric: error_rate', 'metric: eror_rate'));
    expect(findings).toEqual([
      "templates/rolling-restart.yaml:15:23 error spec.analysis[0].metric: service 'checkout' has no metric 'eror_rate' (did you mean error_rate?) " +
        '(the value comes from templates/rolling-restart.yaml, used by tasks/restart-checkout.yaml)',
    ]);
  });

  it("are checked against the kind's schema too", async () => {
    const { findings } = await withTemplate((t) => t.replace('batchSize: 1', 'batchSize: many'));
    expect(findings).toEqual([
      'templates/rolling-restart.yaml:12:20 error spec.batchSize: expected an integer, got a string: instances restarted at once ' +
        '(the value comes from templates/rolling-restart.yaml, used by tasks/restart-checkout.yaml)',
    ]);
  });
});
