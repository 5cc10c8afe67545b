// Writes the plans of ops-repo-template's example tasks to test/fixtures/plans/, the reviewed
// record of exactly what a pull request shows. A test fails when they differ from the code's output.
import { writeFile } from 'node:fs/promises';
import { renderExamplePlans, examplePlansDir } from '../test/support/example-plans.js';

for (const [name, markdown] of await renderExamplePlans()) {
  await writeFile(`${examplePlansDir}${name}.md`, markdown);
  console.log(`wrote ${examplePlansDir}${name}.md`);
}
