/** The described actions are exactly those that execute, and every example step plans cleanly in the example repo. */
import { stringify } from 'yaml';
import { checkAndPlan } from '../../../src/app/check-and-plan.js';
import { formatDiagnostic } from '../../../src/manifest/diagnostic.js';
import { readSchema } from '../../../src/manifest/schemas.js';
import { actionDocs } from '../../../src/plan/action-docs.js';
import { executableActions } from '../../../src/plan/executable-actions.js';
import { scriptIds } from '../../../src/forge/local/working-tree.js';
import { templateRepoDir, templateRepoFiles } from '../../support/ops-repo.js';

type Defs = { definitions: { Action: { properties: { provider: { enum: string[] } } } } };
const runbookProviders = (readSchema('defs') as Defs).definitions.Action.properties.provider.enum;

describe('the description of each executable action', () => {
  it('covers exactly the actions this version executes', () => {
    expect(Object.keys(actionDocs).sort()).toEqual([...executableActions].sort());
  });

  it.each(Object.entries(actionDocs))('%s: has an example step exactly when a Runbook can name it', (name, doc) => {
    expect(doc.example !== undefined).toBe(runbookProviders.includes(name.split(' ')[0]!));
    if (doc.example) expect(`${doc.example.action.provider} ${doc.example.action.operation}`).toBe(name);
  });

  it('gives example steps that plan without findings in the example ops repo', async () => {
    const steps = Object.values(actionDocs).flatMap((doc) => (doc.example ? [doc.example] : []));
    const task = {
      apiVersion: 'zeroops.dev/v1',
      kind: 'Runbook',
      metadata: { name: 'examples', service: 'checkout' },
      spec: { steps },
    };
    const { plans, diagnostics } = await checkAndPlan({
      files: [{ path: 'tasks/examples.yaml', text: stringify(task) }],
      context: await templateRepoFiles(),
      scripts: await scriptIds(templateRepoDir),
    });
    expect(diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(plans.map((p) => [p.task.name, p.executes])).toEqual([['examples', true]]);
  });
});
