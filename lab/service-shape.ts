/**
 * The shape of the service the lab runs: its name, its HAProxy pool (one server per datacenter),
 * and each datacenter's backend and instance names. The default is the demo's checkout service in
 * dc-a, dc-b and dc-c; `lab up --repo` takes the shape of the user's own first service.
 */
import type { Service as ServiceManifest } from '../src/manifest/model.js';

export interface LabService {
  name: string;
  /** The backend with one weighted server per datacenter: a datacenter's share is one weight. */
  pool: string;
  /** The backend the canary map sends an audience to. */
  canaryBackend: string;
  datacenters: { name: string; backend: string; servers: string[] }[];
}

const safe = (text: string) => text.replace(/[^A-Za-z0-9_.-]/g, '_');

export function defaultLabService(datacenters = ['dc-a', 'dc-b', 'dc-c'], perDc = 2, name = 'checkout'): LabService {
  return {
    name,
    pool: `${name}_stable`,
    canaryBackend: `${name}_canary`,
    datacenters: datacenters.map((dc) => ({
      name: dc,
      backend: `${name}_${safe(dc).replace(/[-.]/g, '_')}`,
      servers: Array.from({ length: perDc }, (_, i) => `${name}-${dc.replace(/^dc-/, '')}${i + 1}`),
    })),
  };
}

/** The lab's shape for a service of the user's: its pool, backends and servers where it names them. */
export function labServiceFrom(service: ServiceManifest): LabService {
  const name = safe(service.metadata.name);
  const fallback = defaultLabService(
    service.spec.datacenters.map((dc) => dc.name),
    2,
    name,
  );
  return {
    ...fallback,
    pool: service.spec.haproxyPool ?? fallback.pool,
    datacenters: service.spec.datacenters.map((dc, i) => ({
      name: dc.name,
      backend: dc.haproxy?.backend ?? fallback.datacenters[i]!.backend,
      servers: dc.haproxy?.servers?.length ? dc.haproxy.servers : fallback.datacenters[i]!.servers,
    })),
  };
}
