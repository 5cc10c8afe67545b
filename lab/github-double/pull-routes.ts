/** Pull requests opened, listed and edited through the API, with the webhooks GitHub sends for them. */
import { commitsBetween } from './git-data.js';
import { pullJson } from './representations.js';
import { notFound, page, unprocessable, type Handler } from './route-kit.js';
import { now, type DoubleState, type PullRequest } from './state.js';
import { pullRequestFields } from './webhooks.js';

const refused = (message: string) =>
  unprocessable('Validation Failed', [{ resource: 'PullRequest', code: 'custom', message }]);
const invalid = (field: string) =>
  unprocessable('Validation Failed', [{ resource: 'PullRequest', field, code: 'invalid' }]);

export const pullRoutes: Record<string, Handler> = {
  'pulls/create': async (ctx) => {
    const { state, body } = ctx;
    if (!body.title) return invalid('title'); // opening from an issue is not something the double does
    const head = String(body.head).replace(`${state.owner}:`, '');
    const [headSha, baseSha] = [
      await state.git.resolve(`refs/heads/${head}`),
      await state.git.resolve(`refs/heads/${body.base}`),
    ];
    if (!headSha) return invalid('head');
    if (!baseSha) return invalid('base');
    if ([...state.pulls.values()].some((p) => p.state === 'open' && p.head.ref === head && p.base.ref === body.base))
      return refused(`A pull request already exists for ${state.owner}:${head}.`);
    if ((await commitsBetween(state.git, baseSha, headSha)) === 0)
      return refused(`No commits between ${body.base} and ${head}`);
    const pr: PullRequest = {
      number: state.number(),
      title: body.title,
      body: body.body ?? '',
      user: state.bot,
      state: 'open',
      merged: false,
      mergeCommitSha: null,
      mergedBy: null,
      head: { ref: head, sha: headSha },
      base: { ref: body.base, sha: baseSha },
      labels: [],
      createdAt: now(),
      updatedAt: now(),
    };
    state.pulls.set(pr.number, pr);
    ctx.webhook('pull_request', 'opened', pullRequestFields(state, pr));
    return [201, pullJson(state, pr)];
  },
  'pulls/list': (ctx) => {
    const { state, query } = ctx;
    const wanted = query.get('state') ?? 'open';
    // GitHub filters by head only as `owner:branch`; a bare branch name filters nothing.
    const head = query.get('head')?.includes(':') ? query.get('head') : undefined;
    const found = [...state.pulls.values()].filter(
      (p) =>
        (wanted === 'all' || p.state === wanted) &&
        (!head || `${state.owner}:${p.head.ref}` === head) &&
        (!query.get('base') || p.base.ref === query.get('base')),
    );
    // Newest first, as GitHub sorts by default.
    return [
      200,
      page(
        found.reverse().map((p) => pullJson(state, p)),
        query,
      ),
    ];
  },
  'pulls/update': async (ctx) => {
    const pr = ctx.state.pulls.get(Number(ctx.params.pull_number));
    if (!pr) return notFound;
    const { title, body, state, base } = ctx.body;
    if (base !== undefined && !(await ctx.state.git.resolve(`refs/heads/${base}`))) return invalid('base');
    const changes = {
      ...(title !== undefined && title !== pr.title ? { title: { from: pr.title } } : {}),
      ...(body !== undefined && body !== pr.body ? { body: { from: pr.body } } : {}),
      ...(base !== undefined && base !== pr.base.ref ? { base: await moveBase(ctx.state, pr, base) } : {}),
    };
    Object.assign(pr, title !== undefined ? { title } : {}, body !== undefined ? { body } : {}, { updatedAt: now() });
    if (Object.keys(changes).length > 0)
      ctx.webhook('pull_request', 'edited', { ...pullRequestFields(ctx.state, pr), changes });
    if (state && state !== pr.state && !pr.merged) {
      pr.state = state;
      ctx.webhook('pull_request', state === 'closed' ? 'closed' : 'reopened', pullRequestFields(ctx.state, pr));
    }
    return [200, pullJson(ctx.state, pr)];
  },
};

/**
 * Moves a pull request onto another base branch, as editing it does on GitHub; returns what the
 * `edited` webhook's `changes.base` says of it.
 */
export async function moveBase(state: DoubleState, pr: PullRequest, base: string) {
  const sha = await state.git.resolve(`refs/heads/${base}`);
  if (!sha) throw new Error(`no branch ${base} to move pull request #${pr.number} to`);
  const from = pr.base;
  pr.base = { ref: base, sha };
  pr.updatedAt = now();
  return { ref: { from: from.ref }, sha: { from: from.sha } };
}
