/** The Forge port: everything the bot does on GitHub or GitLab, in our words, not the vendor's. */

export interface RepoRef {
  owner: string;
  repo: string;
}

export interface PullRequestRef extends RepoRef {
  number: number;
  headSha: string;
  baseSha: string;
  /** The branch the pull request merges into. */
  baseRef: string;
  /** The repository's default branch: the one whose policy governs every execution. */
  defaultBranch: string;
}

export type ChangeStatus = 'added' | 'modified' | 'removed' | 'renamed' | 'copied' | 'changed' | 'unchanged';

export interface ChangedFile {
  path: string;
  status: ChangeStatus;
  /** The path before a rename. */
  previousPath?: string;
}

export interface TreeEntry {
  path: string;
  /** Content address of the file; equal ids mean equal contents. */
  id: string;
}

export type CheckConclusion = 'success' | 'failure' | 'neutral' | 'action_required';

export interface Annotation {
  path: string;
  line: number;
  column?: number;
  level: 'failure' | 'warning' | 'notice';
  title: string;
  message: string;
}

export interface CheckReport {
  name: string;
  headSha: string;
  conclusion: CheckConclusion;
  title: string;
  summary: string;
  text?: string;
  annotations: Annotation[];
}

export interface PullState {
  author: string;
  /** The repository the head branch lives in (`owner/name`): another one for a fork's pull request. */
  headRepo?: string;
  headSha: string;
  baseSha: string;
  merged: boolean;
  mergeSha?: string;
}

export interface ReviewRecord {
  user: string;
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' | 'PENDING';
  commitSha: string;
  submittedAt: string;
}

export interface CheckUpdate {
  status: 'in_progress' | 'completed';
  conclusion?: CheckConclusion;
  title: string;
  summary: string;
  text?: string;
}

export interface IssueRecord {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  labels: string[];
  author: string;
}

export interface IssueChanges {
  title?: string;
  body?: string;
  state?: 'open' | 'closed';
  /** Replace the issue's labels with these. */
  labels?: string[];
}

/** A change ZeroOps proposes as a pull request into the default branch. */
export interface ProposedChange {
  branch: string;
  title: string;
  body: string;
  /** Path → new text; null deletes the file. */
  files: Record<string, string | null>;
  labels?: string[];
}

export type ForgeErrorCode = 'not_found' | 'conflict' | 'invalid' | 'forbidden' | 'unavailable';

/** What went wrong on the forge, in plain words; `unavailable` is worth retrying, the others are not. */
export class ForgeError extends Error {
  constructor(
    readonly code: ForgeErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ForgeError';
  }
}

export interface Forge {
  changedFiles(pr: PullRequestRef): Promise<ChangedFile[]>;
  listTree(repo: RepoRef, sha: string): Promise<TreeEntry[]>;
  readBlob(repo: RepoRef, entry: TreeEntry): Promise<string>;
  /** The text of a file at a commit, or undefined when it does not exist there. */
  readFile(repo: RepoRef, path: string, sha: string): Promise<string | undefined>;
  publishCheck(repo: RepoRef, report: CheckReport): Promise<void>;
  /** One comment per topic on the pull request, created once and edited in place after. */
  upsertComment(pr: PullRequestRef, topic: string, body: string): Promise<void>;

  pullState(repo: RepoRef, number: number): Promise<PullState>;
  reviews(repo: RepoRef, number: number): Promise<ReviewRecord[]>;
  /**
   * The logins of who wrote and committed the pull request's commits (those the forge can tie to an
   * account), whenever they were pushed: before the pull request was opened, or while it was closed.
   */
  commitPeople(repo: RepoRef, number: number): Promise<string[]>;
  permission(repo: RepoRef, user: string): Promise<'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none'>;
  /** Whether `user` is an active member of the team `org/slug`. */
  isTeamMember(team: string, user: string): Promise<boolean>;
  /** The commit a branch points at now; undefined when there is no such branch. */
  branchSha(repo: RepoRef, branch: string): Promise<string | undefined>;
  /** A check run that will be updated: returns its id. */
  startCheck(repo: RepoRef, name: string, headSha: string, update: CheckUpdate): Promise<number>;
  updateCheck(repo: RepoRef, id: number, update: CheckUpdate): Promise<void>;
  /** A new comment on an issue or pull request. */
  comment(repo: RepoRef, number: number, body: string): Promise<void>;
  react(repo: RepoRef, commentId: number, reaction: '+1' | '-1' | 'eyes' | 'rocket' | 'confused'): Promise<void>;
  createIssue(repo: RepoRef, issue: { title: string; body: string; labels: string[] }): Promise<number>;
  updateIssue(repo: RepoRef, number: number, changes: IssueChanges): Promise<void>;
  /** An issue (never a pull request), or undefined when there is no such issue. */
  issue(repo: RepoRef, number: number): Promise<IssueRecord | undefined>;
  /** The default branch and the commit it points at now. */
  defaultBranch(repo: RepoRef): Promise<{ name: string; sha: string }>;
  /**
   * Commit `files` on `branch` (made from the default branch) and open a pull request into the
   * default branch. Idempotent: on ZeroOps' own branch with an open pull request, the files are
   * committed there and that pull request is returned; a branch someone else owns is refused.
   */
  proposeChange(repo: RepoRef, change: ProposedChange): Promise<{ number: number; url?: string }>;
}
