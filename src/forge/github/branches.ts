/** Branches as ZeroOps writes them: one commit per change, with a trailer saying the branch is ZeroOps' own. */
import { ForgeError, type ProposedChange, type RepoRef } from '../forge.js';
import { titleLimit } from './limits.js';
import type { Octokit } from './octokit.js';
import { listFiles } from './trees.js';

/** Ends the message of every commit ZeroOps writes. */
const trailer = 'Proposed-by: ZeroOps';

interface Head {
  sha: string;
  tree: string;
  /** Whether ZeroOps wrote the last commit, so may write on. */
  ours: boolean;
}

type TreeWrite = NonNullable<Parameters<Octokit['rest']['git']['createTree']>[0]>['tree'][number];

/** Someone moved the branch between our look and our write. */
export class Raced extends Error {
  constructor(readonly original: unknown) {
    super('the branch moved');
  }
}

export async function branchHead(octokit: Octokit, { owner, repo }: RepoRef, branch: string) {
  try {
    const { data } = await octokit.rest.repos.getBranch({ owner, repo, branch });
    const { tree, message } = data.commit.commit;
    return { sha: data.commit.sha, tree: tree.sha, ours: message.trimEnd().endsWith(trailer) } satisfies Head;
  } catch (error) {
    if ((error as { status?: number }).status === 404) return undefined;
    throw error;
  }
}

export async function defaultHead(octokit: Octokit, repo: RepoRef): Promise<{ name: string; head: Head }> {
  const { data } = await octokit.rest.repos.get({ owner: repo.owner, repo: repo.repo });
  const head = await branchHead(octokit, repo, data.default_branch);
  if (!head)
    throw new ForgeError('not_found', `${repo.owner}/${repo.repo} has no commit on ${data.default_branch} yet`);
  return { name: data.default_branch, head };
}

/** The tree of `base` with the files written and deleted; `base` itself when nothing changes. */
export async function writeTree(octokit: Octokit, repo: RepoRef, base: string, files: ProposedChange['files']) {
  const present = new Map((await listFiles(octokit, repo, base)).map((f) => [f.path, f]));
  const entries = Object.entries(files).flatMap(([path, text]): TreeWrite[] => {
    // An edit keeps the file's mode (a script stays executable).
    const mode = (present.get(path)?.mode ?? '100644') as TreeWrite['mode'];
    // GitHub refuses to delete a file that is not there: a deletion already done is skipped.
    if (text === null) return present.has(path) ? [{ path, mode, type: 'blob', sha: null }] : [];
    return [{ path, mode, type: 'blob', content: text }];
  });
  if (entries.length === 0) return base;
  const { owner, repo: name } = repo;
  const { data } = await octokit.rest.git.createTree({ owner, repo: name, base_tree: base, tree: entries });
  return data.sha;
}

/** Commit `tree` on `parent` and point `branch` at it: created when new, forced when `force`. */
export async function commitOnBranch(
  octokit: Octokit,
  { owner, repo }: RepoRef,
  at: { branch: string; exists: boolean; force: boolean },
  commit: { title: string; tree: string; parent: string },
): Promise<void> {
  const message = `${commit.title.slice(0, titleLimit)}\n\n${trailer}`;
  const { data } = await octokit.rest.git.createCommit({
    owner,
    repo,
    message,
    tree: commit.tree,
    parents: [commit.parent],
  });
  try {
    if (at.exists)
      await octokit.rest.git.updateRef({ owner, repo, ref: `heads/${at.branch}`, sha: data.sha, force: at.force });
    else await octokit.rest.git.createRef({ owner, repo, ref: `refs/heads/${at.branch}`, sha: data.sha });
  } catch (error) {
    // 422: the branch appeared since we looked, or moved on (no longer a fast-forward).
    if ((error as { status?: number }).status === 422) throw new Raced(error);
    throw error;
  }
}
