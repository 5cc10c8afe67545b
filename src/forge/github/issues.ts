/** Issues on GitHub: incidents are filed, edited in place as they evolve, and closed when resolved. */
import type { IssueChanges, IssueRecord, RepoRef } from '../forge.js';
import { translated } from './errors.js';
import { commentLimit, fitWithin, titleLimit } from './limits.js';
import type { Octokit } from './octokit.js';

export function createIssue(
  octokit: Octokit,
  { owner, repo }: RepoRef,
  issue: { title: string; body: string; labels: string[] },
): Promise<number> {
  return translated(`open an issue in ${owner}/${repo}`, async () => {
    const { data } = await octokit.rest.issues.create({
      owner,
      repo,
      title: issue.title.slice(0, titleLimit),
      body: fitWithin(issue.body, commentLimit, 'an issue'),
      labels: issue.labels,
    });
    return data.number;
  });
}

export async function updateIssue(
  octokit: Octokit,
  { owner, repo }: RepoRef,
  number: number,
  changes: IssueChanges,
): Promise<void> {
  const { title, body, state, labels } = changes;
  await translated(`update issue #${number} of ${owner}/${repo}`, () =>
    octokit.rest.issues.update({
      owner,
      repo,
      issue_number: number,
      ...(title !== undefined ? { title: title.slice(0, titleLimit) } : {}),
      ...(body !== undefined ? { body: fitWithin(body, commentLimit, 'an issue') } : {}),
      // ZeroOps closes an incident when it is resolved: "completed", not "not planned".
      ...(state ? { state, state_reason: state === 'closed' ? ('completed' as const) : ('reopened' as const) } : {}),
      // GitHub replaces the issue's labels with the ones given.
      ...(labels ? { labels } : {}),
    }),
  );
}

export function issue(octokit: Octokit, { owner, repo }: RepoRef, number: number): Promise<IssueRecord | undefined> {
  return translated(`read issue #${number} of ${owner}/${repo}`, async () => {
    try {
      const { data } = await octokit.rest.issues.get({ owner, repo, issue_number: number });
      // On GitHub a pull request is also an issue; the port speaks of issues only.
      if (data.pull_request) return undefined;
      return {
        number: data.number,
        title: data.title,
        body: data.body ?? '',
        state: data.state === 'closed' ? 'closed' : 'open',
        labels: data.labels.map((l) => (typeof l === 'string' ? l : (l.name ?? ''))).filter(Boolean),
        author: data.user?.login ?? '',
      };
    } catch (error) {
      // 404: never was; 410: deleted.
      if ([404, 410].includes((error as { status?: number }).status ?? 0)) return undefined;
      throw error;
    }
  });
}
