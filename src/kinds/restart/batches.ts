/** The batches of a rolling restart, and whether one of them would empty a datacenter that serves traffic. */
import type { Service } from '../../manifest/model.js';

export interface Instance {
  datacenter: string;
  backend?: string;
  server: string;
}

/** Instances taken round-robin across datacenters, so a batch takes from each before emptying one. */
export function instancesOf(service: Service, datacenters: readonly string[]): Instance[] {
  const perDc = service.spec.datacenters
    .filter((dc) => datacenters.includes(dc.name))
    .map((dc) =>
      (dc.haproxy?.servers ?? []).map((server) => ({ datacenter: dc.name, backend: dc.haproxy?.backend, server })),
    );
  const longest = Math.max(0, ...perDc.map((list) => list.length));
  return Array.from({ length: longest }, (_, i) => perDc.flatMap((list) => (list[i] ? [list[i]!] : []))).flat();
}

export function batchesOf(instances: readonly Instance[], batchSize: number): Instance[][] {
  const batches: Instance[][] = [];
  for (let start = 0; start < instances.length; start += batchSize)
    batches.push(instances.slice(start, start + batchSize));
  return batches;
}

/** The first datacenter in service (weight above 0) that some batch would take out whole. */
export function emptiedDatacenter(
  service: Service,
  datacenters: readonly string[],
  batchSize: number,
): { datacenter: string; batch: number } | undefined {
  const inService = service.spec.datacenters.filter((dc) => datacenters.includes(dc.name) && (dc.weight ?? 100) > 0);
  const batches = batchesOf(instancesOf(service, datacenters), batchSize);
  for (const [i, batch] of batches.entries()) {
    const dc = inService.find(
      (d) =>
        (d.haproxy?.servers.length ?? 0) > 0 &&
        d.haproxy!.servers.every((s) => batch.some((b) => b.datacenter === d.name && b.server === s)),
    );
    if (dc) return { datacenter: dc.name, batch: i + 1 };
  }
  return undefined;
}

/** The largest batch size that empties no datacenter in service (at least 1). */
export function safestBatchSize(service: Service, datacenters: readonly string[], upTo: number): number {
  const instances = instancesOf(service, datacenters).length;
  for (let size = Math.min(upTo, instances - 1); size > 1; size--)
    if (!emptiedDatacenter(service, datacenters, size)) return size;
  return 1;
}
