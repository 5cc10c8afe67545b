/** Chapter: what a developer sees when a pull request adds the example tasks. */
import { readOpsRepo } from '../../src/forge/local/working-tree.js';
import { formatDiagnostic } from '../../src/manifest/diagnostic.js';
import { checkAndPlan } from '../../src/plan/check-and-plan.js';
import { renderReport } from '../../src/plan/render-report.js';
import type { Chapter } from './chapters.js';

const repoDir = new URL('../../ops-repo-template/', import.meta.url).pathname;

export const planExamples: Chapter = {
  title: 'A pull request adds the example tasks; ZeroOps plans them',
  async run() {
    const files = await readOpsRepo(repoDir);
    console.log(`Reading the ops repo in ops-repo-template/: ${files.length} manifests.`);
    const { plans, diagnostics } = await checkAndPlan({ files });
    for (const d of diagnostics) console.log(`  ${formatDiagnostic(d)}`);
    const report = renderReport(plans, diagnostics);
    console.log(`Check run "ZeroOps plan": ${report.title}\n\n${report.summary}`);
    console.log(`The first plan in full, as the PR comment shows it:\n\n${report.text.split('\n---\n')[0]}`);
  },
};
