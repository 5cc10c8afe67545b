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
import type { Plan } from '../plan/types.js';
import type { Store } from '../store/store.js';
import { planRecordId, publishApprovalStatus, pullRecordId, repoKey } from './approval-status.js';
import type { Log } from './ports.js';

export const planCheckName = 'ZeroOps plan';
export const planCommentTopic = 'plan';

export interface PlanChangeDeps {
  forge: Forge;
  log: Log;
  /** With a store, plans are remembered per commit and approvals are tracked. */
  store?: Store;
}

export interface PlanTrigger {
  author: string;
  /** Who pushed the head commit (the author when the pull request was opened). */
  pusher?: string;
}

export type PlanChangeOutcome = 'no-manifests' | 'planned' | 'errors';

export async function planChange({ forge, log, store }: PlanChangeDeps, pr: PullRequestRef, trigger?: PlanTrigger): Promise<PlanChangeOutcome> {
  if (store && trigger) {
    const known = await store.pull(pullRecordId(pr, pr.number));
    await store.savePull({ id: pullRecordId(pr, pr.number), author: trigger.author, lastPusher: trigger.pusher ?? known?.lastPusher ?? trigger.author });
  }
  const { changed, plans, diagnostics } = await checkChange(forge, pr);
  if (changed.length === 0) {
    await forge.publishCheck(pr, {
      name: planCheckName, headSha: pr.headSha, conclusion: 'neutral', title: 'No manifests changed',
      summary: 'This pull request changes no file under `tasks/`, `services/`, `templates/` or `.zeroops/config.yaml`, so there is nothing to plan.', annotations: [],
    });
    return 'no-manifests';
  }
  const report = renderReport(plans, diagnostics);
  const failed = diagnostics.some((d) => d.severity === 'error');
  await forge.publishCheck(pr, {
    name: planCheckName, headSha: pr.headSha, conclusion: failed ? 'failure' : 'success',
    title: report.title, summary: report.summary, text: report.text, annotations: diagnostics.map(toAnnotation),
  });
  await forge.upsertComment(pr, planCommentTopic, `## ZeroOps plan for ${pr.headSha.slice(0, 7)}\n\n${report.summary}\n\n${report.text}`);
  if (store) {
    await store.savePlanRecord(planRecord(pr, plans, diagnostics.filter((d) => d.severity === 'error').length));
    await publishApprovalStatus({ forge, store }, pr);
  }
  log.info({ pr: pr.number, head: pr.headSha, plans: plans.length, findings: diagnostics.length }, 'planned pull request');
  return failed ? 'errors' : 'planned';
}

function planRecord(pr: PullRequestRef, plans: Plan[], errors: number) {
  return {
    id: planRecordId(pr, pr.number, pr.headSha), repo: repoKey(pr), pullNumber: pr.number, sha: pr.headSha, errors, createdAt: new Date().toISOString(),
    tasks: plans.map((p) => ({ name: p.task.name, fingerprint: p.fingerprint, risk: p.risk.level, required: p.approvals.required, ownerRequired: p.approvals.ownerRequired, owners: p.approvals.owners, env: p.task.env, file: p.task.file })),
  };
}

/** Check and plan what a pull request changes, as of `pr.headSha` (its head, or its merge commit). */
export async function checkChange(forge: Forge, pr: PullRequestRef) {
  const changed = (await forge.changedFiles(pr)).filter((f) => f.status !== 'removed' && isOpsManifest(f.path)).map((f) => f.path);
  if (changed.length === 0) return { changed, plans: [], diagnostics: [] };
  const { files, context } = await readHead(forge, pr, new Set(changed));
  const baseConfig = await forge.readFile(pr, opsRepoLayout.config, pr.baseSha);
  const { plans, diagnostics } = await checkAndPlan({
    files, context, policyConfig: baseConfig === undefined ? null : { path: opsRepoLayout.config, text: baseConfig },
  });
  return { changed, plans, diagnostics, baseConfig };
}

export const isOpsManifest = (path: string) => isManifestPath(path) &&
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
