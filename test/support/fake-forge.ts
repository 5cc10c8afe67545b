/**
 * A stateful Forge in memory, for use-case tests of the port (never a stand-in for testing the
 * GitHub adapter, which is tested against the GitHub double). What ZeroOps says is kept to read.
 */
import {
  ForgeError,
  type ChangedFile,
  type CheckReport,
  type CheckUpdate,
  type Forge,
  type IssueChanges,
  type IssueRecord,
  type ProposedChange,
  type PullRequestRef,
  type PullState,
  type RepoRef,
  type ReviewRecord,
  type TreeEntry,
} from '../../src/forge/forge.js';

type Permission = Awaited<ReturnType<Forge['permission']>>;

export class FakeForge implements Forge {
  readonly comments: { number: number; body: string }[] = [];
  readonly reactions: { commentId: number; reaction: string }[] = [];
  readonly issues: IssueRecord[] = [];
  /** Pull requests ZeroOps proposed; `open` turns false when a test merges or closes one. */
  readonly proposals: (Required<ProposedChange> & { number: number; open: boolean })[] = [];
  /** The default branch and its head commit (its files, if any, in `trees`). */
  head = { name: 'main', sha: 'main-head' };
  readonly checks: { id: number; name: string; headSha: string; updates: CheckUpdate[] }[] = [];
  readonly published: CheckReport[] = [];
  readonly permissions = new Map<string, Permission>();
  readonly teams = new Map<string, string[]>();
  readonly reviewsOf = new Map<number, ReviewRecord[]>();
  /** Who wrote or committed each pull request's commits. */
  readonly committersOf = new Map<number, string[]>();
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

  async commitPeople(_repo: RepoRef, number: number): Promise<string[]> {
    return this.committersOf.get(number) ?? [];
  }

  async permission(_repo: RepoRef, user: string): Promise<Permission> {
    return this.permissions.get(user) ?? 'none';
  }

  async isTeamMember(team: string, user: string): Promise<boolean> {
    return (this.teams.get(team) ?? []).includes(user);
  }

  async branchSha(_repo: RepoRef, branch: string): Promise<string | undefined> {
    return branch === this.head.name ? this.head.sha : undefined;
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
    this.issues.push({ number, ...issue, labels: [...issue.labels], state: 'open', author: 'zeroops[bot]' });
    return number;
  }

  async updateIssue(_repo: RepoRef, number: number, changes: IssueChanges): Promise<void> {
    const issue = this.issues.find((i) => i.number === number);
    if (!issue) throw new ForgeError('not_found', `could not update issue #${number}: there is no such issue`);
    const given = Object.entries(changes).filter(([, value]) => value !== undefined);
    Object.assign(issue, Object.fromEntries(given), changes.labels ? { labels: [...changes.labels] } : {});
  }

  async issue(_repo: RepoRef, number: number): Promise<IssueRecord | undefined> {
    const issue = this.issues.find((i) => i.number === number);
    return issue && { ...issue, labels: [...issue.labels] };
  }

  async defaultBranch(): Promise<{ name: string; sha: string }> {
    return { ...this.head };
  }

  /** As on a forge: the open proposal of the same branch is updated, not opened twice. */
  async proposeChange(_repo: RepoRef, change: ProposedChange): Promise<{ number: number }> {
    const open = this.proposals.find((p) => p.open && p.branch === change.branch);
    if (open) {
      Object.assign(open, { title: change.title, body: change.body, files: { ...open.files, ...change.files } });
      open.labels = [...new Set([...open.labels, ...(change.labels ?? [])])];
      return { number: open.number };
    }
    const number = this.nextNumber++;
    this.proposals.push({ ...change, files: { ...change.files }, labels: change.labels ?? [], number, open: true });
    return { number };
  }

  /** What ZeroOps said on an issue or pull request, in order. */
  said(number: number): string[] {
    return this.comments.filter((c) => c.number === number).map((c) => c.body);
  }
}
