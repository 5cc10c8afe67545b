/**
 * Use case: a task written for someone (from their words, or sent to the API) becomes a pull
 * request into the default branch, checked first exactly as a pull request's plan checks it. It
 * is a proposal only: the pull request is then planned, reviewed and approved like any other.
 */
import type { Forge, RepoRef, TreeEntry } from '../forge/forge.js';
import { formatDiagnostic, type Diagnostic } from '../manifest/diagnostic.js';
import type { ManifestFile } from '../manifest/load.js';
import { isManifestPath, opsRepoLayout } from '../manifest/model.js';
import type { Plan } from '../plan/types.js';
import { fenced } from '../plan/markdown.js';
import { checkAndPlan, type CheckResult } from './check-and-plan.js';
import { isOpsManifest } from './check-change.js';

export interface TaskRequest {
  /** Where the task goes: a manifest under tasks/. */
  path: string;
  text: string;
  title: string;
  /** Why, and who asked where: the first lines of the pull request's description. */
  why: string;
  /** The branch ZeroOps commits on (its own: `zeroops/...`). */
  branch: string;
}

export type TaskProposal =
  | { opened: true; number: number; url?: string; plans: Plan[] }
  /** `diagnostics`: the check's errors as data (none for a path problem), for callers that place them. */
  | { opened: false; problems: string[]; diagnostics: Diagnostic[] };

/** The ops repo as its default branch has it now: its tree, and every manifest read once. */
export async function defaultBranchManifests(
  forge: Forge,
  repo: RepoRef,
): Promise<{ tree: TreeEntry[]; files: ManifestFile[] }> {
  const head = await forge.defaultBranch(repo);
  const tree = await forge.listTree(repo, head.sha);
  const read = (entry: TreeEntry) => forge.readBlob(repo, entry).then((text) => ({ path: entry.path, text }));
  return { tree, files: await Promise.all(tree.filter((e) => isOpsManifest(e.path)).map(read)) };
}

/** Problems with where a requested task would go, or undefined. */
export function taskPathProblem(path: string): string | undefined {
  if (!path.startsWith(opsRepoLayout.tasks) || !isManifestPath(path) || path.includes('..') || /\s/.test(path))
    return (
      `path '${path}': a task goes under ${opsRepoLayout.tasks} as a .yaml file, ` +
      `e.g. ${opsRepoLayout.tasks}restart-checkout.yaml`
    );
  return undefined;
}

/** The task checked against the rest of the repo, as its pull request's plan will check it. */
export async function checkTask(request: Pick<TaskRequest, 'path' | 'text'>, repoFiles: ManifestFile[]) {
  const context = repoFiles.filter((f) => f.path !== request.path);
  return checkAndPlan({ files: [{ path: request.path, text: request.text }], context });
}

export async function proposeTask(
  forge: Forge,
  repo: RepoRef,
  request: TaskRequest,
  repoFiles?: ManifestFile[],
): Promise<TaskProposal> {
  const pathProblem = taskPathProblem(request.path);
  if (pathProblem) return { opened: false, problems: [pathProblem], diagnostics: [] };
  const checked: CheckResult = await checkTask(request, repoFiles ?? (await defaultBranchManifests(forge, repo)).files);
  const errors = checked.diagnostics.filter((d) => d.severity === 'error');
  // An empty file passes with a warning only: a pull request that plans nothing is not a task.
  if (!errors.length && !checked.plans.length) errors.push(noTask(request.path));
  if (errors.length) return { opened: false, problems: errors.map(formatDiagnostic), diagnostics: errors };
  const { number, url } = await forge.proposeChange(repo, {
    branch: request.branch,
    title: request.title,
    body: [
      request.why,
      '',
      `ZeroOps wrote \`${request.path}\`; its plan follows on this pull request, and it runs only once`,
      'approved and merged, like any other change.',
      '',
      fenced(request.text, 'yaml'),
    ].join('\n'),
    files: { [request.path]: request.text },
    labels: ['zeroops'],
  });
  return { opened: true, number, ...(url ? { url } : {}), plans: checked.plans };
}

const noTask = (file: string): Diagnostic => ({
  file,
  line: 1,
  col: 1,
  severity: 'error',
  field: '(file)',
  rule: 'holds-a-task',
  message: 'the file holds no task to plan: write one task manifest (apiVersion, kind, metadata, spec)',
});
