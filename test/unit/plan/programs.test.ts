import { formatDiagnostic } from '../../../src/manifest/diagnostic.js';
import { checkAndPlan } from '../../../src/app/check-and-plan.js';
import { templateRepoFiles } from '../../support/ops-repo.js';

async function planRestart(edit: (service: string) => string, scripts?: Map<string, string>) {
  const files = (await templateRepoFiles()).map((f) =>
    f.path === 'services/checkout.yaml' ? { ...f, text: edit(f.text) } : f,
  );
  const task = files.find((f) => f.path === 'tasks/restart-checkout.yaml')!;
  return checkAndPlan({ files: [task], context: files.filter((f) => f !== task), scripts });
}

describe('what a plan may run', () => {
  it('refuses a task whose service runs a program outside scripts/, naming both files', async () => {
    const { plans, diagnostics } = await planRestart((text) =>
      text.replace('command: [scripts/restart-instance.sh]', 'command: [/usr/local/bin/restart]'),
    );
    expect(plans).toEqual([]);
    expect(diagnostics.map(formatDiagnostic)).toContain(
      "tasks/restart-checkout.yaml:6:12 error metadata.service: this task runs '/usr/local/bin/restart' " +
        '(services/checkout.yaml:71, spec.restart.command), which is not a script of this repository: ' +
        'commands run files under scripts/',
    );
  });

  it('refuses a script missing from the commit, and binds a plan to every script of the folder', async () => {
    const missing = await planRestart((text) => text, new Map([['scripts/other.sh', 'a1']]));
    expect(missing.diagnostics.map(formatDiagnostic)).toContain(
      'tasks/restart-checkout.yaml:6:12 error metadata.service: this task runs scripts/restart-instance.sh ' +
        "(services/checkout.yaml:71, spec.restart.command), which is not in this commit's scripts/ folder",
    );
    const scripts = new Map([
      ['scripts/restart-instance.sh', 'a1'],
      ['scripts/lib.sh', 'b1'],
    ]);
    const [plan] = (await planRestart((text) => text, scripts)).plans;
    const [changedHelper] = (await planRestart((text) => text, new Map([...scripts, ['scripts/lib.sh', 'b2']]))).plans;
    expect(plan!.scripts).toEqual({ 'scripts/lib.sh': 'b1', 'scripts/restart-instance.sh': 'a1' });
    expect(changedHelper!.fingerprint).not.toBe(plan!.fingerprint);
  });
});
