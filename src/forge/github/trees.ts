/** Every file of a commit or tree, as one listing: GitHub lists at most 100,000 entries at once. */
import { ForgeError, type RepoRef } from '../forge.js';
import type { Octokit } from './octokit.js';

interface FileEntry {
  path: string;
  sha: string;
  mode: string;
}

export async function listFiles(octokit: Octokit, { owner, repo }: RepoRef, sha: string): Promise<FileEntry[]> {
  const { data } = await octokit.rest.git.getTree({ owner, repo, tree_sha: sha, recursive: 'true' });
  // A partial listing could hide a governed file: refuse rather than judge half a repository.
  if (data.truncated)
    throw new ForgeError(
      'invalid',
      `the tree of ${owner}/${repo} at ${sha.slice(0, 7)} is too large for GitHub to list whole (over 100,000 entries)`,
    );
  return data.tree
    .filter((e) => e.type === 'blob' && e.path && e.sha)
    .map((e) => ({ path: e.path!, sha: e.sha!, mode: e.mode ?? '100644' }));
}
