/** Rules of the TrafficShift kind. */
import type { TaskManifest } from '../../manifest/model.js';
import type { Rule } from '../../manifest/rules/rule.js';
import { parsePercent } from '../../manifest/units.js';
import { checkPercent } from '../percent-rule.js';

export const trafficWeights: Rule<TaskManifest> = {
  name: 'traffic-weights',
  check({ manifest }, repo, report) {
    if (manifest.kind !== 'TrafficShift') return;
    for (const field of ['weights', 'from'] as const) {
      for (const [dc, raw] of Object.entries(manifest.spec[field] ?? {}))
        checkPercent(raw, ['spec', field, dc], report, { min: 0 });
    }
    const service = repo.services.get(manifest.metadata.service)?.manifest;
    if (!service) return;
    const after = service.spec.datacenters.map((dc) => parsePercent(manifest.spec.weights[dc.name] ?? 100) ?? 100);
    if (after.every((percent) => percent === 0)) {
      report(['spec', 'weights'], 'every datacenter would be at 0%: the service would receive no traffic at all');
    }
  },
};
