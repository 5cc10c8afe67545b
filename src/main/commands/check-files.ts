/** Shared by validate and plan: split the repo into the files asked about and their context. */
import { readFile } from 'node:fs/promises';
import { readOpsRepo, repoPath, scriptIds } from '../../forge/local/working-tree.js';
import type { ManifestFile } from '../../manifest/load.js';
import { checkAndPlan, type CheckResult } from '../../app/check-and-plan.js';

export async function checkPaths(root: string, paths: readonly string[]): Promise<CheckResult> {
  const repoFiles = await readOpsRepo(root);
  const scripts = await scriptIds(root);
  if (paths.length === 0) return checkAndPlan({ files: repoFiles, scripts });
  const files: ManifestFile[] = await Promise.all(
    paths.map(async (given) => {
      const inRepo = repoPath(root, given);
      // A file outside the repo keeps the path it was given, so the findings point at it.
      const path = inRepo.startsWith('..') ? given : inRepo;
      return repoFiles.find((f) => f.path === path) ?? { path, text: await readFile(given, 'utf8') };
    }),
  );
  const asked = new Set(files.map((f) => f.path));
  return checkAndPlan({ files, context: repoFiles.filter((f) => !asked.has(f.path)), scripts });
}
