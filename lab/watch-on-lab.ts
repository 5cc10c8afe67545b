/**
 * The datacenter watch wired to the lab (its Prometheus, its HAProxy, the template's checkout
 * service), with a clock of the caller's choosing; and what the load generator sees of the split.
 * Shared by the lab test, the bench and the demo.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DatacenterWatch, WatchRecord } from '../src/app/watch-datacenters.js';
import type { WatchSettings } from '../src/failover/watch-settings.js';
import { datacenterWatchFor } from '../src/main/datacenter-watch.js';
import { loadDocuments } from '../src/manifest/load.js';
import type { Service } from '../src/manifest/model.js';
import type { Autonomy } from '../src/policy/autonomy.js';
import { PrometheusSource } from '../src/providers/prometheus/prometheus-source.js';
import type { Counters } from './components/load-generator.js';
import type { Lab } from './lab.js';

const root = join(import.meta.dirname, '..');

export function templateService(): Service {
  const path = 'services/checkout.yaml';
  const text = readFileSync(join(root, 'ops-repo-template', path), 'utf8');
  return loadDocuments([{ path, text }]).services[0]!.manifest;
}

export function watchOnLab(
  lab: Lab,
  options: {
    record: (entry: WatchRecord) => void;
    overrides?: Partial<WatchSettings>;
    autonomy?: Autonomy;
    confirmed?: () => readonly string[];
  },
): { watch: DatacenterWatch; settings: WatchSettings; service: Service } {
  const service = templateService();
  const { watch, settings } = datacenterWatchFor(service, {
    metrics: new PrometheusSource(lab.prometheus!.url),
    haproxySocket: lab.haproxy!.socketPath,
    stateDir: lab.dir,
    autonomy: options.autonomy ?? 'auto',
    confirmed: options.confirmed ?? (() => []),
    record: options.record,
    ...(options.overrides ? { overrides: options.overrides } : {}),
  });
  return { watch, settings, service };
}

/** The pool's weight of each datacenter now, read on the admin socket. */
export async function poolWeights(lab: Lab, dcs: readonly string[]): Promise<Record<string, number>> {
  const pool = lab.haproxy!.stableBackend;
  const read = async (dc: string) => Number((await lab.haproxy!.command(`get weight ${pool}/${dc}`)).split(' ')[0]);
  return Object.fromEntries(await Promise.all(dcs.map(async (dc) => [dc, await read(dc)] as const)));
}

/** Each datacenter's share of the responses the load generator got between two marks. */
export function splitOf(counters: Counters): Record<string, number> {
  const total = Math.max(1, counters.total);
  return Object.fromEntries(Object.entries(counters.byDc).map(([dc, n]) => [dc, n / total]));
}
