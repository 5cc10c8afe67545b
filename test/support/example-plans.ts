/** The example tasks' plans rendered as Markdown, keyed by task name. */
import { checkAndPlan } from '../../src/app/check-and-plan.js';
import { renderPlan } from '../../src/plan/render-markdown.js';
import { scriptIds } from '../../src/forge/local/working-tree.js';
import { fixturesDir, templateRepoDir, templateRepoFiles } from './ops-repo.js';

export const examplePlansDir = `${fixturesDir}plans/`;

export async function renderExamplePlans(): Promise<Map<string, string>> {
  const { plans } = await checkAndPlan({ files: await templateRepoFiles(), scripts: await scriptIds(templateRepoDir) });
  return new Map(plans.map((plan) => [plan.task.name, `${renderPlan(plan)}\n`]));
}
