/**
 * A stateful Forge in memory, for use-case tests of the port (never a stand-in for testing the
 * GitHub adapter, which is tested against the GitHub double). What ZeroOps says is kept to read.
 */
import type {
  ChangedFile,
  CheckReport,
  CheckUpdate,
  Forge,
  PullRequestRef,
  PullState,
  RepoRef,
  ReviewRecord,
  TreeEntry,
} from '../../src/forge/forge.js';

type Permission = Awaited<ReturnType<Forge['permission']>>;

export class FakeForge implements Forge {
  readonly comments: { number: number; body: string }[] = [];
  readonly reactions: { commentId: number; reaction: string }[] = [];
  readonly issues: { number: number; title: string; body: string; labels: string[] }[] = [];
  readonly checks: { id: number; name: string; headSha: string; updates: CheckUpdate[] }[] = [];
  readonly published: CheckReport[] = [];
  readonly permissions = new Map<string, Permission>();
  readonly teams = new Map<string, string[]>();
  readonly reviewsOf = new Map<number, ReviewRecord[]>();
  readonly pulls = new Map<number, PullState>();
  /** Files per commit: path → text. */
  readonly trees = new Map<string, Record<string, string>>();
  private nextNumber = 100;

  async changedFiles(): Promise<ChangedFile[]> {
    return [];
  }

  async listTree(_repo: RepoRef, sha: string): Promise<TreeEntry[]> {
    return Object.keys(this.trees.get(sha) ?? {}).map((path) => ({ path, id: `${sha}:${path}` }));
  }

  async readBlob(_repo: RepoRef, entry: TreeEntry): Promise<string> {
    const [sha] = entry.id.split(':');
    const text = this.trees.get(sha!)?.[entry.path];
    if (text === undefined) throw new Error(`no blob ${entry.id}`);
    return text;
  }

  async readFile(_repo: RepoRef, path: string, sha: string): Promise<string | undefined> {
    return this.trees.get(sha)?.[path];
  }

  async publishCheck(_repo: RepoRef, report: CheckReport): Promise<void> {
    this.published.push(report);
  }

  async upsertComment(pr: PullRequestRef, _topic: string, body: string): Promise<void> {
    this.comments.push({ number: pr.number, body });
  }

  async pullState(_repo: RepoRef, number: number): Promise<PullState> {
    const pull = this.pulls.get(number);
    if (!pull) throw new Error(`no pull request #${number}`);
    return pull;
  }

  async reviews(_repo: RepoRef, number: number): Promise<ReviewRecord[]> {
    return this.reviewsOf.get(number) ?? [];
  }

  async permission(_repo: RepoRef, user: string): Promise<Permission> {
    return this.permissions.get(user) ?? 'none';
  }

  async isTeamMember(team: string, user: string): Promise<boolean> {
    return (this.teams.get(team) ?? []).includes(user);
  }

  async branchSha(): Promise<string | undefined> {
    return undefined;
  }

  async startCheck(_repo: RepoRef, name: string, headSha: string, update: CheckUpdate): Promise<number> {
    const id = this.checks.length + 1;
    this.checks.push({ id, name, headSha, updates: [update] });
    return id;
  }

  async updateCheck(_repo: RepoRef, id: number, update: CheckUpdate): Promise<void> {
    this.checks.find((c) => c.id === id)?.updates.push(update);
  }

  async comment(_repo: RepoRef, number: number, body: string): Promise<void> {
    this.comments.push({ number, body });
  }

  async react(_repo: RepoRef, commentId: number, reaction: string): Promise<void> {
    this.reactions.push({ commentId, reaction });
  }

  async createIssue(_repo: RepoRef, issue: { title: string; body: string; labels: string[] }): Promise<number> {
    const number = this.nextNumber++;
    this.issues.push({ number, ...issue });
    return number;
  }

  /** What ZeroOps said on an issue or pull request, in order. */
  said(number: number): string[] {
    return this.comments.filter((c) => c.number === number).map((c) => c.body);
  }
}
