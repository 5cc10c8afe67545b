/** The Forge port on GitHub's REST API, through the installation's Octokit. */
import type { ProbotOctokit } from 'probot';
import type {
  Annotation,
  ChangedFile,
  CheckReport,
  CheckUpdate,
  Forge,
  PullRequestRef,
  PullState,
  RepoRef,
  ReviewRecord,
  TreeEntry,
} from '../forge.js';
import { BlobCache } from './blob-cache.js';
import { annotationsPerRequest, batches, checkOutputLimit, commentLimit, fitWithin, maxAnnotations } from './limits.js';

type Octokit = InstanceType<typeof ProbotOctokit>;

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

  async listTree({ owner, repo }: RepoRef, sha: string): Promise<TreeEntry[]> {
    const { data } = await this.octokit.rest.git.getTree({ owner, repo, tree_sha: sha, recursive: 'true' });
    // A partial listing could hide a governed file: refuse rather than judge half a repository.
    if (data.truncated)
      throw new Error(
        `the tree of ${owner}/${repo} at ${sha.slice(0, 7)} is too large for GitHub to list whole (over 100,000 entries)`,
      );
    return data.tree.filter((e) => e.type === 'blob' && e.path && e.sha).map((e) => ({ path: e.path!, id: e.sha! }));
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

  async publishCheck({ owner, repo }: RepoRef, report: CheckReport): Promise<void> {
    const annotations = report.annotations.slice(0, maxAnnotations).map(toGitHubAnnotation);
    const [first = [], ...rest] = batches(annotations, annotationsPerRequest);
    const output = {
      title: report.title.slice(0, 255),
      summary: fitWithin(report.summary, checkOutputLimit, 'a check run summary'),
      ...(report.text ? { text: fitWithin(report.text, checkOutputLimit, 'a check run text') } : {}),
    };
    const { data } = await this.octokit.rest.checks.create({
      owner,
      repo,
      name: report.name,
      head_sha: report.headSha,
      status: 'completed',
      conclusion: report.conclusion,
      output: { ...output, annotations: first },
    });
    // GitHub takes 50 annotations per request; later updates append to the ones already there.
    for (const batch of rest) {
      await this.octokit.rest.checks.update({
        owner,
        repo,
        check_run_id: data.id,
        output: { title: output.title, summary: output.summary, annotations: batch },
      });
    }
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
      headSha: data.head.sha,
      baseSha: data.base.sha,
      merged: data.merged,
      mergeSha: data.merge_commit_sha ?? undefined,
    };
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

  async startCheck({ owner, repo }: RepoRef, name: string, headSha: string, update: CheckUpdate): Promise<number> {
    const { data } = await this.octokit.rest.checks.create({
      owner,
      repo,
      name,
      head_sha: headSha,
      ...checkBody(update),
    });
    return data.id;
  }

  async updateCheck({ owner, repo }: RepoRef, id: number, update: CheckUpdate): Promise<void> {
    await this.octokit.rest.checks.update({ owner, repo, check_run_id: id, ...checkBody(update) });
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

  async createIssue(
    { owner, repo }: RepoRef,
    issue: { title: string; body: string; labels: string[] },
  ): Promise<number> {
    const { data } = await this.octokit.rest.issues.create({
      owner,
      repo,
      title: issue.title.slice(0, 250),
      body: fitWithin(issue.body, commentLimit, 'an issue'),
      labels: issue.labels,
    });
    return data.number;
  }
}

function checkBody(update: CheckUpdate) {
  return {
    status: update.status,
    ...(update.conclusion ? { conclusion: update.conclusion } : {}),
    output: {
      title: update.title.slice(0, 255),
      summary: fitWithin(update.summary, checkOutputLimit, 'a check run summary'),
      ...(update.text ? { text: fitWithin(update.text, checkOutputLimit, 'a check run text') } : {}),
    },
  };
}

function toGitHubAnnotation(a: Annotation) {
  return {
    path: a.path,
    start_line: a.line,
    end_line: a.line,
    ...(a.column ? { start_column: a.column, end_column: a.column } : {}),
    annotation_level: a.level,
    title: a.title.slice(0, 255),
    message: a.message.slice(0, 64 * 1024),
  };
}
