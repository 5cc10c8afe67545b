/** Shared by validate and plan: split the repo into the files asked about and their context. */
import { readFile } from 'node:fs/promises';
import { readOpsRepo, repoPath } from '../../forge/local/working-tree.js';
import type { ManifestFile } from '../../manifest/load.js';
import { checkAndPlan, type CheckResult } from '../../plan/check-and-plan.js';

export async function checkPaths(root: string, paths: readonly string[]): Promise<CheckResult> {
  const repoFiles = await readOpsRepo(root);
  if (paths.length === 0) return checkAndPlan({ files: repoFiles });
  const asked = new Set(paths.map((p) => repoPath(root, p)));
  const files: ManifestFile[] = await Promise.all([...asked].map(async (path) =>
    repoFiles.find((f) => f.path === path) ?? { path, text: await readFile(resolveInRepo(root, path), 'utf8') }));
  return checkAndPlan({ files, context: repoFiles.filter((f) => !asked.has(f.path)) });
}

const resolveInRepo = (root: string, path: string) => new URL(path, `file://${root.endsWith('/') ? root : `${root}/`}`).pathname;
