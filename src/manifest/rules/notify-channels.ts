/**
 * The chat channels of spec.providers.notify. A robot's URL and secret are given to whatever the
 * URL names, so they may never be ZeroOps' own credentials (the App's key, the webhook secret, the
 * store's URL…) nor another provider's secret: the same line as for webhook steps' signing secrets.
 */
import type { Path } from '../diagnostic.js';
import type { Config, OpsRepo } from '../model.js';
import { didYouMean } from '../suggest.js';
import type { Report } from './rule.js';
import { isReservedEnv, signingVariables } from './webhook-secrets.js';

type Channel = NonNullable<NonNullable<Config['spec']['providers']>['notify']>['channels'][number];

export function checkNotifyChannels(config: Config, repo: OpsRepo, report: Report): void {
  const channels = config.spec.providers?.notify?.channels ?? [];
  const others = otherSecrets(config);
  channels.forEach((channel, i) => {
    const path: Path = ['spec', 'providers', 'notify', 'channels', i];
    if (channels.findIndex((c) => c.name === channel.name) !== i)
      report([...path, 'name'], `channel '${channel.name}' is listed twice: give each channel its own name`);
    for (const field of ['url', 'secret'] as const) {
      const name = channel[field]?.env;
      if (name && others(name))
        report(
          [...path, field, 'env'],
          `${name} is one of ZeroOps' own credentials or another provider's secret: a chat robot is never given it; ` +
            'give the robot a variable of its own, e.g. ' +
            `${channel.type.toUpperCase()}_${field === 'url' ? 'WEBHOOK_URL' : 'SECRET'}`,
        );
    }
    if (channel.secret && channel.type !== 'dingtalk')
      report(
        [...path, 'secret'],
        `only DingTalk robots sign messages: remove secret (a ${channel.type} robot's token is in its URL)`,
        { target: 'key' },
      );
    else if (channel.secret?.env === channel.url.env)
      report([...path, 'secret', 'env'], 'the signing secret and the URL are two values: name two variables');
    checkServices(channel, path, repo, report);
  });
}

/** Reserved for a channel: ZeroOps' own, and every other provider's (webhook signing included). */
function otherSecrets(config: Config): (name: string) => boolean {
  const providers = { ...config.spec.providers, notify: undefined };
  const withoutNotify = { ...config, spec: { ...config.spec, providers } };
  const signing = signingVariables(config.spec);
  return (name) => isReservedEnv(name, withoutNotify) || signing.includes(name);
}

/** A service the inventory does not know is likely a typo: its notices would never come. */
function checkServices(channel: Channel, path: Path, repo: OpsRepo, report: Report): void {
  if (repo.services.size === 0) return;
  channel.services?.forEach((service, j) => {
    if (!repo.services.has(service))
      report(
        [...path, 'services', j],
        `no service '${service}' in services/: this channel would hear nothing of it` +
          didYouMean(service, repo.services.keys()),
        { severity: 'warning' },
      );
  });
}
