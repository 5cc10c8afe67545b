/** An audience in words, for plans and check runs. Pure. */
import type { Rollout } from '../../manifest/model.js';

export function describeAudience(audience: NonNullable<Rollout['spec']['audience']>): string {
  const { exclude } = audience;
  const excluded = [
    ...(exclude?.userTags ?? []).map((t) => `tag ${t}`),
    ...(exclude?.regions ?? []).map((r) => `region ${r}`),
    ...(exclude?.features ?? []).map((f) => `users served ${f}`),
    ...(exclude?.lanes ?? []).map((l) => `${l}'s users`),
  ];
  const parts = [
    audience.userTags?.length ? `tags ${audience.userTags.join('/')}` : '',
    audience.regions?.length ? `regions ${audience.regions.join('/')}` : '',
    ...Object.entries(audience.os ?? {}).map(([os, range]) => `${os} ${range}`),
    audience.appVersion ? `app ${audience.appVersion}` : '',
    audience.buckets ? `buckets ${audience.buckets.trim()}` : '',
    excluded.length ? `except ${excluded.join(', ')}` : '',
  ];
  return parts.filter(Boolean).join(', ') || '(everyone)';
}
