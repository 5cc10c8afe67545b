/** The double's state in the JSON shapes GitHub's REST API returns (the fields clients read). */
import type { CommitInfo } from './git-data.js';
import { loginOfEmail } from './git-repo.js';
import type { CheckRun, Comment, DoubleState, Issue, PullRequest, Review, User } from './state.js';

export const userJson = (u: User) => ({ login: u.login, id: u.id, type: u.type, site_admin: false });

export function repositoryJson(s: DoubleState) {
  return {
    id: 4242,
    name: s.repoName,
    full_name: `${s.owner}/${s.repoName}`,
    private: true,
    default_branch: s.defaultBranch,
    owner: { login: s.owner, id: 1, type: 'Organization' },
  };
}

/** A fork of the repository, owned by `owner`. */
function forkJson(s: DoubleState, owner: string) {
  return {
    ...repositoryJson(s),
    id: 5000 + [...owner].reduce((sum, c) => sum + c.charCodeAt(0), 0),
    full_name: `${owner}/${s.repoName}`,
    private: false,
    owner: { login: owner, id: 2, type: 'User' },
  };
}

export function pullJson(s: DoubleState, p: PullRequest) {
  return {
    id: 100_000 + p.number,
    number: p.number,
    state: p.state,
    title: p.title,
    body: p.body,
    user: userJson(p.user),
    merged: p.merged,
    merge_commit_sha: p.mergeCommitSha,
    merged_by: p.mergedBy && userJson(p.mergedBy),
    merged_at: p.merged ? p.updatedAt : null,
    closed_at: p.state === 'closed' ? p.updatedAt : null,
    created_at: p.createdAt,
    updated_at: p.updatedAt,
    draft: false,
    labels: p.labels.map((name) => ({ name })),
    head: {
      ref: p.head.ref,
      sha: p.head.sha,
      repo: p.head.fork ? forkJson(s, p.head.fork) : repositoryJson(s),
      user: userJson(p.user),
    },
    base: {
      ref: p.base.ref,
      sha: p.base.sha,
      repo: repositoryJson(s),
      user: { login: s.owner, id: 1, type: 'Organization' },
    },
    html_url: `https://github.com/${s.owner}/${s.repoName}/pull/${p.number}`,
  };
}

export const reviewJson = (r: Review) => ({
  id: r.id,
  user: userJson(r.user),
  state: r.state,
  body: r.body,
  commit_id: r.commitId,
  submitted_at: r.submittedAt,
});

export const checkRunJson = (c: CheckRun) => ({
  id: c.id,
  name: c.name,
  head_sha: c.headSha,
  status: c.status,
  conclusion: c.conclusion,
  external_id: c.externalId ?? null,
  details_url: c.detailsUrl ?? null,
  started_at: c.startedAt,
  completed_at: c.completedAt,
  output: {
    title: c.title ?? null,
    summary: c.summary ?? null,
    text: c.text ?? null,
    annotations_count: c.annotations.length,
  },
  app: { id: 1, slug: 'zeroops' },
  pull_requests: [],
});

export const commentJson = (c: Comment) => ({
  id: c.id,
  body: c.body,
  user: userJson(c.user),
  created_at: c.createdAt,
  updated_at: c.updatedAt,
  html_url: `https://github.com/comment/${c.id}`,
});

export const issueJson = (i: Issue) => ({
  id: 200_000 + i.number,
  number: i.number,
  title: i.title,
  body: i.body,
  user: userJson(i.user),
  state: i.state,
  state_reason: i.stateReason ?? null,
  labels: i.labels.map((name) => ({ name })),
  created_at: i.createdAt,
  closed_at: i.closedAt ?? null,
  html_url: `https://github.com/issues/${i.number}`,
});

export const commitJson = (c: CommitInfo) => ({
  sha: c.sha,
  node_id: '',
  url: '',
  html_url: '',
  author: c.author,
  committer: c.committer,
  message: c.message,
  tree: { sha: c.tree, url: '' },
  parents: c.parents.map((sha) => ({ sha, url: '', html_url: '' })),
  verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
});

/** A pull request's commit: git's own author and committer, and the accounts GitHub ties them to. */
export function pullCommitJson(s: DoubleState, c: CommitInfo) {
  const account = (email: string) => {
    const login = loginOfEmail(email);
    return login === undefined ? null : userJson(s.user(login));
  };
  const { committer } = c;
  return {
    sha: c.sha,
    node_id: '',
    url: '',
    html_url: '',
    comments_url: '',
    commit: {
      url: '',
      author: c.author,
      committer,
      message: c.message,
      comment_count: 0,
      tree: { sha: c.tree, url: '' },
    },
    author: account(c.author.email),
    committer: account(committer.email),
    parents: c.parents.map((sha) => ({ sha, url: '', html_url: '' })),
  };
}

export const refJson = (ref: string, sha: string) => ({
  ref,
  node_id: '',
  url: '',
  object: { type: 'commit', sha, url: '' },
});
