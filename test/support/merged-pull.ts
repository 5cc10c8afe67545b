/**
 * A pull request merged on a forge double that holds trees by content, as git does: `base` is the
 * approved state, `head` and `merge` what the pull request brings. For use cases that start at a merge.
 */
import { createHash } from 'node:crypto';
import { startRuns, type MergedPull } from '../../src/app/start-runs.js';
import type { Store } from '../../src/engine/store.js';
import type { ChangedFile, RepoRef, TreeEntry } from '../../src/forge/forge.js';
import { quietLog } from './embedded-store.js';
import { FakeForge } from './fake-forge.js';

/** Blob ids are content hashes, so the approved state and the merge compare by content. */
export class ContentForge extends FakeForge {
  blobs = new Map<string, string>();
  changed: ChangedFile[] = [];
  override async listTree(_r: RepoRef, sha: string): Promise<TreeEntry[]> {
    return Object.entries(this.trees.get(sha) ?? {}).map(([path, text]) => {
      const id = createHash('sha1').update(text).digest('hex');
      this.blobs.set(id, text);
      return { path, id };
    });
  }
  override async readBlob(_r: RepoRef, entry: TreeEntry): Promise<string> {
    return this.blobs.get(entry.id)!;
  }
  override async changedFiles(): Promise<ChangedFile[]> {
    return this.changed;
  }
}

/** Pull request #1 by carol, `base` → `merge` on main, with `merged` as both head and merge tree. */
export function mergedOn(forge: ContentForge, base: Record<string, string>, merged: Record<string, string>): void {
  forge.trees.set('base', base).set('head', merged).set('merge', merged);
  forge.changed = Object.keys(merged)
    .filter((path) => merged[path] !== base[path])
    .map((path) => ({ path, status: path in base ? 'modified' : 'added' }));
  forge.pulls.set(1, { author: 'carol', headSha: 'head', baseSha: 'base', merged: true, mergeSha: 'merge' });
}

/** What the merge of pull request #1 starts, at 2026-12-01T10:00Z. */
export function startMergedPull(forge: ContentForge, store: Store) {
  const pull: MergedPull = {
    repo: { owner: 'acme', repo: 'ops' },
    number: 1,
    mergeSha: 'merge',
    baseSha: 'base',
    headSha: 'head',
    baseRef: 'main',
    defaultBranch: 'main',
    mergedBy: 'carol',
  };
  const deps = {
    forge,
    store,
    scheduler: { later: async () => {} },
    log: quietLog,
    clock: () => new Date('2026-12-01T10:00:00Z'),
  };
  return startRuns(deps, pull);
}
