/** What the GitHub double remembers: one repository's pull requests, reviews, checks, comments, issues. */
import type { GitRepo } from './git-repo.js';

export type Permission = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';

export interface User {
  login: string;
  id: number;
  type: 'User' | 'Bot';
}

export interface PullRequest {
  number: number;
  title: string;
  body: string;
  user: User;
  state: 'open' | 'closed';
  merged: boolean;
  mergeCommitSha: string | null;
  mergedBy: User | null;
  /** `fork`: the owner of the fork the head branch lives in (its pushes are theirs), not this repository. */
  head: { ref: string; sha: string; fork?: string };
  base: { ref: string; sha: string };
  labels: string[];
  createdAt: string;
  updatedAt: string;
}

export interface Review {
  id: number;
  pullNumber: number;
  user: User;
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED';
  body: string;
  commitId: string;
  submittedAt: string;
}

export interface CheckRun {
  id: number;
  name: string;
  headSha: string;
  status: string;
  conclusion: string | null;
  title?: string;
  summary?: string;
  text?: string;
  annotations: Record<string, unknown>[];
  externalId?: string;
  detailsUrl?: string;
  startedAt: string;
  completedAt: string | null;
}

export interface Comment {
  id: number;
  issueNumber: number;
  body: string;
  user: User;
  createdAt: string;
  updatedAt: string;
  reactions: string[];
}

export interface Issue {
  number: number;
  title: string;
  body: string;
  user: User;
  state: 'open' | 'closed';
  stateReason?: string | null;
  labels: string[];
  createdAt: string;
  closedAt?: string | null;
}

export class DoubleState {
  readonly users = new Map<string, User>();
  readonly permissions = new Map<string, Permission>();
  readonly pulls = new Map<number, PullRequest>();
  readonly reviews: Review[] = [];
  readonly checkRuns: CheckRun[] = [];
  readonly comments: Comment[] = [];
  readonly issues = new Map<number, Issue>();
  /** Members of teams, by `org/slug` in lower case. */
  readonly teams = new Map<string, Set<string>>();
  /** Issues and pull requests share one sequence of numbers, as on GitHub. */
  private nextNumber = 1;
  private nextId = 1000;

  constructor(
    readonly owner: string,
    readonly repoName: string,
    readonly defaultBranch: string,
    readonly git: GitRepo,
    readonly appSlug: string,
  ) {}

  user(login: string, type: User['type'] = 'User'): User {
    let user = this.users.get(login);
    if (!user) {
      user = { login, id: this.id(), type };
      this.users.set(login, user);
    }
    return user;
  }

  get bot(): User {
    return this.user(`${this.appSlug}[bot]`, 'Bot');
  }

  number(): number {
    return this.nextNumber++;
  }

  id(): number {
    return this.nextId++;
  }
}

export const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
