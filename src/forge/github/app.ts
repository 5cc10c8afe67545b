/**
 * The Probot app: turns GitHub's webhook events into ZeroOps use cases. It only translates and
 * deduplicates; the use cases decide. Slow work (merges, runs) goes to the queue.
 */
import { databasePreflight } from '../../providers/database-preflight.js';
import type { Context, Probot } from 'probot';
import { publishApprovalStatus } from '../../app/approval-status.js';
import { handleCommand } from '../../app/handle-command.js';
import { planChange, planCheckName, type PlanTrigger } from '../../app/plan-change.js';
import type { DeliveryLog, Log, PatrolHooks } from '../../app/ports.js';
import type { MergedPull } from '../../app/start-runs.js';
import type { RunReporter, Scheduler } from '../../engine/ports.js';
import type { Store } from '../../engine/store.js';
import { requestTask } from '../../app/request-task.js';
import { askQuestion } from '../../app/ask-question.js';
import type { TaskWriter } from '../../nl/task-writer.js';
import type { PullRequestRef } from '../forge.js';
import { BlobCache } from './blob-cache.js';
import { GitHubForge } from './github-forge.js';

/** What the app needs to track approvals and execute merged plans; without it, it only plans. */
export interface Execution {
  store: Store;
  merges: { add(merged: MergedPull): Promise<void> };
  scheduler: Scheduler;
  reporter: RunReporter;
  clock: () => Date;
  /** The patrol's hooks: the repositories it watches, incidents closed, remediations asked for. */
  patrol?: PatrolHooks;
  /** A language model for requests in words the offline parser does not read. */
  taskWriter?: TaskWriter;
}

export interface AppDeps {
  deliveries: DeliveryLog;
  blobs?: BlobCache;
  execution?: Execution;
  /** Observes every webhook handled, for the /metrics endpoint. */
  onEvent?: (name: string) => void;
}

interface PullRequestLike {
  number: number;
  head: { sha: string };
  base: { sha: string; ref: string; repo?: object };
  user?: { login: string } | null;
}

export function zeroopsApp(deps: AppDeps) {
  const blobs = deps.blobs ?? new BlobCache();
  return (app: Probot): void => {
    const forgeOf = (context: Context) => new GitHubForge(context.octokit, blobs);
    // The same delivery arriving twice at once is handled once; it is remembered only when handled.
    const inFlight = new Set<string>();
    const once =
      <C extends Context>(handler: (context: C) => Promise<void>) =>
      async (context: C) => {
        deps.onEvent?.(`${context.name}.${(context.payload as { action?: string }).action ?? ''}`);
        const key = deliveryKey(context);
        if (inFlight.has(key)) return void context.log.info({ delivery: context.id }, 'duplicate delivery ignored');
        inFlight.add(key);
        try {
          if (await deps.deliveries.handled(key))
            return void context.log.info({ delivery: context.id }, 'duplicate delivery ignored');
          await heardFrom(context);
          await handler(context);
          await deps.deliveries.markHandled(key);
        } finally {
          inFlight.delete(key);
        }
      };
    // The patrol watches every repository ZeroOps hears from, with the installation to reach it through.
    const heardFrom = async (context: Context) => {
      const payload = context.payload as { repository?: { default_branch?: string }; installation?: { id: number } };
      if (!deps.execution?.patrol || !payload.repository?.default_branch) return;
      const { owner, repo } = context.repo();
      await deps.execution.patrol.heardFrom({
        owner,
        repo,
        defaultBranch: payload.repository.default_branch,
        ...(payload.installation ? { installationId: payload.installation.id } : {}),
      });
    };
    const plan = async (context: Context, pulls: readonly PullRequestLike[], how: Omit<PlanTrigger, 'author'> = {}) => {
      for (const pull of pulls) {
        const trigger = pull.user ? { author: pull.user.login, ...how } : undefined;
        await planSafely(context, forgeOf(context), toRef(context, pull), deps.execution, trigger);
      }
    };
    app.on(
      ['pull_request.opened', 'pull_request.reopened'],
      once((c) => plan(c, [c.payload.pull_request])),
    );
    app.on(
      'pull_request.synchronize',
      once((c) => plan(c, [c.payload.pull_request], { pusher: c.payload.sender?.login })),
    );
    // A pull request moved to another base branch is judged anew: whether it executes depends on it.
    app.on(
      'pull_request.edited',
      once((c) => plan(c, c.payload.changes.base ? [c.payload.pull_request] : [], { baseChanged: true })),
    );
    app.on(
      'check_run.rerequested',
      once((c) => plan(c, c.payload.check_run.name === planCheckName ? c.payload.check_run.pull_requests : [])),
    );
    app.on(
      'check_suite.rerequested',
      once((c) => plan(c, c.payload.check_suite.pull_requests)),
    );
    const execution = deps.execution;
    if (!execution) return;
    app.on(
      ['pull_request_review.submitted', 'pull_request_review.dismissed'],
      once(async (c) => {
        await publishApprovalStatus({ forge: forgeOf(c), store: execution.store }, toRef(c, c.payload.pull_request));
      }),
    );
    app.on(
      'pull_request.closed',
      once(async (c) => {
        const pr = c.payload.pull_request;
        if (!pr.merged || !pr.merge_commit_sha) return;
        const { owner, repo } = c.repo();
        await execution.merges.add({
          repo: { owner, repo, installationId: c.payload.installation?.id },
          number: pr.number,
          mergeSha: pr.merge_commit_sha,
          baseSha: pr.base.sha,
          headSha: pr.head.sha,
          baseRef: pr.base.ref,
          defaultBranch: defaultBranchOf(c, pr),
          mergedBy: pr.merged_by?.login ?? c.payload.sender.login,
        });
      }),
    );
    // An incident ends when its issue is closed: the same failure later is a new incident.
    app.on(
      'issues.closed',
      once(async (c) => {
        const { owner, repo } = c.repo();
        if (execution.patrol)
          await execution.patrol.incidentClosed({ owner, repo }, c.payload.issue.number, c.payload.sender.login);
        else await execution.store.closeIncident(`${owner}/${repo}#${c.payload.issue.number}`);
      }),
    );
    app.on(
      'issue_comment.created',
      once(async (c) => {
        // On pull requests (their runs) and on issues (an incident's remediations); never from a bot.
        if (c.isBot || !c.payload.comment.body.trimStart().startsWith('/zeroops')) return;
        const forge = forgeOf(c);
        await handleCommand(
          {
            ...execution,
            forge,
            log: c.log as unknown as Log,
            remediate: execution.patrol?.remediate,
            failover: execution.patrol?.failover,
            request: (ask) =>
              requestTask({ forge, clock: execution.clock, writer: execution.taskWriter, store: execution.store }, ask),
            ask: (repo, question) => askQuestion(execution, repo, question),
          },
          {
            repo: c.repo(),
            number: c.payload.issue.number,
            commentId: c.payload.comment.id,
            author: c.payload.comment.user?.login ?? '',
            body: c.payload.comment.body,
            onPullRequest: Boolean(c.payload.issue.pull_request),
          },
        );
      }),
    );
  };
}

/** GitHub never retries, but people redeliver: the same installation and delivery id is handled once. */
function deliveryKey(context: Context): string {
  const installation = (context.payload as { installation?: { id: number } }).installation?.id ?? 'none';
  return `${installation}/${context.id}`;
}

function toRef(context: Context, pull: PullRequestLike): PullRequestRef {
  const { owner, repo } = context.repo();
  return {
    owner,
    repo,
    number: pull.number,
    headSha: pull.head.sha,
    baseSha: pull.base.sha,
    baseRef: pull.base.ref,
    defaultBranch: defaultBranchOf(context, pull),
  };
}

/** The repository's default branch, from the (signed) payload. */
function defaultBranchOf(context: Context, pull: PullRequestLike): string {
  const branch =
    (context.payload as { repository?: { default_branch?: string } }).repository?.default_branch ??
    (pull.base.repo as { default_branch?: string } | undefined)?.default_branch;
  if (!branch) throw new Error('the webhook payload names no default branch');
  return branch;
}

async function planSafely(
  context: Context,
  forge: GitHubForge,
  pr: PullRequestRef,
  execution: Pick<Execution, 'store' | 'clock'> | undefined,
  trigger: PlanTrigger | undefined,
): Promise<void> {
  const log = context.log.child({ delivery: context.id, pr: pr.number }) as unknown as Log;
  try {
    await planChange(
      { forge, log, store: execution?.store, clock: execution?.clock, preflight: databasePreflight },
      pr,
      trigger,
    );
  } catch (error) {
    log.error({ err: error }, 'planning failed');
    await forge
      .publishCheck(pr, {
        name: planCheckName,
        headSha: pr.headSha,
        conclusion: 'failure',
        title: 'ZeroOps could not plan this change',
        summary: `Something went wrong on ZeroOps' side (delivery \`${context.id}\`), not in your manifests. Re-run this check; if it fails again, the logs have the details.`,
        annotations: [],
      })
      .catch((publishError: unknown) => log.error({ err: publishError }, 'could not report the failure either'));
  }
}
