/**
 * Use case: a pull request was opened or pushed to. Read the changed manifests at the head commit
 * and the rest of the ops repo they refer to, take the config (policy) from the base commit, check
 * and plan, then publish the "ZeroOps plan" check run and the summary comment.
 */
import type { Diagnostic } from '../manifest/diagnostic.js';
import type { ManifestFile } from '../manifest/load.js';
import { isManifestPath, opsRepoLayout } from '../manifest/model.js';
import { checkAndPlan } from '../plan/check-and-plan.js';
import { renderReport } from '../plan/render-report.js';
import type { Annotation, Forge, PullRequestRef, TreeEntry } from '../forge/forge.js';
import type { Log } from './ports.js';

export const planCheckName = 'ZeroOps plan';
export const planCommentTopic = 'plan';

export interface PlanChangeDeps {
  forge: Forge;
  log: Log;
}

export type PlanChangeOutcome = 'no-manifests' | 'planned' | 'errors';

export async function planChange({ forge, log }: PlanChangeDeps, pr: PullRequestRef): Promise<PlanChangeOutcome> {
  const changed = (await forge.changedFiles(pr)).filter((f) => f.status !== 'removed' && isOpsManifest(f.path)).map((f) => f.path);
  if (changed.length === 0) {
    await forge.publishCheck(pr, {
      name: planCheckName, headSha: pr.headSha, conclusion: 'neutral', title: 'No manifests changed',
      summary: 'This pull request changes no file under `tasks/`, `services/`, `templates/` or `.zeroops/config.yaml`, so there is nothing to plan.', annotations: [],
    });
    return 'no-manifests';
  }
  const { files, context } = await readHead(forge, pr, new Set(changed));
  const baseConfig = await forge.readFile(pr, opsRepoLayout.config, pr.baseSha);
  const { plans, diagnostics } = await checkAndPlan({
    files, context, policyConfig: baseConfig === undefined ? null : { path: opsRepoLayout.config, text: baseConfig },
  });
  const report = renderReport(plans, diagnostics);
  const failed = diagnostics.some((d) => d.severity === 'error');
  await forge.publishCheck(pr, {
    name: planCheckName, headSha: pr.headSha, conclusion: failed ? 'failure' : 'success',
    title: report.title, summary: report.summary, text: report.text, annotations: diagnostics.map(toAnnotation),
  });
  await forge.upsertComment(pr, planCommentTopic, `## ZeroOps plan for ${pr.headSha.slice(0, 7)}\n\n${report.summary}\n\n${report.text}`);
  log.info({ pr: pr.number, head: pr.headSha, plans: plans.length, findings: diagnostics.length }, 'planned pull request');
  return failed ? 'errors' : 'planned';
}

const isOpsManifest = (path: string) => isManifestPath(path) &&
  (path === opsRepoLayout.config || [opsRepoLayout.services, opsRepoLayout.templates, opsRepoLayout.tasks].some((dir) => path.startsWith(dir)));

async function readHead(forge: Forge, pr: PullRequestRef, changed: Set<string>): Promise<{ files: ManifestFile[]; context: ManifestFile[] }> {
  const tree = (await forge.listTree(pr, pr.headSha)).filter((entry) => isOpsManifest(entry.path));
  const read = (entries: TreeEntry[]) => Promise.all(entries.map(async (entry) => ({ path: entry.path, text: await forge.readBlob(pr, entry) })));
  // The head's config is checked when it changed, but never planned with: policy comes from the base.
  const context = tree.filter((e) => !changed.has(e.path) && e.path !== opsRepoLayout.config);
  return { files: await read(tree.filter((e) => changed.has(e.path))), context: await read(context) };
}

function toAnnotation(d: Diagnostic): Annotation {
  return { path: d.file, line: d.line, column: d.col, level: d.severity === 'error' ? 'failure' : 'warning', title: `${d.field} (${d.rule})`, message: d.message };
}
