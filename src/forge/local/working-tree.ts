/** Reads an ops repo from a directory on disk: the CLI's and dry runs' view of the repository. */
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import type { ManifestFile } from '../../manifest/load.js';
import { isManifestPath, opsRepoLayout } from '../../manifest/model.js';

/** Every manifest of the repo: the config, services, templates and tasks. Paths are repo-relative. */
export async function readOpsRepo(root: string): Promise<ManifestFile[]> {
  const files: string[] = [];
  for (const dir of [opsRepoLayout.services, opsRepoLayout.templates, opsRepoLayout.tasks]) {
    files.push(...(await listFiles(root, dir, isManifestPath)));
  }
  const config = await readOptional(root, opsRepoLayout.config);
  const read = await Promise.all(files.map(async (path) => ({ path, text: await readFile(join(root, path), 'utf8') })));
  return config === undefined ? read : [{ path: opsRepoLayout.config, text: config }, ...read];
}

/** The files of the repo's scripts/ folder, with repo-relative paths (to put them in a repository). */
export async function readScripts(root: string): Promise<{ path: string; text: string }[]> {
  const paths = await listFiles(root, 'scripts', () => true);
  return Promise.all(paths.map(async (path) => ({ path, text: await readFile(join(root, path), 'utf8') })));
}

/** Content ids (git blob ids) of the files under scripts/, as a forge would report them. */
export async function scriptIds(root: string): Promise<Map<string, string>> {
  const paths = await listFiles(root, 'scripts', () => true);
  const ids = await Promise.all(
    paths.map(async (path) => [path, gitBlobId(await readFile(join(root, path)))] as const),
  );
  return new Map(ids);
}

const gitBlobId = (content: Buffer) =>
  createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');

/** Why a folder is not an ops repo (missing, or holding none of its files); undefined when it is one. */
export async function notAnOpsRepo(root: string): Promise<string | undefined> {
  try {
    if (!(await stat(root)).isDirectory()) return `${root} is not a folder`;
  } catch {
    return `there is no folder ${root}`;
  }
  if ((await readOpsRepo(root)).length > 0) return undefined;
  return `${resolve(root)} holds no ops repo: no ${opsRepoLayout.config} and no manifests in ${opsRepoLayout.services}, ${opsRepoLayout.templates} or ${opsRepoLayout.tasks} (check --repo)`;
}

/** A path given on the command line, as the repo-relative path the repo's files use. */
export function repoPath(root: string, path: string): string {
  return relative(resolve(root), resolve(path)).split(sep).join('/');
}

async function listFiles(root: string, dir: string, keep: (name: string) => boolean): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(join(root, dir), { withFileTypes: true, recursive: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return entries
    .filter((entry) => entry.isFile() && keep(entry.name))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort();
}

async function readOptional(root: string, path: string): Promise<string | undefined> {
  try {
    return await readFile(join(root, path), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
