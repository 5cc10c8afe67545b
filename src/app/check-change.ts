/**
 * Check and plan a change as of a commit (a pull request's head, or its merge commit): its task
 * plans with the approved policy and owners, and every governed file that differs from the
 * branch's approved state, as items to approve.
 */
import type { Diagnostic } from '../manifest/diagnostic.js';
import { isManifestPath, opsRepoLayout } from '../manifest/model.js';
import type { Lane } from '../lanes/lane.js';
import { checkAndPlan } from './check-and-plan.js';
import type { Plan } from '../plan/types.js';
import type { ChangedFile, Forge, PullRequestRef, TreeEntry } from '../forge/forge.js';
import { diffGoverned, type GovernedFileDiff } from '../policy/governed-files.js';
import { governanceItems, type GovernanceItem, type GovernedFileChange } from '../policy/governance.js';
import type { Store } from '../engine/store.js';
import { policyBasis, type PolicyBasis } from './policy-basis.js';
import { laneStatuses } from './lane-history.js';
import type { SchemaPreflight } from './ports.js';
import { preflightSchemaChanges } from './schema-preflight.js';
import { sortDiagnostics } from '../manifest/diagnostic.js';

export interface ChangeCheck {
  basis: PolicyBasis;
  /** Manifests the pull request adds or changes. */
  changed: string[];
  plans: Plan[];
  governance: GovernanceItem[];
  diagnostics: Diagnostic[];
  /** The canary lanes live once the change is merged, of the services whose Rollouts it changes. */
  lanes: Lane[];
  /** What the preflight of its schema changes found, as sections of the plan. */
  preflight?: string[];
}

export interface CheckChangeDeps {
  forge: Forge;
  store?: Store;
  clock?: () => Date;
  /** Looks at the tables a schema change touches, read-only, through the approved config's connections. */
  preflight?: SchemaPreflight;
}

export const isOpsManifest = (path: string) =>
  isManifestPath(path) &&
  (path === opsRepoLayout.config ||
    [opsRepoLayout.services, opsRepoLayout.templates, opsRepoLayout.tasks].some((dir) => path.startsWith(dir)));

/**
 * `at: 'head'` plans a pull request before it merges: its governed files are judged as the merge
 * would leave them (the base branch, with the files the pull request changes). `at: 'merge'`
 * judges a merge commit as it is.
 */
export async function checkChange(
  deps: CheckChangeDeps,
  pr: PullRequestRef,
  at: 'head' | 'merge' = 'head',
): Promise<ChangeCheck> {
  const { forge } = deps;
  const basis = await policyBasis(deps, pr);
  const files = await forge.changedFiles(pr);
  const changed = files.filter((f) => f.status !== 'removed' && isOpsManifest(f.path)).map((f) => f.path);
  const tree = await forge.listTree(pr, pr.headSha);
  // Only what can execute needs approving: a merge into another branch runs nothing.
  const diffs = !basis.executes
    ? []
    : diffGoverned(basis.approvedTree, at === 'merge' ? tree : await asMerged(deps, pr, basis, tree, files));
  if (changed.length === 0 && diffs.length === 0)
    return { basis, changed, plans: [], governance: [], diagnostics: [], lanes: [] };
  const read = (entries: TreeEntry[]) =>
    Promise.all(entries.map(async (entry) => ({ path: entry.path, text: await forge.readBlob(pr, entry) })));
  const manifests = tree.filter((e) => isOpsManifest(e.path) && e.path !== opsRepoLayout.config);
  const reported = new Set(changed);
  const headConfig = changed.includes(opsRepoLayout.config)
    ? await read(tree.filter((e) => e.path === opsRepoLayout.config))
    : [];
  const reportedFiles = [...headConfig, ...(await read(manifests.filter((e) => reported.has(e.path))))];
  const contextFiles = await read(manifests.filter((e) => !reported.has(e.path)));
  const result = await checkAndPlan({
    files: reportedFiles,
    context: contextFiles,
    laneStatuses: deps.store ? await laneStatuses(deps.store, [...reportedFiles, ...contextFiles]) : undefined,
    policyConfig: basis.policyText === undefined ? null : { path: opsRepoLayout.config, text: basis.policyText },
    approvedServices: basis.approvedServices,
    scripts: new Map(tree.filter((e) => e.path.startsWith('scripts/')).map((e) => [e.path, e.id])),
  });
  const governance = governanceItems(await withContents(deps, pr, diffs), {
    policy: basis.policy,
    approvedServices: basis.approvedServices,
    proposedServices: [...result.repo.services.values()].map((s) => s.manifest),
    proposedTasks: result.tasks.map((t) => t.manifest),
  });
  const preflight = await preflightSchemaChanges(
    deps.preflight,
    result.plans,
    result.tasks.filter((t) => reported.has(t.doc.file)),
    basis.policy?.spec.providers,
    { rowsWithheld: at === 'merge' ? undefined : () => rowsWithheld(forge, pr) },
  );
  return {
    basis,
    changed,
    plans: result.plans,
    governance: governance.map((item) => carried(item, files, pr.baseRef)),
    diagnostics: sortDiagnostics([...result.diagnostics, ...preflight.diagnostics]),
    lanes: result.lanes,
    preflight: preflight.sections,
  };
}

/**
 * Why the rows may not go through a transform before approval, or undefined when they may. Its
 * counts and examples answer questions about a column, so only a change whose every commit came
 * from someone who can write gets them: a head branch in this repository (pushing there takes write
 * access). A fork's branch is its owner's to push, whoever opened the pull request.
 */
async function rowsWithheld(forge: Forge, pr: PullRequestRef): Promise<string | undefined> {
  try {
    const { headRepo } = await forge.pullState(pr, pr.number);
    const here = `${pr.owner}/${pr.repo}`;
    return headRepo === undefined || headRepo.toLowerCase() === here.toLowerCase()
      ? undefined
      : `the change comes from ${headRepo}, a branch that people without write access to ${here} can push to`;
  } catch (error) {
    return `where the change comes from could not be read (${(error as Error).message})`;
  }
}

/**
 * A governed change this pull request does not make itself reached the branch some other way (a
 * merge without approval, a direct push): whoever did it, an admin or maintainer must look at it.
 */
function carried(item: GovernanceItem, files: readonly ChangedFile[], branch: string): GovernanceItem {
  if (files.some((f) => f.path === item.path || f.previousPath === item.path)) return item;
  const admins = item.owners.some((g) => g.members.length === 0 && g.of === 'the repository')
    ? []
    : [{ of: 'the repository', members: [] }];
  return {
    ...item,
    owners: [...item.owners, ...admins],
    changes: [...item.changes, `already on \`${branch}\` without approval: not part of this pull request's own diff`],
  };
}

/** The governed files a merge of the pull request would leave: the base's, with the pull request's changes. */
async function asMerged(
  { forge }: CheckChangeDeps,
  pr: PullRequestRef,
  basis: PolicyBasis,
  head: TreeEntry[],
  files: readonly ChangedFile[],
): Promise<TreeEntry[]> {
  const touched = new Set(files.flatMap((f) => [f.path, ...(f.previousPath ? [f.previousPath] : [])]));
  // Usually the base is the approved state itself: its tree is already listed.
  const baseTree = pr.baseSha === basis.approvedSha ? basis.approvedTree : await forge.listTree(pr, pr.baseSha);
  const base = baseTree.filter((e) => !touched.has(e.path));
  return [...base, ...head.filter((e) => touched.has(e.path))];
}

async function withContents(
  { forge }: CheckChangeDeps,
  pr: PullRequestRef,
  diffs: GovernedFileDiff[],
): Promise<GovernedFileChange[]> {
  const text = (id: string | undefined, path: string) =>
    id === undefined ? undefined : forge.readBlob(pr, { path, id });
  return Promise.all(
    diffs.map(async (d) => ({ ...d, before: await text(d.beforeId, d.path), after: await text(d.afterId, d.path) })),
  );
}
