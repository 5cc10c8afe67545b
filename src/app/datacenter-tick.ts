/**
 * One scrape of a service's datacenters for the datacenter watch: its per-instance latency, error
 * and traffic series (the `series` of its metrics), grouped by the datacenter label. A datacenter's
 * p99 is its slowest serving instance's (what its unluckiest users see); its error ratio is
 * weighted by each instance's traffic.
 */
import { roleOf } from '../patrol/service-signals.js';
import type { Service } from '../manifest/model.js';
import type { MetricsSource, Sample } from '../observe/metrics-source.js';
import { windowPlaceholder } from '../manifest/units.js';
import type { DatacenterSample, Tick } from '../failover/signals.js';

type Binding = NonNullable<Service['spec']['metrics']>[string];

export interface TickQueries {
  latency: string;
  errors?: string;
  traffic?: string;
  /** The share of requests that timed out or were retried, per instance (failover.timeouts). */
  timeouts?: string;
  /** Latency values are seconds (×1000 to ms) unless the metric's unit says ms. */
  latencyScale: number;
}

/** The per-instance queries the watch reads, preferring a p99 latency; undefined without one. */
export function tickQueries(service: Service, window: string): TickQueries | undefined {
  const series = Object.entries(service.spec.metrics ?? {}).filter(([, b]) => b.series !== undefined);
  const withRole = (role: string) => series.filter(([name, b]) => roleOf(name, b.role) === role);
  const latency = withRole('latency').sort(([a], [b]) => Number(/99/.test(b)) - Number(/99/.test(a)))[0];
  if (!latency) return undefined;
  const text = (b: Binding | undefined) => b?.series?.split(windowPlaceholder).join(window);
  const errors = withRole('errors')[0]?.[1];
  const traffic = withRole('traffic')[0]?.[1];
  const timeouts = service.spec.failover?.timeouts ? service.spec.metrics?.[service.spec.failover.timeouts] : undefined;
  return {
    latency: text(latency[1])!,
    ...(errors ? { errors: text(errors)! } : {}),
    ...(traffic ? { traffic: text(traffic)! } : {}),
    ...(timeouts?.series ? { timeouts: text(timeouts)! } : {}),
    latencyScale: (latency[1] as { unit?: string }).unit === 'ms' ? 1 : 1000,
  };
}

export async function readTick(
  source: MetricsSource,
  service: Service,
  queries: TickQueries,
  at = Date.now(),
): Promise<Tick> {
  const labels = service.spec.labels ?? {};
  const dcLabel = labels.datacenter ?? 'dc';
  const instanceLabel = labels.instance ?? 'instance';
  const optional = (query: string | undefined) => (query ? source.instant(query) : Promise.resolve([]));
  const [latency, errors, traffic, timeouts] = await Promise.all([
    source.instant(queries.latency),
    optional(queries.errors),
    optional(queries.traffic),
    optional(queries.timeouts),
  ]);
  const key = (s: Sample) => `${s.labels[dcLabel]}/${s.labels[instanceLabel]}`;
  const valueOf = (samples: Sample[]) => new Map(samples.map((s) => [key(s), s.value]));
  const [errorByInstance, rpsByInstance, timeoutByInstance] = [valueOf(errors), valueOf(traffic), valueOf(timeouts)];
  const samples: DatacenterSample[] = service.spec.datacenters.map(({ name: dc }) => {
    const instances = latency
      .filter((s) => s.labels[dcLabel] === dc && Number.isFinite(s.value))
      .map((s) => ({
        name: s.labels[instanceLabel] ?? key(s),
        p99Ms: s.value * queries.latencyScale,
        errorRatio: finite(errorByInstance.get(key(s))),
        timeoutRatio: finite(timeoutByInstance.get(key(s))),
        rps: finite(rpsByInstance.get(key(s))),
      }));
    const rps = instances.reduce((sum, i) => sum + i.rps, 0);
    // Weighted by each instance's traffic (a plain mean when traffic is unknown).
    const weighted = (ratio: (i: (typeof instances)[number]) => number) =>
      rps > 0
        ? instances.reduce((sum, i) => sum + ratio(i) * i.rps, 0) / rps
        : instances.reduce((sum, i) => sum + ratio(i), 0) / Math.max(1, instances.length);
    return {
      dc,
      p99Ms: instances.length ? Math.max(...instances.map((i) => i.p99Ms)) : NaN,
      errorRatio: weighted((i) => i.errorRatio),
      timeoutRatio: weighted((i) => i.timeoutRatio),
      rps,
      instances: instances.map(({ name, p99Ms, errorRatio: e }) => ({ name, p99Ms, errorRatio: e })),
    };
  });
  const queried = {
    latency: queries.latency,
    ...(queries.errors ? { errors: queries.errors } : {}),
    ...(queries.timeouts ? { timeouts: queries.timeouts } : {}),
  };
  return { at, samples, queries: queried };
}

const finite = (v: number | undefined) => (v !== undefined && Number.isFinite(v) ? v : 0);
