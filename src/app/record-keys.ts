/** Keys of what ZeroOps keeps in the store about repositories and pull requests. */
import type { RepoRef } from '../forge/forge.js';

export const repoKey = (repo: RepoRef) => `${repo.owner}/${repo.repo}`;
export const planRecordId = (repo: RepoRef, number: number, sha: string) => `${repoKey(repo)}#${number}@${sha}`;
export const pullRecordId = (repo: RepoRef, number: number) => `${repoKey(repo)}#${number}`;
/** Who asked ZeroOps in words for the pull request ZeroOps opened: kept apart from what webhooks rewrite. */
export const requestersKey = (repo: RepoRef, number: number) => `requested-by/${pullRecordId(repo, number)}`;

/**
 * Who brought a governed change in without its approval (the pull request's author, pushers and
 * merger): they cannot approve that file until the branch's approved state moves on.
 */
export const governedWroteKey = (repo: RepoRef, branch: string, approvedSha: string, path: string) =>
  `governed-by/${repoKey(repo)}@${branch}/${approvedSha}/${path}`;
