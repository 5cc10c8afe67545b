/**
 * Signed webhook deliveries shaped like GitHub's: payloads start from GitHub's own examples
 * (@octokit/webhooks-examples) with this repository, pull request and people filled in.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { issueJson, pullJson, repositoryJson, userJson } from './representations.js';
import type { DoubleState, Issue, PullRequest, User } from './state.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const examples = createRequire(import.meta.url)('@octokit/webhooks-examples') as { name: string; examples: Json[] }[];

export interface Delivery {
  id: string;
  event: string;
  payload: Json;
  status: number;
}

export interface WebhookTarget {
  url: string;
  secret: string;
}

function example(event: string, action: string): Json {
  const all = examples.find((e) => e.name === event)?.examples ?? [];
  // GitHub's examples lack some actions (issues.closed): the payload has the same shape in every action.
  const found =
    all.find((x) => x.action === action && x.installation) ??
    all.find((x) => x.action === action) ??
    all.find((x) => x.installation);
  if (!found) throw new Error(`no GitHub example payload for ${event}.${action}`);
  return structuredClone(found);
}

export function payload(
  state: DoubleState,
  installationId: number,
  event: string,
  action: string,
  sender: User,
  fields: Json,
): Json {
  return {
    ...example(event, action),
    ...fields,
    action,
    repository: { ...example(event, action).repository, ...repositoryJson(state) },
    installation: { id: installationId, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==' },
    sender: { ...example(event, action).sender, ...userJson(sender) },
  };
}

export const pullRequestFields = (state: DoubleState, pr: PullRequest) => ({
  number: pr.number,
  pull_request: { ...example('pull_request', 'opened').pull_request, ...pullJson(state, pr) },
});

export const issueFields = (issue: Issue) => ({
  issue: { ...example('issues', 'opened').issue, ...issueJson(issue) },
});

export async function deliver(
  target: WebhookTarget,
  event: string,
  body: Json,
  id: string = randomUUID(),
): Promise<Delivery> {
  const text = JSON.stringify(body);
  const response = await fetch(target.url, {
    method: 'POST',
    body: text,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'GitHub-Hookshot/zeroops-lab',
      'x-github-event': event,
      'x-github-delivery': id,
      'x-github-hook-id': '1',
      'x-github-hook-installation-target-type': 'integration',
      'x-github-hook-installation-target-id': '1',
      'x-hub-signature-256': `sha256=${createHmac('sha256', target.secret).update(text).digest('hex')}`,
    },
  });
  await response.arrayBuffer();
  return { id, event, payload: body, status: response.status };
}
