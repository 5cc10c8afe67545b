/**
 * What `zeroops setup` tells a person to do next: install the App, run ZeroOps, require its checks,
 * and let the workers reach what the ops repo's config names. Paths and names only, never a secret.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { approvalCheckName } from '../../app/approval-status.js';
import { planCheckName } from '../../app/plan-change.js';
import type { Config } from '../../manifest/schema-types.generated.js';
import type { CreatedApp, CredentialFiles } from './credential-files.js';

export async function nextSteps(
  app: CreatedApp,
  files: CredentialFiles,
  webhookUrl: string,
  repo: string,
): Promise<string> {
  return [
    `Created the GitHub App ${app.name} (id ${app.id}): ${app.html_url}`,
    `Wrote ${files.key} and ${files.env} (mode 0600: they hold the App's secrets; keep them out of git).`,
    ...(app.webhook_secret
      ? []
      : ["GitHub set no webhook secret: set one in the App's settings and in WEBHOOK_SECRET."]),
    '',
    'Next:',
    `1. Install the App on your ops repository: ${app.html_url}/installations/new`,
    `2. Run ZeroOps where GitHub can reach ${webhookUrl}:`,
    `     set -a; . ${files.env}; set +a; REDIS_URL=redis://… npx zeroops start`,
    '   or with Docker: docker compose up -d (compose.yaml reads zeroops.env and the key beside it).',
    `3. Protect the default branch: require the status checks "${planCheckName}" and "${approvalCheckName}",`,
    `   each from the GitHub App ${app.name}, so no other App or user can set them.`,
    '4. The workers (zeroops start and zeroops worker) must reach:',
    '   - Redis (REDIS_URL), and the store: PostgreSQL (DATABASE_URL) or MongoDB (MONGODB_URI) when several',
    '     machines run workers; else the SQLite file in ZEROOPS_DATA_DIR',
    ...(await reachFromConfig(repo)).map((line) => `   - ${line}`),
  ].join('\n');
}

async function reachFromConfig(repo: string): Promise<string[]> {
  const file = join(repo, '.zeroops', 'config.yaml');
  let config: Config;
  try {
    config = parse(await readFile(file, 'utf8')) as Config;
  } catch {
    return [`what your ops repo's .zeroops/config.yaml names (run zeroops setup --repo DIR to list it)`];
  }
  const providers = config?.spec?.providers ?? {};
  const lines: string[] = [];
  const prometheus = providers.prometheus;
  const token = prometheus?.bearerToken && ` (its token from ${prometheus.bearerToken.env}, set on every worker)`;
  if (prometheus) lines.push(`Prometheus at ${prometheus.url}${token || ''}`);
  const socket = providers.haproxy?.socket;
  if (socket)
    lines.push(
      socket.startsWith('/')
        ? `HAProxy's admin socket ${socket}: a file, so workers run on the HAProxy host (or have it mounted)`
        : `HAProxy's admin socket at ${socket} (TCP)`,
    );
  for (const [name, database] of Object.entries(providers.postgres?.databases ?? {}))
    lines.push(`the database ${name}, at the URL in ${database.url.env} (set it on every worker)`);
  if (providers.kubernetes?.kubeconfig)
    lines.push(`Kubernetes, with the kubeconfig in ${providers.kubernetes.kubeconfig.env}`);
  for (const channel of providers.notify?.channels ?? [])
    lines.push(
      `the ${channel.type} robot ${channel.name}, at the URL in ${channel.url.env}` +
        `${channel.secret ? ` signed with ${channel.secret.env}` : ''} (set on every worker)`,
    );
  return lines.length ? lines : [`nothing more: ${file} names no providers`];
}
