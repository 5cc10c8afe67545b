/**
 * The files that govern execution: the config (policy, windows, providers), the inventory
 * (services and their owners), the templates and the scripts. A change to any of them is judged
 * against the last approved state of the branch, never against whatever the branch holds now. Pure.
 */
import type { TreeEntry } from '../forge/forge.js';

export type GovernedArea = 'config' | 'service' | 'template' | 'script';

const areas: [prefix: string, area: GovernedArea][] = [
  ['.zeroops/', 'config'],
  ['services/', 'service'],
  ['templates/', 'template'],
  ['scripts/', 'script'],
];

export function governedArea(path: string): GovernedArea | undefined {
  return areas.find(([prefix]) => path.startsWith(prefix))?.[1];
}

export interface GovernedFileDiff {
  path: string;
  area: GovernedArea;
  status: 'added' | 'modified' | 'removed';
  /** Content ids (git blob ids) before and after; absent where the file does not exist. */
  beforeId?: string;
  afterId?: string;
}

/** Governed files that differ between the approved tree and another one, by content. */
export function diffGoverned(approved: readonly TreeEntry[], proposed: readonly TreeEntry[]): GovernedFileDiff[] {
  const before = new Map(approved.filter((e) => governedArea(e.path)).map((e) => [e.path, e.id]));
  const after = new Map(proposed.filter((e) => governedArea(e.path)).map((e) => [e.path, e.id]));
  const diffs: GovernedFileDiff[] = [];
  for (const path of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const [beforeId, afterId] = [before.get(path), after.get(path)];
    if (beforeId === afterId) continue;
    const status = beforeId === undefined ? 'added' : afterId === undefined ? 'removed' : 'modified';
    diffs.push({
      path,
      area: governedArea(path)!,
      status,
      ...(beforeId ? { beforeId } : {}),
      ...(afterId ? { afterId } : {}),
    });
  }
  return diffs;
}

/** `./scripts/x.sh` and `scripts/x.sh` name the same script; anything else is not one. */
export function scriptPath(program: string): string | undefined {
  const path = program.replace(/^\.\//, '');
  if (!path.startsWith('scripts/') || path.split('/').some((part) => part === '..' || part === '.' || part === ''))
    return undefined;
  return path;
}
