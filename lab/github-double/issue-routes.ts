/** Issues: filed, read, listed, edited in place and labelled; closing or reopening one sends its webhook. */
import { issueJson } from './representations.js';
import { labelNames, notFound, page, type Handler, type RouteContext } from './route-kit.js';
import { now, type Issue } from './state.js';
import { issueFields } from './webhooks.js';

const issueOf = (ctx: RouteContext) => ctx.state.issues.get(Number(ctx.params.issue_number));

export const issueRoutes: Record<string, Handler> = {
  'issues/create': (ctx) => {
    const issue: Issue = {
      number: ctx.state.number(),
      title: String(ctx.body.title),
      body: ctx.body.body ?? '',
      user: ctx.state.bot,
      state: 'open',
      labels: labelNames(ctx.body.labels),
      createdAt: now(),
    };
    ctx.state.issues.set(issue.number, issue);
    return [201, issueJson(issue)];
  },
  'issues/get': (ctx) => {
    const issue = issueOf(ctx);
    return issue ? [200, issueJson(issue)] : notFound;
  },
  'issues/update': (ctx) => {
    const issue = issueOf(ctx);
    if (!issue) return notFound;
    const { title, body, state, labels } = ctx.body;
    if (title != null) issue.title = String(title);
    if (body !== undefined) issue.body = body ?? '';
    // Labels given replace the issue's labels.
    if (labels !== undefined) issue.labels = labelNames(labels);
    if (state && state !== issue.state) {
      const closed = state === 'closed';
      Object.assign(issue, {
        state,
        stateReason: ctx.body.state_reason ?? (closed ? 'completed' : 'reopened'),
        closedAt: closed ? now() : null,
      });
      ctx.webhook('issues', closed ? 'closed' : 'reopened', issueFields(issue));
    }
    return [200, issueJson(issue)];
  },
  'issues/list-for-repo': (ctx) => {
    const labels = ctx.query.get('labels')?.split(',') ?? [];
    const state = ctx.query.get('state') ?? 'open';
    const found = [...ctx.state.issues.values()].filter(
      (i) => (state === 'all' || i.state === state) && labels.every((l) => i.labels.includes(l)),
    );
    return [200, page(found.map(issueJson), ctx.query)];
  },
  'issues/add-labels': (ctx) => {
    // A pull request's labels are those of its issue.
    const labelled = issueOf(ctx) ?? ctx.state.pulls.get(Number(ctx.params.issue_number));
    if (!labelled) return notFound;
    labelled.labels = [...new Set([...labelled.labels, ...labelNames(ctx.body.labels)])];
    return [200, labelled.labels.map((name) => ({ name }))];
  },
};
