/**
 * Which environment variables a webhook step may sign with: only those the config lists for the
 * purpose (spec.providers.webhook.secretEnv), and never ZeroOps' own credentials (the App's key and
 * webhook secret, store and queue URLs), with which a merged Runbook could forge deliveries to ZeroOps.
 */
import type { Config } from '../model.js';
import type { Path } from '../diagnostic.js';
import type { OpsRepo } from '../model.js';
import type { Report } from './rule.js';

const ownVariables =
  /^(APP_ID|PRIVATE_KEY(_PATH)?|WEBHOOK_SECRET|GITHUB_.*|GH_.*|REDIS_URL|MONGODB_URI|DATABASE_URL|ZEROOPS_.*|NODE_OPTIONS|PATH|HOME)$/;

/** Variables that must never sign a webhook: ZeroOps' own, and the secrets of its other providers. */
export function isReservedEnv(name: string, config: Config | undefined): boolean {
  if (ownVariables.test(name)) return true;
  const providers = config?.spec.providers;
  const others = [
    providers?.prometheus?.bearerToken,
    providers?.kubernetes?.kubeconfig,
    ...Object.values(providers?.postgres?.databases ?? {}).map((d) => d.url),
    ...(providers?.notify?.channels ?? []).flatMap((channel) => [channel.url, channel.secret]),
  ];
  return others.some((ref) => ref?.env === name);
}

/** The variables a webhook step may sign with, from the config the run was approved under. */
export function signingVariables(config: Pick<Config['spec'], 'providers'> | undefined): string[] {
  const webhook = config?.providers?.webhook;
  return [...(webhook?.secret ? [webhook.secret.env] : []), ...(webhook?.secretEnv ?? [])];
}

export function checkWebhookSecret(params: unknown, path: Path, repo: OpsRepo, report: Report): void {
  const name = (params as { secretEnv?: unknown } | undefined)?.secretEnv;
  if (name === undefined) return;
  const config = repo.config?.manifest;
  if (typeof name !== 'string') {
    report([...path, 'secretEnv'], 'secretEnv names an environment variable, e.g. DEPLOY_HOOK_SECRET');
  } else if (isReservedEnv(name, config)) {
    report(
      [...path, 'secretEnv'],
      `${name} is one of ZeroOps' own credentials or another provider's secret: a webhook may not sign with it; give the receiver a secret of its own and list it in spec.providers.webhook.secretEnv`,
    );
  } else if (!signingVariables(config?.spec).includes(name)) {
    const listed = signingVariables(config?.spec);
    report(
      [...path, 'secretEnv'],
      `${name} is not listed for signing webhooks: add it to spec.providers.webhook.secretEnv in the default branch's .zeroops/config.yaml${listed.length ? ` (listed: ${listed.join(', ')})` : ''}`,
    );
  }
}
