/** The repository, its branches, and GitHub's git data API (trees, commits, refs) on the double's real git. */
import { commitInfo, commitTree, setRef, Unprocessable, writeTree } from './git-data.js';
import { commitJson, refJson, repositoryJson } from './representations.js';
import { notFound, unprocessable, type Handler, type Reply, type RouteContext } from './route-kit.js';
import { now } from './state.js';
import { pullRequestFields } from './webhooks.js';

/** GitHub's 422 for what git refuses; anything else is the double failing. */
async function refusing(work: () => Promise<Reply>): Promise<Reply> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof Unprocessable) return unprocessable(error.message);
    throw error;
  }
}

/** New commits on a pull request's branch, however they got there, are a push to it: GitHub says so. */
function branchMoved(ctx: RouteContext, ref: string, sha: string): void {
  for (const pr of ctx.state.pulls.values()) {
    if (pr.state !== 'open' || `refs/heads/${pr.head.ref}` !== ref || pr.head.sha === sha) continue;
    const before = pr.head.sha;
    pr.head.sha = sha;
    pr.updatedAt = now();
    ctx.webhook('pull_request', 'synchronize', { ...pullRequestFields(ctx.state, pr), before, after: sha });
  }
}

export const gitRoutes: Record<string, Handler> = {
  'repos/get': (ctx) => [
    200,
    { ...repositoryJson(ctx.state), html_url: `https://github.com/${ctx.state.owner}/${ctx.state.repoName}` },
  ],
  'repos/get-branch': async (ctx) => {
    const commit = await commitInfo(ctx.state.git, `refs/heads/${ctx.params.branch}`);
    if (!commit) return notFound;
    const links = { self: '', html: '' };
    return [
      200,
      {
        name: ctx.params.branch,
        commit: { ...commitJson(commit), commit: commitJson(commit) },
        protected: false,
        _links: links,
        protection_url: '',
      },
    ];
  },
  'git/create-tree': (ctx) =>
    refusing(async () => {
      const sha = await writeTree(ctx.state.git, ctx.body.base_tree, ctx.body.tree);
      const tree = (await ctx.state.git.tree(sha)).map((e) => ({ ...e, url: '' }));
      return [201, { sha, url: '', truncated: false, tree }];
    }),
  'git/create-commit': (ctx) =>
    refusing(async () => {
      const bot = ctx.state.bot;
      const author = ctx.body.author ?? { name: bot.login, email: `${bot.id}+${bot.login}@users.noreply.github.com` };
      const { tree, parents = [], message } = ctx.body;
      const sha = await commitTree(ctx.state.git, { tree, parents, message, author });
      return [201, commitJson((await commitInfo(ctx.state.git, sha))!)];
    }),
  'git/create-ref': (ctx) =>
    refusing(async () => {
      await setRef(ctx.state.git, ctx.body.ref, ctx.body.sha, { create: true });
      return [201, refJson(ctx.body.ref, ctx.body.sha)];
    }),
  'git/update-ref': (ctx) =>
    refusing(async () => {
      const ref = `refs/${ctx.params.ref}`;
      await setRef(ctx.state.git, ref, ctx.body.sha, { force: ctx.body.force === true });
      branchMoved(ctx, ref, ctx.body.sha);
      return [200, refJson(ref, ctx.body.sha)];
    }),
};
