/**
 * The Probot app: turns GitHub's webhook events into ZeroOps use cases. It only translates and
 * deduplicates; the use cases decide.
 */
import type { Context, Probot } from 'probot';
import { planChange, planCheckName } from '../../app/plan-change.js';
import type { DeliveryLog, Log } from '../../app/ports.js';
import type { PullRequestRef } from '../forge.js';
import { BlobCache } from './blob-cache.js';
import { GitHubForge } from './github-forge.js';

export interface AppDeps {
  deliveries: DeliveryLog;
  blobs?: BlobCache;
}

interface PullRequestLike {
  number: number;
  head: { sha: string };
  base: { sha: string };
}

export function zeroopsApp(deps: AppDeps) {
  const blobs = deps.blobs ?? new BlobCache();
  return (app: Probot): void => {
    const plan = async (context: Context, pulls: readonly PullRequestLike[]) => {
      if (!(await firstDelivery(context, deps.deliveries))) return;
      const forge = new GitHubForge(context.octokit, blobs);
      for (const pull of pulls) await planSafely(context, forge, toRef(context, pull));
    };
    app.on(['pull_request.opened', 'pull_request.synchronize', 'pull_request.reopened'], (context) => plan(context, [context.payload.pull_request]));
    app.on('check_run.rerequested', (context) => plan(context, context.payload.check_run.name === planCheckName ? context.payload.check_run.pull_requests : []));
    app.on('check_suite.rerequested', (context) => plan(context, context.payload.check_suite.pull_requests));
  };
}

/** GitHub never retries, but people redeliver: the same installation and delivery id runs once. */
async function firstDelivery(context: Context, deliveries: DeliveryLog): Promise<boolean> {
  const installation = (context.payload as { installation?: { id: number } }).installation?.id ?? 'none';
  const first = await deliveries.firstSeen(`${installation}/${context.id}`);
  if (!first) context.log.info({ delivery: context.id }, 'duplicate delivery ignored');
  return first;
}

function toRef(context: Context, pull: PullRequestLike): PullRequestRef {
  const { owner, repo } = context.repo();
  return { owner, repo, number: pull.number, headSha: pull.head.sha, baseSha: pull.base.sha };
}

async function planSafely(context: Context, forge: GitHubForge, pr: PullRequestRef): Promise<void> {
  const log = context.log.child({ delivery: context.id, pr: pr.number }) as unknown as Log;
  try {
    await planChange({ forge, log }, pr);
  } catch (error) {
    log.error({ err: error }, 'planning failed');
    await forge.publishCheck(pr, {
      name: planCheckName, headSha: pr.headSha, conclusion: 'failure', title: 'ZeroOps could not plan this change',
      summary: `Something went wrong on ZeroOps' side (delivery \`${context.id}\`), not in your manifests. Re-run this check; if it fails again, the logs have the details.`,
      annotations: [],
    }).catch((publishError: unknown) => log.error({ err: publishError }, 'could not report the failure either'));
  }
}
