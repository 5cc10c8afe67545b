/**
 * The signals of one service over a window, read through the ports: its metrics by role (per
 * instance where the service says how), ZeroOps' own recent runs on it, and — when asked — goroutine
 * profiles of the instances at two moments. What cannot be read becomes a gap, never a failure.
 */
import type { Change, GoroutineProfile, Series, SignalSet } from '../diagnose/signals.js';
import { parseGoroutineProfile } from '../diagnose/goroutine-profile.js';
import type { Run } from '../engine/run.js';
import type { Store } from '../engine/store.js';
import type { RepoRef } from '../forge/forge.js';
import type { MetricsSource } from '../observe/metrics-source.js';
import type { SignalPlan } from '../patrol/service-signals.js';
import type { ProfileSource } from './ports.js';

export interface CollectDeps {
  metrics: MetricsSource;
  /** Where ZeroOps' own runs are, for the change log; without it (a one-off patrol from the CLI) there is none. */
  store?: Store;
  clock: () => Date;
}

export interface CollectTarget {
  repo: RepoRef;
  service: string;
  env: string;
  plan: SignalPlan;
  windowSeconds: number;
  /** How often Prometheus scrapes: rates are read over at least four intervals. */
  scrapeSeconds: number;
}

export async function collectSignals(
  deps: CollectDeps,
  target: CollectTarget,
): Promise<SignalSet & { addresses: Map<string, string> }> {
  const end = Math.floor(deps.clock().getTime() / 1000);
  const start = end - target.windowSeconds;
  const step = Math.max(target.scrapeSeconds, Math.ceil(target.windowSeconds / 300));
  const rateWindow = `${Math.max(4 * target.scrapeSeconds, 2 * step)}s`;
  const gaps: SignalSet['gaps'] = [];
  const addresses = new Map<string, string>();
  const series: Series[] = [];
  const { labels } = target.plan;
  for (const q of target.plan.queries) {
    const query = q.query.replaceAll('$window', rateWindow);
    try {
      for (const result of await deps.metrics.range(query, start, end, step)) {
        const where = q.perInstance
          ? {
              instance: result.labels[labels.instance] ?? result.labels.instance,
              dc: result.labels[labels.dc],
              version: result.labels[labels.version],
            }
          : {};
        if (where.instance && result.labels.instance) addresses.set(where.instance, result.labels.instance);
        series.push({ role: q.role, metric: q.metric, query, where: dropUndefined(where), points: result.points });
      }
    } catch (error) {
      gaps.push({ source: `${q.metric} (${query})`, reason: (error as Error).message });
    }
  }
  return {
    service: target.service,
    env: target.env,
    window: { start, end, step },
    series,
    profiles: [],
    changes: deps.store ? await changesOf(deps.store, target, start) : [],
    limits: target.plan.limits,
    slo: target.plan.slo,
    gaps,
    addresses,
  };
}

/** Goroutine profiles of `instances`, now and `apartSeconds` later; instances that do not answer are gaps. */
/** Which profile of an instance: its goroutines (Go's text form) or its heap (pprof, decoded). */
export type ProfileKind = 'goroutines' | 'heap';

/** Each instance's profile of `kind`, at two moments `apartSeconds` apart; what cannot be read is a gap. */
export async function collectProfiles(
  profiles: ProfileSource,
  kind: ProfileKind,
  target: { urlTemplate: string; addresses: Map<string, string>; instances: string[] },
  apartSeconds: number,
  clock: () => Date,
): Promise<{ profiles: GoroutineProfile[]; gaps: SignalSet['gaps'] }> {
  const taken: GoroutineProfile[] = [];
  const gaps: SignalSet['gaps'] = [];
  const read = async (url: string, instance: string, at: number): Promise<GoroutineProfile> =>
    kind === 'heap'
      ? { instance, at, ...(await profiles.fetchHeap(url)) }
      : parseGoroutineProfile(await profiles.fetch(url), instance, at);
  const takeAll = async () => {
    const at = clock().getTime() / 1000;
    await Promise.all(
      target.instances.map(async (instance) => {
        const address = target.addresses.get(instance);
        if (!address)
          return void gaps.push({ source: `${kind} profile of ${instance}`, reason: 'no scrape address known' });
        const url =
          kind === 'heap'
            ? current(target.urlTemplate.replace('{address}', address))
            : target.urlTemplate.replace('{address}', address);
        try {
          taken.push(await read(url, instance, at));
        } catch (error) {
          gaps.push({ source: `${kind} profile of ${instance} (${url})`, reason: (error as Error).message });
        }
      }),
    );
  };
  await takeAll();
  await new Promise((resolve) => setTimeout(resolve, apartSeconds * 1000));
  await takeAll();
  return { profiles: taken, gaps };
}

/**
 * Go's heap profile shows the heap as of the last collection: two taken seconds apart between
 * collections are the same, and a leak shows no growth. `gc=1` asks for a collection first.
 */
function current(url: string): string {
  if (/[?&]gc=/.test(url)) return url;
  return `${url}${url.includes('?') ? '&' : '?'}gc=1`;
}

/** ZeroOps' runs on the service that started within an hour before the window or in it. */
async function changesOf(store: Store, target: CollectTarget, start: number): Promise<Change[]> {
  const runs = await store.runs({ repo: target.repo.repo });
  return runs
    .filter((r) => r.repo.owner === target.repo.owner && r.plan.task.service === target.service)
    .filter((r) => Date.parse(r.createdAt) / 1000 >= start - 3600)
    .map(changeOf);
}

function changeOf(run: Run): Change {
  const version = JSON.stringify(run.plan.steps.map((s) => s.action.params)).match(/\bv\d+\.\d+(\.\d+)?\b/)?.[0];
  const started =
    run.steps
      .map((s) => s.startedAt)
      .filter(Boolean)
      .sort()[0] ?? run.createdAt;
  return {
    runId: run.id,
    pullNumber: run.pullNumber,
    task: run.plan.task.name,
    kind: run.plan.task.kind,
    summary: `${run.plan.task.name} (${run.plan.task.kind}${version ? `, ${version}` : ''}) from #${run.pullNumber}`,
    ...(version ? { version } : {}),
    startedAt: Date.parse(started) / 1000,
    ...(run.finishedAt ? { finishedAt: Date.parse(run.finishedAt) / 1000 } : {}),
    status: run.status,
  };
}

const dropUndefined = <T extends object>(o: T) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
