/**
 * What a service's tasks act on (its databases, HAProxy backends and pools, Kubernetes workloads),
 * and which other services of the approved state act on the same. Connections come from one config
 * for the whole repository, so a service that names another's database reaches that database: its
 * tasks are held by the other service's bar and owners too, and a service file that starts naming
 * it needs them (governance.ts). Pure.
 */
import type { Service } from '../manifest/model.js';

export interface Claimant {
  name: string;
  environments: string[];
  owners: string[];
  /** What it shares, in words: `database shop`. */
  shares: string[];
}

function serviceTargets(service: Service): string[] {
  const spec = service.spec;
  return [
    ...(spec.databases ?? []).map((d) => `database ${d.name}`),
    ...(spec.haproxyPool ? [`HAProxy backend ${spec.haproxyPool}`] : []),
    ...(spec.datacenters ?? []).flatMap((dc) => [
      ...(dc.haproxy ? [`HAProxy backend ${dc.haproxy.backend}`] : []),
      ...(dc.kubernetes
        ? [`Deployment ${dc.kubernetes.context}/${dc.kubernetes.namespace}/${dc.kubernetes.deployment}`]
        : []),
    ]),
  ];
}

/** The approved services other than `service` that act on something it acts on. */
export function claimantsOf(service: Service, approved: readonly Service[] | undefined): Claimant[] {
  const mine = new Set(serviceTargets(service));
  return (approved ?? [])
    .filter((other) => other.metadata.name !== service.metadata.name)
    .map((other) => ({ other, shares: [...new Set(serviceTargets(other).filter((t) => mine.has(t)))] }))
    .filter(({ shares }) => shares.length > 0)
    .map(({ other, shares }) => ({
      name: other.metadata.name,
      environments: other.spec.environments,
      owners: other.spec.owners,
      shares,
    }));
}
