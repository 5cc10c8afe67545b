/**
 * A user's own ops repo on the lab: its files as the lab's GitHub double holds them. The config's
 * providers point at the lab's Prometheus and HAProxy instead of the user's (the rest of it, the
 * policy and windows, stays theirs), and the lab takes the shape of the repo's first service.
 */
import { parseDocument } from 'yaml';
import { readOpsRepo, readScripts } from '../src/forge/local/working-tree.js';
import type { Service } from '../src/manifest/model.js';
import { opsRepoLayout } from '../src/manifest/model.js';
import type { FileChanges } from './github-double/git-repo.js';
import type { GitHubDouble } from './github-double/index.js';
import { labServiceFrom, type LabService } from './service-shape.js';

export type RepoFiles = Record<string, string>;

/** The files ZeroOps reads from the repo: config, services, templates, tasks and scripts. */
export async function readOwnRepo(root: string): Promise<RepoFiles> {
  const files = [...(await readOpsRepo(root)), ...(await readScripts(root))];
  return Object.fromEntries(files.map((f) => [f.path, f.text]));
}

/** The shape of the repo's first service (by file name), or undefined when it declares none. */
export function firstServiceShape(files: RepoFiles): LabService | undefined {
  const path = Object.keys(files)
    .filter((p) => p.startsWith(opsRepoLayout.services))
    .sort()[0];
  if (!path) return undefined;
  const service = parseDocument(files[path]!).toJS() as Service | undefined;
  if (service?.kind !== 'Service' || !service.spec?.datacenters?.length) return undefined;
  return labServiceFrom(service);
}

export interface LabEndpoints {
  prometheusUrl: string;
  haproxySocket: string;
}

/** The repo as the lab runs it: the config's Prometheus and HAProxy are the lab's. */
export function onTheLab(files: RepoFiles, endpoints: LabEndpoints): RepoFiles {
  const configText = files[opsRepoLayout.config] ?? 'apiVersion: zeroops.dev/v1\nkind: Config\nspec: {}\n';
  const config = parseDocument(configText);
  config.setIn(['spec', 'providers', 'prometheus'], { url: endpoints.prometheusUrl, timeout: '5s' });
  config.setIn(['spec', 'providers', 'haproxy'], { socket: endpoints.haproxySocket });
  return { ...files, [opsRepoLayout.config]: config.toString() };
}

/** What turns the double's default branch into `files`: changed and new files, and removed ones (null). */
export async function changesFrom(github: GitHubDouble, files: RepoFiles): Promise<FileChanges> {
  const git = github.state.git;
  const head = (await git.resolve(github.state.defaultBranch))!;
  const current = new Map<string, string>();
  for (const entry of await git.tree(head)) {
    if (entry.type !== 'blob') continue;
    current.set(entry.path, (await git.blob(entry.sha))?.toString() ?? '');
  }
  const changes: FileChanges = {};
  for (const [path, text] of Object.entries(files)) if (current.get(path) !== text) changes[path] = text;
  for (const path of current.keys()) if (isOpsPath(path) && !(path in files)) changes[path] = null;
  return changes;
}

const isOpsPath = (path: string) =>
  path === opsRepoLayout.config ||
  [opsRepoLayout.services, opsRepoLayout.templates, opsRepoLayout.tasks, 'scripts/'].some((d) => path.startsWith(d));
