/** The committed plans in test/fixtures/plans are what a PR shows; the code must still produce them. */
import { readdir, readFile } from 'node:fs/promises';
import { checkAndPlan } from '../../../src/app/check-and-plan.js';
import { examplePlansDir, renderExamplePlans } from '../../support/example-plans.js';
import { templateRepoFiles } from '../../support/ops-repo.js';

describe('the example ops repo', () => {
  it('validates without errors and plans every task', async () => {
    const files = await templateRepoFiles();
    const { diagnostics, plans } = await checkAndPlan({ files });
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(plans.map((p) => p.task.file).sort()).toEqual(
      files
        .filter((f) => f.path.startsWith('tasks/'))
        .map((f) => f.path)
        .sort(),
    );
  });

  it('renders exactly the reviewed plans (run `npm run fixtures:plans` after an intended change)', async () => {
    const rendered = await renderExamplePlans();
    const committed = (await readdir(examplePlansDir)).map((file) => file.replace(/\.md$/, '')).sort();
    expect(committed).toEqual([...rendered.keys()].sort());
    for (const [name, markdown] of rendered) {
      expect(markdown).toEqual(await readFile(`${examplePlansDir}${name}.md`, 'utf8'));
    }
  });
});
