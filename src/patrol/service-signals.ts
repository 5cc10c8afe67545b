/**
 * What the patrol reads about a service, from its manifest: each metric with the role it plays in
 * a diagnosis (declared, or told by its name), the query to run (per instance where the service
 * gives one), the labels that say where a series comes from, where goroutine profiles are, and the
 * limits and objective that say how bad things are. Pure.
 */
import type { Role } from '../diagnose/signals.js';
import type { Service } from '../manifest/model.js';
import { parsePercent, parseSize } from '../manifest/units.js';

export interface SignalQuery {
  metric: string;
  role: Role;
  query: string;
  /** The query returns one series per instance (else: the service as a whole). */
  perInstance: boolean;
}

export interface SignalPlan {
  queries: SignalQuery[];
  labels: { dc: string; version: string; instance: string };
  /** With {address} where an instance's scrape address goes. */
  profileUrl?: string;
  /** Where an instance's heap profile is ({address} replaced). */
  heapProfileUrl?: string;
  limits: { memoryBytes?: number };
  slo: number;
}

const byName: [RegExp, Role][] = [
  [/^(error_rate|errors?|error_ratio|5xx)/, 'errors'],
  [/^(requests|traffic|qps|rps|throughput)/, 'traffic'],
  [/^latency/, 'latency'],
  [/^goroutines?/, 'goroutines'],
  [/^(memory|heap|rss)/, 'memory'],
  [/^(process_start|start_time|started)/, 'started'],
];

export const roleOf = (name: string, declared?: string): Role | undefined =>
  (declared as Role | undefined) ?? byName.find(([pattern]) => pattern.test(name))?.[1];

export function signalPlan(service: Service): SignalPlan {
  const queries = Object.entries(service.spec.metrics ?? {}).flatMap(([metric, binding]): SignalQuery[] => {
    const role = roleOf(metric, binding.role);
    if (!role) return [];
    return [{ metric, role, query: binding.series ?? binding.query, perInstance: binding.series !== undefined }];
  });
  // One query per role: the first binding of a role speaks for it (latency_p95 before latency_p99).
  const first = queries.filter((q, i) => queries.findIndex((o) => o.role === q.role) === i);
  const labels = service.spec.labels ?? {};
  const memory = service.spec.limits?.memory;
  return {
    queries: first,
    labels: {
      dc: labels.datacenter ?? 'dc',
      version: labels.version ?? 'version',
      instance: labels.instance ?? 'instance',
    },
    ...(service.spec.profiles?.goroutines ? { profileUrl: service.spec.profiles.goroutines } : {}),
    ...(service.spec.profiles?.heap ? { heapProfileUrl: service.spec.profiles.heap } : {}),
    limits: memory ? { memoryBytes: parseSize(memory) } : {},
    slo: (parsePercent(service.spec.slo?.availability ?? '99.9%') ?? 99.9) / 100,
  };
}
