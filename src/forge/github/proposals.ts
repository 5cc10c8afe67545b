/**
 * Changes ZeroOps proposes itself (a postmortem, its own config) as pull requests into the default
 * branch, idempotently: a job that runs twice finds its branch and pull request and updates them.
 */
import { ForgeError, type ProposedChange, type RepoRef } from '../forge.js';
import { branchHead, commitOnBranch, defaultHead, Raced, writeTree } from './branches.js';
import { translated } from './errors.js';
import { commentLimit, fitWithin, titleLimit } from './limits.js';
import type { Octokit } from './octokit.js';

type Proposal = { number: number; url?: string };
type Pull = { number: number; title: string; body: string | null; html_url: string; labels: { name?: string }[] };

export function defaultBranch(octokit: Octokit, repo: RepoRef): Promise<{ name: string; sha: string }> {
  return translated(`read the default branch of ${repo.owner}/${repo.repo}`, async () => {
    const { name, head } = await defaultHead(octokit, repo);
    return { name, sha: head.sha };
  });
}

export function proposeChange(octokit: Octokit, repo: RepoRef, change: ProposedChange): Promise<Proposal> {
  return translated(`propose "${change.title}" on branch ${change.branch} of ${repo.owner}/${repo.repo}`, async () => {
    try {
      return await propose(octokit, repo, change);
    } catch (error) {
      if (!(error instanceof Raced)) throw error;
    }
    // Most likely another run of the same job moved the branch: look again, once.
    try {
      return await propose(octokit, repo, change);
    } catch (error) {
      throw error instanceof Raced ? error.original : error;
    }
  });
}

async function propose(octokit: Octokit, repo: RepoRef, change: ProposedChange): Promise<Proposal> {
  const base = await defaultHead(octokit, repo);
  const branch = await branchHead(octokit, repo, change.branch);
  if (branch && !branch.ours)
    throw new ForgeError(
      'conflict',
      `branch ${change.branch} exists and its last commit is not ZeroOps': left as it is`,
    );
  const open = branch && (await openPull(octokit, repo, change.branch));
  // Under review, the branch keeps its history for reviewers; otherwise (merged, closed, never
  // opened) it starts again from the default branch.
  const parent = open ? branch : base.head;
  const tree = await writeTree(octokit, repo, parent.tree, change.files);
  if (tree === parent.tree && !open)
    throw new ForgeError('invalid', `nothing to propose: ${base.name} of ${repo.owner}/${repo.repo} already reads so`);
  if (tree !== parent.tree)
    await commitOnBranch(
      octokit,
      repo,
      { branch: change.branch, exists: branch !== undefined, force: !open },
      { title: change.title, tree, parent: parent.sha },
    );
  return open ? refreshPull(octokit, repo, open, change) : openPullRequest(octokit, repo, base.name, change);
}

async function openPull(octokit: Octokit, { owner, repo }: RepoRef, branch: string): Promise<Pull | undefined> {
  const { data } = await octokit.rest.pulls.list({ owner, repo, head: `${owner}:${branch}`, state: 'open' });
  return data[0];
}

const text = (change: ProposedChange) => ({
  title: change.title.slice(0, titleLimit),
  body: fitWithin(change.body, commentLimit, 'a pull request'),
});

async function openPullRequest(octokit: Octokit, repo: RepoRef, base: string, change: ProposedChange) {
  const { owner, repo: name } = repo;
  const { data } = await octokit.rest.pulls.create({ owner, repo: name, head: change.branch, base, ...text(change) });
  await addLabels(octokit, repo, data.number, change.labels ?? []);
  return { number: data.number, url: data.html_url };
}

async function refreshPull(octokit: Octokit, repo: RepoRef, pull: Pull, change: ProposedChange) {
  const { title, body } = text(change);
  if (pull.title !== title || (pull.body ?? '') !== body)
    await octokit.rest.pulls.update({ owner: repo.owner, repo: repo.repo, pull_number: pull.number, title, body });
  const has = new Set(pull.labels.map((l) => l.name));
  await addLabels(
    octokit,
    repo,
    pull.number,
    (change.labels ?? []).filter((l) => !has.has(l)),
  );
  return { number: pull.number, url: pull.html_url };
}

async function addLabels(octokit: Octokit, { owner, repo }: RepoRef, number: number, labels: string[]) {
  // A pull request's labels are those of its issue.
  if (labels.length > 0) await octokit.rest.issues.addLabels({ owner, repo, issue_number: number, labels });
}
