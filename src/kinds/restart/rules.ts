/** Rules of the Restart kind: the service must say how its instances are restarted, and no batch may empty a datacenter. */
import type { TaskManifest } from '../../manifest/model.js';
import type { Rule } from '../../manifest/rules/rule.js';
import { emptiedDatacenter, safestBatchSize } from './batches.js';

export const restartTargets: Rule<TaskManifest> = {
  name: 'restart-targets',
  check({ manifest }, repo, report) {
    if (manifest.kind !== 'Restart') return;
    const service = repo.services.get(manifest.metadata.service)?.manifest;
    if (!service) return;
    if (service.spec.deploy?.provider === 'kubernetes') {
      const missing = service.spec.datacenters.filter((dc) => !dc.kubernetes).map((dc) => dc.name);
      if (missing.length)
        report(
          ['metadata', 'service'],
          `service '${service.metadata.name}' has no kubernetes workload in ${missing.join(', ')}`,
        );
      return;
    }
    if (!service.spec.restart) {
      report(
        ['metadata', 'service'],
        `service '${service.metadata.name}' does not say how to restart an instance: add spec.restart.command to services/${service.metadata.name}.yaml`,
      );
    }
    const instances = service.spec.datacenters.reduce((sum, dc) => sum + (dc.haproxy?.servers.length ?? 0), 0);
    if (instances === 0)
      report(['metadata', 'service'], `service '${service.metadata.name}' lists no HAProxy servers to restart`);
    const datacenters = manifest.spec.datacenters ?? service.spec.datacenters.map((dc) => dc.name);
    const servers = service.spec.datacenters
      .filter((dc) => datacenters.includes(dc.name))
      .flatMap((dc) => dc.haproxy?.servers ?? []);
    (manifest.spec.instances ?? []).forEach((name, i) => {
      if (!servers.includes(name))
        report(
          ['spec', 'instances', i],
          `${name} is not an instance of ${service.metadata.name} in ${datacenters.join(', ')} (its instances: ${servers.join(', ')})`,
        );
    });
    const batchSize = manifest.spec.batchSize;
    if (batchSize === undefined || instances === 0) return;
    const safe = safestBatchSize(service, datacenters, batchSize);
    if (batchSize >= instances) {
      report(
        ['spec', 'batchSize'],
        `a batch of ${batchSize} restarts all ${instances} instances at once: use at most ${safe}`,
      );
      return;
    }
    const emptied = emptiedDatacenter(service, datacenters, batchSize);
    if (emptied) {
      report(
        ['spec', 'batchSize'],
        `batch ${emptied.batch} of ${batchSize} would take every instance of ${emptied.datacenter} out while it serves traffic: use at most ${safe}`,
      );
    }
  },
};
