/** The example ops repo and fixture folders, read once per test file. */
import { readFile } from 'node:fs/promises';
import { readOpsRepo, readScripts } from '../../src/forge/local/working-tree.js';
import type { ManifestFile } from '../../src/manifest/load.js';

export const templateRepoDir = new URL('../../ops-repo-template/', import.meta.url).pathname;
export const fixturesDir = new URL('../fixtures/', import.meta.url).pathname;

export const templateRepoFiles = (): Promise<ManifestFile[]> => readOpsRepo(templateRepoDir);
export const templateScripts = () => readScripts(templateRepoDir);

export async function fixtureFile(relativePath: string): Promise<ManifestFile> {
  return { path: relativePath.split('/').pop()!, text: await readFile(`${fixturesDir}${relativePath}`, 'utf8') };
}
