/**
 * Wiring of a service's datacenter watch: its metrics from Prometheus, its weights and probes
 * through HAProxy's admin socket, its settings from the service's `failover` section.
 */
import { join } from 'node:path';
import { readTick, tickQueries } from '../app/datacenter-tick.js';
import { DatacenterWatch, type WatchRecord } from '../app/watch-datacenters.js';
import { defaultThresholds, type Thresholds } from '../failover/signals.js';
import { watchSettingsOf, type WatchSettings } from '../failover/watch-settings.js';
import type { WatchState } from '../failover/watch-machine.js';
import type { Service } from '../manifest/model.js';
import type { MetricsSource } from '../observe/metrics-source.js';
import type { Autonomy } from '../policy/autonomy.js';
import { applyShares } from '../providers/haproxy/datacenter-shares.js';
import { probeDatacenter } from '../providers/haproxy/datacenter-probe.js';
import { HAProxyTraffic } from '../providers/haproxy/traffic.js';

export interface WatchWiring {
  metrics: MetricsSource;
  haproxySocket: string;
  /** Where the weights ZeroOps set are persisted (they do not survive an HAProxy reload). */
  stateDir: string;
  autonomy: Autonomy;
  confirmed: () => readonly string[];
  record: (entry: WatchRecord) => Promise<void> | void;
  /** Settings over the service's own (the lab's compressed clock). */
  overrides?: Partial<WatchSettings>;
  thresholds?: Thresholds;
  /** Where the machine was at the last scrape (saved between jobs). */
  state?: WatchState;
}

export function datacenterWatchFor(
  service: Service,
  wiring: WatchWiring,
): { watch: DatacenterWatch; settings: WatchSettings } {
  const settings = {
    ...(watchSettingsOf(service) ?? watchSettingsOf({ ...service, spec: { ...service.spec, failover: {} } })!),
    ...wiring.overrides,
  };
  if (!wiring.haproxySocket)
    throw new Error(
      `the datacenter watch of ${service.metadata.name} moves traffic through HAProxy: ` +
        'set providers.haproxy.socket in .zeroops/config.yaml',
    );
  const queries = tickQueries(service, settings.window);
  if (!queries) throw new Error(`service '${service.metadata.name}' has no latency metric with a per-instance series`);
  const pool = service.spec.haproxyPool ?? `${service.metadata.name}_stable`;
  const normal = Object.fromEntries(service.spec.datacenters.map((d) => [d.name, d.weight ?? 100]));
  const backends = Object.fromEntries(service.spec.datacenters.map((d) => [d.name, d.haproxy?.backend]));
  const traffic = new HAProxyTraffic(wiring.haproxySocket, join(wiring.stateDir, `${pool}-watch.json`));
  const watch = new DatacenterWatch(
    {
      read: () => readTick(wiring.metrics, service, queries),
      apply: (keep) => applyShares(traffic, pool, normal, keep, `datacenter-watch/${service.metadata.name}`),
      eject: async (dc, instance) => {
        const backend = backends[dc];
        if (backend)
          await traffic.ensureServerState(backend, instance, 'drain', `datacenter-watch/${service.metadata.name}`);
      },
      probe: async (dcs) => {
        const out = dcs.map((dc) => backends[dc]).filter((b): b is string => Boolean(b));
        await Promise.all(
          out.map((backend) => probeDatacenter(wiring.haproxySocket, backend, { path: settings.probePath })),
        );
      },
      record: wiring.record,
      confirmed: wiring.confirmed,
      autonomy: wiring.autonomy,
      capacity: settings.capacity,
      thresholds: wiring.thresholds ?? defaultThresholds,
      timing: settings.timing,
    },
    wiring.state,
  );
  return { watch, settings };
}
