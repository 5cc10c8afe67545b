/**
 * Check and plan a change as of a commit (a pull request's head, or its merge commit): its task
 * plans with the approved policy and owners, and every governed file that differs from the
 * branch's approved state, as items to approve.
 */
import type { Diagnostic } from '../manifest/diagnostic.js';
import type { ManifestFile } from '../manifest/load.js';
import { isManifestPath, opsRepoLayout } from '../manifest/model.js';
import { checkAndPlan } from '../plan/check-and-plan.js';
import type { Plan } from '../plan/types.js';
import type { Forge, PullRequestRef, TreeEntry } from '../forge/forge.js';
import { diffGoverned, type GovernedFileDiff } from '../policy/governed-files.js';
import { governanceItems, type GovernanceItem, type GovernedFileChange } from '../policy/governance.js';
import type { Store } from '../store/store.js';
import { policyBasis, type PolicyBasis } from './policy-basis.js';

export interface ChangeCheck {
  basis: PolicyBasis;
  /** Manifests the pull request adds or changes. */
  changed: string[];
  plans: Plan[];
  governance: GovernanceItem[];
  diagnostics: Diagnostic[];
}

export interface CheckChangeDeps {
  forge: Forge;
  store?: Store;
  clock?: () => Date;
}

export const isOpsManifest = (path: string) => isManifestPath(path) &&
  (path === opsRepoLayout.config || [opsRepoLayout.services, opsRepoLayout.templates, opsRepoLayout.tasks].some((dir) => path.startsWith(dir)));

export async function checkChange(deps: CheckChangeDeps, pr: PullRequestRef): Promise<ChangeCheck> {
  const { forge } = deps;
  const basis = await policyBasis(deps, pr);
  const changed = (await forge.changedFiles(pr)).filter((f) => f.status !== 'removed' && isOpsManifest(f.path)).map((f) => f.path);
  const tree = await forge.listTree(pr, pr.headSha);
  // Only what can execute needs approving: a merge into another branch runs nothing.
  const diffs = basis.executes ? diffGoverned(basis.approvedTree, tree) : [];
  if (changed.length === 0 && diffs.length === 0) return { basis, changed, plans: [], governance: [], diagnostics: [] };
  const read = (entries: TreeEntry[]) => Promise.all(entries.map(async (entry) => ({ path: entry.path, text: await forge.readBlob(pr, entry) })));
  const manifests = tree.filter((e) => isOpsManifest(e.path) && e.path !== opsRepoLayout.config);
  const reported = new Set(changed);
  const headConfig = changed.includes(opsRepoLayout.config) ? await read(tree.filter((e) => e.path === opsRepoLayout.config)) : [];
  const files: ManifestFile[] = [...headConfig, ...await read(manifests.filter((e) => reported.has(e.path)))];
  const result = await checkAndPlan({
    files, context: await read(manifests.filter((e) => !reported.has(e.path))),
    policyConfig: basis.policyText === undefined ? null : { path: opsRepoLayout.config, text: basis.policyText },
    approvedOwners: new Map(basis.approvedServices.map((s) => [s.metadata.name, s.spec.owners])),
    scripts: new Map(tree.filter((e) => e.path.startsWith('scripts/')).map((e) => [e.path, e.id])),
  });
  const governance = governanceItems(await withContents(deps, pr, diffs), {
    policy: basis.policy, approvedServices: basis.approvedServices,
    proposedServices: [...result.repo.services.values()].map((s) => s.manifest), proposedTasks: result.tasks.map((t) => t.manifest),
  });
  return { basis, changed, plans: result.plans, governance, diagnostics: result.diagnostics };
}

async function withContents({ forge }: CheckChangeDeps, pr: PullRequestRef, diffs: GovernedFileDiff[]): Promise<GovernedFileChange[]> {
  const text = (id: string | undefined, path: string) => (id === undefined ? undefined : forge.readBlob(pr, { path, id }));
  return Promise.all(diffs.map(async (d) => ({ ...d, before: await text(d.beforeId, d.path), after: await text(d.afterId, d.path) })));
}
