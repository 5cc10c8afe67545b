/**
 * The GitHub double: a repository with pull requests, reviews, checks, comments and issues, served
 * over HTTP as GitHub's REST API (validated against its OpenAPI description), sending signed
 * webhooks to the app, and driven by tests and the demo through the scripting methods below.
 */
import { generateKeyPairSync } from 'node:crypto';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { AppManifests } from './app-manifests.js';
import { AppAuth } from './auth.js';
import { GitRepo, type FileChanges } from './git-repo.js';
import { preloadOpenApi } from './openapi.js';
import { moveBase } from './pull-routes.js';
import { commentJson } from './representations.js';
import { createDoubleServer, type RequestRecord } from './server.js';
import { DoubleState, now, type Permission, type PullRequest, type Review } from './state.js';
import { deliver, issueFields, payload, pullRequestFields, type Delivery, type WebhookTarget } from './webhooks.js';

export interface GitHubDoubleOptions {
  dir: string;
  owner?: string;
  repo?: string;
  /** Files of the default branch's first commit. */
  files?: FileChanges;
  appId?: string;
  installationId?: number;
}

export class GitHubDouble {
  readonly appId: string;
  readonly privateKey: string;
  readonly installationId: number;
  readonly violations: string[] = [];
  readonly requests: RequestRecord[] = [];
  readonly deliveries: Delivery[] = [];
  /** The GitHub Apps the double knows, and the App-manifest flow. */
  readonly apps: AppManifests;
  url = '';
  private target?: WebhookTarget;
  /** Webhooks set off by writes through the API, sent one after another after the reply. */
  private sending: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly state: DoubleState,
    private readonly server: Server,
    apps: AppManifests,
    appId: string,
    privateKey: string,
    installationId: number,
  ) {
    this.apps = apps;
    this.appId = appId;
    this.privateKey = privateKey;
    this.installationId = installationId;
  }

  static async start(options: GitHubDoubleOptions): Promise<GitHubDouble> {
    preloadOpenApi();
    const { repo, sha: _initial } = await GitRepo.create(
      join(options.dir, 'repo'),
      'main',
      options.files ?? { 'README.md': '# ops\n' },
    );
    const state = new DoubleState(options.owner ?? 'acme', options.repo ?? 'ops', 'main', repo, 'zeroops');
    const privateKey = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs1', format: 'pem' })
      .toString();
    const appId = options.appId ?? '4242';
    const installationId = options.installationId ?? 77;
    const auth = new AppAuth(appId, privateKey);
    const hooks = {
      state,
      auth,
      apps: new AppManifests(state, auth),
      installationId,
      violations: [] as string[],
      requests: [] as RequestRecord[],
      webhook: (event: string, action: string, fields: Record<string, unknown>) => double.later(event, action, fields),
    };
    const server = createDoubleServer(hooks);
    const double = new GitHubDouble(state, server, hooks.apps, appId, privateKey, installationId);
    hooks.violations = double.violations;
    hooks.requests = double.requests;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    double.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    return double;
  }

  /** Where to send webhooks, and the secret to sign them with. */
  connectApp(target: WebhookTarget): void {
    this.target = target;
  }

  setPermission(login: string, permission: Permission): void {
    this.state.user(login);
    this.state.permissions.set(login, permission);
  }

  /** A team `org/slug` and its members (logins), as GitHub's team membership API answers. */
  setTeam(team: string, members: string[]): void {
    this.state.teams.set(team.toLowerCase(), new Set(members.map((m) => m.toLowerCase())));
  }

  /**
   * A commit pushed straight to a branch (created from the default branch if new), without a pull
   * request; written by `author` (a login) when given.
   */
  pushBranch(branch: string, files: FileChanges, message = `Push to ${branch}`, author?: string): Promise<string> {
    return this.state.git.commit(branch, files, message, this.state.defaultBranch, author);
  }

  /** A pull request from a new branch into `base` (the default branch unless said). */
  async openPullRequest(input: {
    title: string;
    branch: string;
    files: FileChanges;
    author: string;
    body?: string;
    base?: string;
    /** The head branch lives in a fork owned by this login (a contribution from outside). */
    fork?: string;
  }): Promise<{ number: number; delivery: Delivery }> {
    const { state } = this;
    const base = input.base ?? state.defaultBranch;
    const baseSha = await state.git.resolve(base);
    if (!baseSha) throw new Error(`no branch ${base} to open a pull request against`);
    const headSha = await state.git.commit(input.branch, input.files, input.title, base, input.author);
    const pr: PullRequest = {
      number: state.number(),
      title: input.title,
      body: input.body ?? '',
      user: state.user(input.author),
      state: 'open',
      merged: false,
      mergeCommitSha: null,
      mergedBy: null,
      head: { ref: input.branch, sha: headSha, ...(input.fork ? { fork: input.fork } : {}) },
      base: { ref: base, sha: baseSha },
      labels: [],
      createdAt: now(),
      updatedAt: now(),
    };
    state.pulls.set(pr.number, pr);
    return {
      number: pr.number,
      delivery: await this.send('pull_request', 'opened', pr.user, pullRequestFields(state, pr)),
    };
  }

  async push(number: number, files: FileChanges, pusher?: string): Promise<Delivery> {
    const pr = this.pull(number);
    const before = pr.head.sha;
    pr.head.sha = await this.state.git.commit(
      pr.head.ref,
      files,
      `Update ${pr.title}`,
      undefined,
      pusher ?? pr.user.login,
    );
    pr.updatedAt = now();
    return this.send('pull_request', 'synchronize', this.state.user(pusher ?? pr.user.login), {
      ...pullRequestFields(this.state, pr),
      before,
      after: pr.head.sha,
    });
  }

  /** Moves a pull request to another base branch, as editing it on GitHub does; `lost`: its webhook never arrives. */
  async retarget(number: number, base: string, editor: string, lost = false): Promise<Delivery | undefined> {
    const pr = this.pull(number);
    const changes = { base: await moveBase(this.state, pr, base) };
    if (lost) return undefined;
    return this.send('pull_request', 'edited', this.state.user(editor), {
      ...pullRequestFields(this.state, pr),
      changes,
    });
  }

  async review(number: number, reviewer: string, state: Review['state'], body = ''): Promise<Delivery> {
    const pr = this.pull(number);
    const review: Review = {
      id: this.state.id(),
      pullNumber: number,
      user: this.state.user(reviewer),
      state,
      body,
      commitId: pr.head.sha,
      submittedAt: now(),
    };
    this.state.reviews.push(review);
    const reviewPayload = {
      id: review.id,
      user: review.user,
      body,
      state: state.toLowerCase(),
      commit_id: review.commitId,
      submitted_at: review.submittedAt,
    };
    return this.send('pull_request_review', 'submitted', review.user, {
      ...pullRequestFields(this.state, pr),
      review: reviewPayload,
    });
  }

  async comment(number: number, author: string, body: string): Promise<Delivery> {
    const comment = {
      id: this.state.id(),
      issueNumber: number,
      body,
      user: this.state.user(author),
      createdAt: now(),
      updatedAt: now(),
      reactions: [],
    };
    this.state.comments.push(comment);
    const pr = this.state.pulls.get(number);
    const filed = this.state.issues.get(number);
    const issue = pr
      ? { number, title: pr.title, state: pr.state, user: pr.user, pull_request: { url: '' } }
      : filed
        ? issueFields(filed).issue
        : { number };
    return this.send('issue_comment', 'created', comment.user, { issue, comment: commentJson(comment) });
  }

  /** A person opens an issue from the web page (no webhook is sent: ZeroOps acts on comments, not on new issues). */
  openIssue(input: { title: string; body: string; author: string }): number {
    const number = this.state.number();
    const user = this.state.user(input.author);
    this.state.issues.set(number, {
      ...input,
      number,
      user,
      state: 'open',
      labels: [],
      createdAt: now(),
      closedAt: null,
    });
    return number;
  }

  /** A person closes an issue from the web page: its state changes and the \`issues.closed\` webhook names them. */
  async closeIssue(number: number, by: string): Promise<Delivery> {
    const issue = this.state.issues.get(number);
    if (!issue) throw new Error(`no issue #${number}`);
    Object.assign(issue, { state: 'closed', stateReason: 'completed', closedAt: now() });
    return this.send('issues', 'closed', this.state.user(by), issueFields(issue));
  }

  /** The issues filed so far, open or closed. */
  issues() {
    return [...this.state.issues.values()];
  }

  async merge(number: number, by: string): Promise<Delivery> {
    const pr = this.pull(number);
    const sha = await this.state.git.merge(
      pr.head.ref,
      pr.base.ref,
      `Merge pull request #${number} from ${pr.head.ref}`,
    );
    Object.assign(pr, {
      state: 'closed',
      merged: true,
      mergeCommitSha: sha,
      mergedBy: this.state.user(by),
      updatedAt: now(),
    });
    return this.send('pull_request', 'closed', this.state.user(by), pullRequestFields(this.state, pr));
  }

  /** Send a delivery again: with the same id, as "Redeliver" on GitHub does, or as a new delivery. */
  redeliver(delivery: Delivery, options: { sameId: boolean } = { sameId: true }): Promise<Delivery> {
    return this.deliver(delivery.event, delivery.payload, options.sameId ? delivery.id : undefined);
  }

  /** Wait for the webhooks that writes through the API have set off so far. */
  async settled(): Promise<void> {
    await this.sending;
  }

  /** The files of a branch or commit: path → text. */
  async files(ref: string): Promise<Record<string, string>> {
    const sha = await this.state.git.resolve(ref);
    if (!sha) throw new Error(`no branch or commit ${ref}`);
    const entries = await this.state.git.tree(sha);
    return Object.fromEntries(
      await Promise.all(entries.map(async (e) => [e.path, (await this.state.git.blob(e.sha))!.toString('utf8')])),
    );
  }

  checkRuns(sha?: string) {
    return this.state.checkRuns.filter((c) => sha === undefined || c.headSha === sha);
  }

  comments(number: number) {
    return this.state.comments.filter((c) => c.issueNumber === number);
  }

  pull(number: number): PullRequest {
    const pr = this.state.pulls.get(number);
    if (!pr) throw new Error(`no pull request #${number}`);
    return pr;
  }

  async stop(): Promise<void> {
    await this.settled();
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }

  /** GitHub sends a write's webhook after answering it; an app that is down misses it, as on GitHub. */
  private later(event: string, action: string, fields: Record<string, unknown>): void {
    if (!this.target) return;
    const body = payload(this.state, this.installationId, event, action, this.state.bot, fields);
    this.sending = this.sending.then(() => this.deliver(event, body)).catch(() => undefined);
  }

  private send(
    event: string,
    action: string,
    sender: ReturnType<DoubleState['user']>,
    fields: Record<string, unknown>,
  ): Promise<Delivery> {
    return this.deliver(event, payload(this.state, this.installationId, event, action, sender, fields));
  }

  private async deliver(event: string, body: Record<string, unknown>, id?: string): Promise<Delivery> {
    if (!this.target) throw new Error('connectApp() first: the double has no app to send webhooks to');
    const delivery = await deliver(this.target, event, body, id);
    this.deliveries.push(delivery);
    return delivery;
  }
}
