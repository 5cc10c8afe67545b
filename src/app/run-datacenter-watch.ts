/**
 * Use case: one scrape of a service's datacenter watch, as a patrol job. The watch's state and its
 * open incidents are saved in the store between scrapes (the next job may run on another worker);
 * a lease makes sure two scrapes of one service never overlap. Every decision goes into the
 * service's event chain with its evidence and the commands it led to. `/zeroops failover <dc>` on
 * the incident confirms a drain the autonomy policy left to a person.
 */
import type { KnownRepo, Store } from '../engine/store.js';
import type { Forge, RepoRef } from '../forge/forge.js';
import type { WatchState } from '../failover/watch-machine.js';
import type { Config, Service } from '../manifest/model.js';
import { autonomyFor, type Autonomy } from '../policy/autonomy.js';
import { FailoverIncidents, type OpenEpisode } from './failover-incidents.js';
import { patrolBasis, type PatrolBasis } from './patrol-basis.js';
import { proposeFailoverTemplate } from './propose-failover-template.js';
import { defaultThresholds } from '../failover/signals.js';
import { watchSettingsOf } from '../failover/watch-settings.js';
import type { Log, Notifier } from './ports.js';
import { noticeIncidentOpened, noticeIncidentResolved } from './notify-incidents.js';
import { failoverFacts } from '../knowledge/incident-notices.js';
import { channelsOf } from '../knowledge/notice.js';
import { repoKey } from './record-keys.js';
import type { DatacenterWatch, WatchRecord } from './watch-datacenters.js';

export interface WatchJobDeps {
  forge: Forge;
  store: Store;
  clock: () => Date;
  log: Log;
  /** Tells the config's chat channels when an episode opens and resolves. */
  notifier?: Notifier;
  /** The watch of a service, wired to the config's Prometheus and HAProxy. */
  watchFor(
    service: Service,
    config: Config | undefined,
    options: {
      state?: WatchState;
      autonomy: Autonomy;
      confirmed: readonly string[];
      record: (r: WatchRecord) => Promise<void>;
    },
  ): DatacenterWatch;
}

interface Saved {
  state: WatchState;
  episodes: Record<string, OpenEpisode>;
  /** Datacenters a person confirmed the drain of, and who. */
  confirmed: Record<string, string>;
}

const autonomyQuery = (service: string) => ({
  kind: 'TrafficShift',
  service,
  class: 'datacenter-degraded',
  remediation: 'drain-datacenter',
});

/** Where a resolved failover episode is kept, by its issue. */
export const failoverEpisodeKey = (repo: RepoRef, issue: number) => `failover-episode/${repoKey(repo)}#${issue}`;

/** The name the watch goes by among a service's scheduled inspections. */
export const watchInspection = 'datacenter-watch';

const keyOf = (repo: RepoRef, service: string) => `datacenter-watch/${repoKey(repo)}/${service}`;

/**
 * The approved config and services, read at most once a minute per repository: a scrape every 5 s
 * must not spend the installation's GitHub API budget (a change takes effect within the minute).
 */
const bases = new WeakMap<Store, Map<string, { readAt: number; basis: Promise<PatrolBasis> }>>();
const basisTtlMs = 60_000;

function cachedBasis(deps: WatchJobDeps, repo: KnownRepo): Promise<PatrolBasis> {
  if (!bases.has(deps.store)) bases.set(deps.store, new Map());
  const cache = bases.get(deps.store)!;
  const key = repoKey(repo);
  const now = deps.clock().getTime();
  const cached = cache.get(key);
  if (cached && now - cached.readAt < basisTtlMs && now >= cached.readAt) return cached.basis;
  const basis = patrolBasis(deps, repo);
  cache.set(key, { readAt: now, basis });
  basis.catch(() => cache.delete(key));
  return basis;
}

export async function runDatacenterWatch(deps: WatchJobDeps, job: { repo: KnownRepo; service: string }) {
  const basis = await cachedBasis(deps, job.repo);
  const service = basis.services.find((s) => s.metadata.name === job.service);
  if (!service?.spec.failover) return undefined;
  const key = keyOf(job.repo, job.service);
  const holder = `scrape-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const now = deps.clock();
  if (!(await deps.store.lease(key, holder, new Date(now.getTime() + 60_000).toISOString(), now.toISOString())))
    return undefined; // the previous scrape is still running
  try {
    const saved: Partial<Saved> & Pick<Saved, 'episodes' | 'confirmed'> = (await deps.store.loopState<Saved>(key)) ?? {
      episodes: {},
      confirmed: {},
    };
    const autonomy = autonomyFor(basis.config, autonomyQuery(job.service));
    const chain = key;
    const watch = deps.watchFor(service, basis.config, {
      ...(saved.state ? { state: saved.state } : {}),
      autonomy,
      confirmed: Object.keys(saved.confirmed),
      record: async (r) => {
        // A drain a person confirmed is theirs in the chain.
        const actor = (r.decision.kind === 'drain' && saved.confirmed[r.decision.dc]) || 'zeroops';
        const data = { ...r } as unknown as Record<string, unknown>;
        await deps.store.appendEvents(
          chain,
          [{ type: `watch-${r.decision.kind}`, actor, data }],
          new Date(r.at).toISOString(),
        );
      },
    });
    const settings = watchSettingsOf(service);
    const incidents = new FailoverIncidents(deps.forge, job.repo, job.service, {
      owners: service.spec.owners,
      saved: saved.episodes,
      headSha: basis.sha,
      onOpened: async (episode) => {
        const facts = failoverFacts(job.repo, episode.issue, episode);
        await noticeIncidentOpened(deps, facts, channelsOf(basis.config?.spec.providers));
      },
      onResolved: async (episode) => {
        await noticeIncidentResolved(deps, job.repo, episode.issue, 'The datacenter watch resolved it.');
        // Kept for the postmortem drafted when the issue is closed.
        await deps.store.saveCheckpoint(failoverEpisodeKey(job.repo, episode.issue), episode);
        const hold = { ...defaultThresholds, stepSeconds: settings.timing.warmStepHoldMs / 1000 };
        await proposeFailoverTemplate(deps.forge, job.repo, service, episode, hold).catch((error: Error) =>
          deps.log.warn({ err: error.message, issue: episode.issue }, 'the failover template was not proposed'),
        );
      },
    });
    const result = await watch.tick();
    // The machine's state is saved even when the forge fails: the issue catches up at the next scrape.
    await incidents
      .update(result)
      .catch((error: Error) =>
        deps.log.warn(
          { err: error.message, service: job.service },
          'the datacenter watch could not update its incident',
        ),
      );
    const state = watch.snapshot();
    // A confirmation is spent once the datacenter is out (or no longer waiting for one).
    const confirmed = Object.fromEntries(
      Object.entries(saved.confirmed).filter(([dc]) => state.phases[dc]?.phase === 'awaiting-confirmation'),
    );
    await deps.store.saveLoopState(key, { state, episodes: incidents.snapshot(), confirmed } satisfies Saved);
    return result;
  } finally {
    await deps.store.releaseLease(key, holder);
  }
}

async function autonomyOf(deps: Pick<WatchJobDeps, 'forge' | 'store' | 'clock'>, repo: RepoRef, service: string) {
  const known = (await deps.store.repos()).find((r) => r.owner === repo.owner && r.repo === repo.repo);
  if (!known) return 'observe';
  return autonomyFor((await patrolBasis(deps, known)).config, autonomyQuery(service));
}

/**
 * `/zeroops failover <dc>` on a watch incident: recorded for the next scrape, which drains it.
 * Returns the answer to post, in words.
 */
export async function confirmFailover(
  deps: Pick<WatchJobDeps, 'forge' | 'store' | 'clock'>,
  issue: { repo: RepoRef; number: number },
  dc: string,
  by: string,
): Promise<string> {
  const record = await deps.forge.issue(issue.repo, issue.number);
  const service = record?.labels.find((l) => l.startsWith('service:'))?.slice('service:'.length);
  // Only an open incident the watch filed itself (a person can add labels to any issue).
  if (!service || !record?.labels.includes('class:datacenter-degraded') || !record.author.endsWith('[bot]'))
    return 'this issue is not a datacenter incident of the watch; nothing was done.';
  if (record.state !== 'open') return 'this incident is closed; nothing was done.';
  const key = keyOf(issue.repo, service);
  // Under the scrapes' lease, so a scrape saving its state cannot drop the confirmation.
  const holder = `confirm-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const lease = () => {
    const now = deps.clock();
    return deps.store.lease(key, holder, new Date(now.getTime() + 10_000).toISOString(), now.toISOString());
  };
  for (let attempt = 0; !(await lease()); attempt++) {
    if (attempt >= 20) return 'the watch is busy with a scrape; comment again in a few seconds. Nothing was done.';
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  try {
    const saved = await deps.store.loopState<Saved>(key);
    const phase = saved?.state.phases[dc]?.phase;
    if (!saved || phase !== 'awaiting-confirmation')
      return `${dc} is not waiting for a confirmation (${phase ?? 'not watched'}); nothing was done.`;
    if (saved.episodes[dc]?.issue !== issue.number)
      return `this issue is not ${dc}'s incident (#${saved.episodes[dc]?.issue ?? '?'} is); nothing was done.`;
    const autonomy = await autonomyOf(deps, issue.repo, service);
    if (autonomy !== 'confirm' && autonomy !== 'auto')
      return (
        `the autonomy policy for ${service} is ${autonomy}: ZeroOps does not move its traffic, even when ` +
        'asked; nothing was done.'
      );
    await deps.store.saveLoopState(key, { ...saved, confirmed: { ...saved.confirmed, [dc]: by } });
    return (
      `▶ ${dc} will be drained at the next scrape, as far as the other datacenters can carry it ` +
      `(confirmed by @${by}).`
    );
  } finally {
    await deps.store.releaseLease(key, holder);
  }
}
