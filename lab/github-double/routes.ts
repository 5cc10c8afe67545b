/** The operations the double implements, by GitHub operation id. Requests reach them validated. */
import { gitRoutes } from './git-routes.js';
import { issueRoutes } from './issue-routes.js';
import { pullRoutes } from './pull-routes.js';
import { commitsOfRange } from './git-data.js';
import { checkRunJson, commentJson, pullCommitJson, pullJson, reviewJson } from './representations.js';
import { notFound, page, type Handler, type Json, type RouteContext } from './route-kit.js';
import { now, type CheckRun } from './state.js';

const pull = (ctx: RouteContext) => ctx.state.pulls.get(Number(ctx.params.pull_number ?? ctx.params.issue_number));

const coreRoutes: Record<string, Handler> = {
  'pulls/get': (ctx) => {
    const p = pull(ctx);
    return p ? [200, pullJson(ctx.state, p)] : notFound;
  },
  'pulls/list-files': async (ctx) => {
    const p = pull(ctx);
    if (!p) return notFound;
    const files = await ctx.state.git.changes(p.base.sha, p.head.sha);
    return [
      200,
      page(
        files.map((f) => ({ ...f, sha: '0'.repeat(40), additions: 0, deletions: 0, changes: 0 })),
        ctx.query,
      ),
    ];
  },
  'pulls/list-commits': async (ctx) => {
    const p = pull(ctx);
    if (!p) return notFound;
    const commits = await commitsOfRange(ctx.state.git, p.base.sha, p.head.sha);
    return [
      200,
      page(
        commits.map((c) => pullCommitJson(ctx.state, c)),
        ctx.query,
      ),
    ];
  },
  'pulls/list-reviews': (ctx) => [
    200,
    page(ctx.state.reviews.filter((r) => r.pullNumber === Number(ctx.params.pull_number)).map(reviewJson), ctx.query),
  ],
  'git/get-tree': async (ctx) => {
    // GitHub lists a tree by its own sha or by a commit's.
    const sha =
      (await ctx.state.git.resolve(ctx.params.tree_sha!)) ??
      (await ctx.state.git.resolve(ctx.params.tree_sha!, 'tree'));
    if (!sha) return notFound;
    const tree = await ctx.state.git.tree(sha);
    return [
      200,
      {
        sha,
        url: '',
        truncated: false,
        tree: tree.map((e) => ({ path: e.path, mode: e.mode, type: e.type, sha: e.sha, size: e.size, url: '' })),
      },
    ];
  },
  'git/get-blob': async (ctx) => {
    const content = await ctx.state.git.blob(ctx.params.file_sha!);
    return content
      ? [
          200,
          {
            sha: ctx.params.file_sha,
            size: content.length,
            encoding: 'base64',
            content: content.toString('base64'),
            url: '',
            node_id: '',
          },
        ]
      : notFound;
  },
  'repos/get-content': async (ctx) => {
    const sha = await ctx.state.git.resolve(ctx.query.get('ref') ?? ctx.state.defaultBranch);
    const entry = sha && (await ctx.state.git.tree(sha)).find((e) => e.path === ctx.params.path);
    const content = entry && (await ctx.state.git.blob(entry.sha));
    if (!entry || !content) return notFound;
    return [
      200,
      {
        type: 'file',
        encoding: 'base64',
        size: content.length,
        name: entry.path.split('/').pop(),
        path: entry.path,
        sha: entry.sha,
        content: content.toString('base64'),
      },
    ];
  },
  'repos/get-collaborator-permission-level': (ctx) => {
    const user = ctx.state.user(ctx.params.username!);
    const permission = ctx.state.permissions.get(user.login) ?? 'none';
    const legacy = permission === 'maintain' ? 'write' : permission === 'triage' ? 'read' : permission;
    return [
      200,
      { permission: legacy, role_name: permission, user: { login: user.login, id: user.id, type: user.type } },
    ];
  },
  'teams/get-membership-for-user-in-org': (ctx) => {
    const members = ctx.state.teams.get(`${ctx.params.org}/${ctx.params.team_slug}`.toLowerCase());
    if (!members?.has(ctx.params.username!.toLowerCase())) return notFound;
    return [200, { url: '', role: 'member', state: 'active' }];
  },
  'checks/create': (ctx) => {
    const b = ctx.body;
    const run: CheckRun = {
      id: ctx.state.id(),
      name: b.name,
      headSha: b.head_sha,
      status: b.conclusion ? 'completed' : (b.status ?? 'queued'),
      conclusion: b.conclusion ?? null,
      externalId: b.external_id,
      detailsUrl: b.details_url,
      startedAt: b.started_at ?? now(),
      completedAt: b.conclusion ? (b.completed_at ?? now()) : null,
      annotations: [],
    };
    applyOutput(run, b.output);
    ctx.state.checkRuns.push(run);
    return [201, checkRunJson(run)];
  },
  'checks/update': (ctx) => {
    const run = ctx.state.checkRuns.find((c) => c.id === Number(ctx.params.check_run_id));
    if (!run) return notFound;
    const b = ctx.body;
    if (b.status) run.status = b.status;
    if (b.conclusion)
      Object.assign(run, { conclusion: b.conclusion, status: 'completed', completedAt: b.completed_at ?? now() });
    if (b.name) run.name = b.name;
    applyOutput(run, b.output);
    return [200, checkRunJson(run)];
  },
  'checks/list-for-ref': async (ctx) => {
    const sha = await ctx.state.git.resolve(ctx.params.ref!);
    const runs = ctx.state.checkRuns.filter(
      (c) => c.headSha === sha && (!ctx.query.get('check_name') || c.name === ctx.query.get('check_name')),
    );
    return [200, { total_count: runs.length, check_runs: page(runs.map(checkRunJson), ctx.query) }];
  },
  'issues/list-comments': (ctx) => [
    200,
    page(
      ctx.state.comments.filter((c) => c.issueNumber === Number(ctx.params.issue_number)).map(commentJson),
      ctx.query,
    ),
  ],
  'issues/create-comment': (ctx) => {
    const number = Number(ctx.params.issue_number);
    if (!ctx.state.pulls.has(number) && !ctx.state.issues.has(number)) return notFound;
    const comment = {
      id: ctx.state.id(),
      issueNumber: number,
      body: ctx.body.body,
      user: ctx.state.bot,
      createdAt: now(),
      updatedAt: now(),
      reactions: [],
    };
    ctx.state.comments.push(comment);
    return [201, commentJson(comment)];
  },
  'issues/update-comment': (ctx) => {
    const comment = ctx.state.comments.find((c) => c.id === Number(ctx.params.comment_id));
    if (!comment) return notFound;
    Object.assign(comment, { body: ctx.body.body, updatedAt: now() });
    return [200, commentJson(comment)];
  },
  'reactions/create-for-issue-comment': (ctx) => {
    const comment = ctx.state.comments.find((c) => c.id === Number(ctx.params.comment_id));
    if (!comment) return notFound;
    comment.reactions.push(ctx.body.content);
    return [201, { id: ctx.state.id(), content: ctx.body.content, user: { login: ctx.state.bot.login } }];
  },
};

export const routes: Record<string, Handler> = { ...coreRoutes, ...issueRoutes, ...pullRoutes, ...gitRoutes };

function applyOutput(run: CheckRun, output: Json | undefined): void {
  if (!output) return;
  Object.assign(run, {
    title: output.title ?? run.title,
    summary: output.summary ?? run.summary,
    text: output.text ?? run.text,
  });
  run.annotations.push(...(output.annotations ?? []));
}
