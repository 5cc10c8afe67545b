/** The Forge port on GitHub's REST API, through the installation's Octokit. */
import type {
  ChangedFile,
  CheckReport,
  CheckUpdate,
  Forge,
  IssueChanges,
  ProposedChange,
  PullRequestRef,
  PullState,
  RepoRef,
  ReviewRecord,
  TreeEntry,
} from '../forge.js';
import { BlobCache } from './blob-cache.js';
import { createIssue, issue, updateIssue } from './issues.js';
import { publishCheck, startCheck, updateCheck } from './checks.js';
import { commentLimit, fitWithin } from './limits.js';
import type { Octokit } from './octokit.js';
import { defaultBranch, proposeChange } from './proposals.js';
import { listFiles } from './trees.js';

const commentMarker = (topic: string) => `<!-- zeroops:${topic} -->`;

export class GitHubForge implements Forge {
  constructor(
    private readonly octokit: Octokit,
    private readonly blobs: BlobCache,
  ) {}

  async changedFiles({ owner, repo, number }: PullRequestRef): Promise<ChangedFile[]> {
    const files = await this.octokit.paginate(this.octokit.rest.pulls.listFiles, {
      owner,
      repo,
      pull_number: number,
      per_page: 100,
    });
    return files.map((f) => ({
      path: f.filename,
      status: f.status,
      ...(f.previous_filename ? { previousPath: f.previous_filename } : {}),
    }));
  }

  async listTree(repo: RepoRef, sha: string): Promise<TreeEntry[]> {
    return (await listFiles(this.octokit, repo, sha)).map((f) => ({ path: f.path, id: f.sha }));
  }

  async readBlob({ owner, repo }: RepoRef, entry: TreeEntry): Promise<string> {
    return this.blobs.get(entry.id, async () => {
      const { data } = await this.octokit.rest.git.getBlob({ owner, repo, file_sha: entry.id });
      return Buffer.from(data.content, data.encoding === 'base64' ? 'base64' : 'utf8').toString('utf8');
    });
  }

  async readFile({ owner, repo }: RepoRef, path: string, sha: string): Promise<string | undefined> {
    try {
      const { data } = await this.octokit.rest.repos.getContent({ owner, repo, path, ref: sha });
      if (Array.isArray(data) || data.type !== 'file' || !('content' in data)) return undefined;
      return Buffer.from(data.content, 'base64').toString('utf8');
    } catch (error) {
      if ((error as { status?: number }).status === 404) return undefined;
      throw error;
    }
  }

  publishCheck(repo: RepoRef, report: CheckReport): Promise<void> {
    return publishCheck(this.octokit, repo, report);
  }

  async upsertComment({ owner, repo, number }: PullRequestRef, topic: string, body: string): Promise<void> {
    const marker = commentMarker(topic);
    const text = fitWithin(`${marker}\n${body}`, commentLimit, 'a comment');
    const comments = await this.octokit.paginate(this.octokit.rest.issues.listComments, {
      owner,
      repo,
      issue_number: number,
      per_page: 100,
    });
    const mine = comments.find((c) => c.user?.type === 'Bot' && c.body?.startsWith(marker));
    if (mine?.body === text) return; // nothing new to say: no edit, no notification
    if (mine) await this.octokit.rest.issues.updateComment({ owner, repo, comment_id: mine.id, body: text });
    else await this.octokit.rest.issues.createComment({ owner, repo, issue_number: number, body: text });
  }

  async pullState({ owner, repo }: RepoRef, number: number): Promise<PullState> {
    const { data } = await this.octokit.rest.pulls.get({ owner, repo, pull_number: number });
    return {
      author: data.user.login,
      // A fork deleted since has no repository: not this one either.
      headRepo: data.head.repo?.full_name ?? '(a deleted fork)',
      headSha: data.head.sha,
      baseSha: data.base.sha,
      merged: data.merged,
      mergeSha: data.merge_commit_sha ?? undefined,
    };
  }

  async commitPeople({ owner, repo }: RepoRef, number: number): Promise<string[]> {
    // GitHub lists up to 250 commits of a pull request: more would be a history, not a change to review.
    const commits = await this.octokit.paginate(this.octokit.rest.pulls.listCommits, {
      owner,
      repo,
      pull_number: number,
      per_page: 100,
    });
    const logins = commits.flatMap((c) => [c.author?.login, c.committer?.login]);
    return [...new Set(logins.filter((l): l is string => typeof l === 'string' && l !== ''))];
  }

  async reviews({ owner, repo }: RepoRef, number: number): Promise<ReviewRecord[]> {
    const reviews = await this.octokit.paginate(this.octokit.rest.pulls.listReviews, {
      owner,
      repo,
      pull_number: number,
      per_page: 100,
    });
    return reviews.map((r) => ({
      user: r.user?.login ?? '',
      state: r.state as ReviewRecord['state'],
      commitSha: r.commit_id ?? '',
      submittedAt: r.submitted_at ?? '',
    }));
  }

  async permission({ owner, repo }: RepoRef, user: string) {
    try {
      const { data } = await this.octokit.rest.repos.getCollaboratorPermissionLevel({ owner, repo, username: user });
      return ((data as { role_name?: string }).role_name ?? data.permission) as Awaited<
        ReturnType<Forge['permission']>
      >;
    } catch (error) {
      if ((error as { status?: number }).status === 404) return 'none';
      throw error;
    }
  }

  async isTeamMember(team: string, user: string): Promise<boolean> {
    const [org, slug] = team.split('/') as [string, string];
    try {
      const { data } = await this.octokit.rest.teams.getMembershipForUserInOrg({
        org,
        team_slug: slug,
        username: user,
      });
      return data.state === 'active';
    } catch (error) {
      // 404: not a member; 403: the App may not read the team (no members permission): neither counts.
      if ([403, 404].includes((error as { status?: number }).status ?? 0)) return false;
      throw error;
    }
  }

  async branchSha({ owner, repo }: RepoRef, branch: string): Promise<string | undefined> {
    try {
      const { data } = await this.octokit.rest.repos.getBranch({ owner, repo, branch });
      return data.commit.sha;
    } catch (error) {
      if ((error as { status?: number }).status === 404) return undefined;
      throw error;
    }
  }

  startCheck(repo: RepoRef, name: string, headSha: string, update: CheckUpdate): Promise<number> {
    return startCheck(this.octokit, repo, name, headSha, update);
  }

  updateCheck(repo: RepoRef, id: number, update: CheckUpdate): Promise<void> {
    return updateCheck(this.octokit, repo, id, update);
  }

  async comment({ owner, repo }: RepoRef, number: number, body: string): Promise<void> {
    await this.octokit.rest.issues.createComment({
      owner,
      repo,
      issue_number: number,
      body: fitWithin(body, commentLimit, 'a comment'),
    });
  }

  async react(
    { owner, repo }: RepoRef,
    commentId: number,
    reaction: '+1' | '-1' | 'eyes' | 'rocket' | 'confused',
  ): Promise<void> {
    await this.octokit.rest.reactions.createForIssueComment({ owner, repo, comment_id: commentId, content: reaction });
  }

  createIssue(repo: RepoRef, fields: { title: string; body: string; labels: string[] }): Promise<number> {
    return createIssue(this.octokit, repo, fields);
  }

  updateIssue(repo: RepoRef, number: number, changes: IssueChanges): Promise<void> {
    return updateIssue(this.octokit, repo, number, changes);
  }

  issue(repo: RepoRef, number: number) {
    return issue(this.octokit, repo, number);
  }

  defaultBranch(repo: RepoRef): Promise<{ name: string; sha: string }> {
    return defaultBranch(this.octokit, repo);
  }

  proposeChange(repo: RepoRef, change: ProposedChange): Promise<{ number: number; url?: string }> {
    return proposeChange(this.octokit, repo, change);
  }
}
