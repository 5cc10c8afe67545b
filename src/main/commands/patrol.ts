/**
 * `zeroops patrol --once [--repo DIR] [--service NAME]`: every inspection of the local ops repo's
 * services, run now against the Prometheus its config names, with findings printed — no Redis, no
 * GitHub, no incident filed. Exit 1 when an inspection found something, 0 when all is quiet.
 */
import { inspect } from '../../app/inspect.js';
import { readOpsRepo } from '../../forge/local/working-tree.js';
import { loadDocuments } from '../../manifest/load.js';
import { autonomyFor } from '../../policy/autonomy.js';
import { kindOf } from '../../patrol/remediation-task.js';
import { HttpProfiles } from '../../providers/pprof/http-profiles.js';
import { prometheusFor } from '../run-gates.js';
import type { MetricsSource } from '../../observe/metrics-source.js';

export async function patrolOnce(root: string, only: string | undefined, out: (line: string) => void): Promise<number> {
  const loaded = loadDocuments(await readOpsRepo(root));
  const config = loaded.configs[0]?.manifest;
  const source = prometheusFor(config?.spec.providers?.prometheus, process.env);
  if ('problem' in source) {
    out(`zeroops patrol: ${source.problem}`);
    return 2;
  }
  const deps = {
    metricsFor: (): MetricsSource => source,
    profiles: new HttpProfiles(),
    profileSeconds: 5,
    clock: () => new Date(),
  };
  let found = 0;
  const services = loaded.services.map((s) => s.manifest).filter((s) => !only || s.metadata.name === only);
  if (services.length === 0) out(`zeroops patrol: no service${only ? ` named ${only}` : ''} in ${root}`);
  for (const service of services) {
    for (const inspection of service.spec.inspections ?? []) {
      const { verdict, diagnosis } = await inspect(deps, { service, inspection, config });
      const name = `${service.metadata.name}/${inspection.name} (${inspection.detect} on ${inspection.metric})`;
      if (verdict.kind === 'quiet') {
        out(`✓ ${name}: quiet${diagnosis.normal.length ? ` — ${diagnosis.normal.join('; ')}` : ''}`);
        continue;
      }
      found++;
      const cause = verdict.kind === 'gap' ? verdict.cause : verdict.causes[0]!;
      out(
        `✗ ${name}: ${verdict.kind === 'gap' ? 'monitoring gap' : diagnosis.severity} — ${cause.headline ?? cause.title}`,
      );
      for (const e of cause.evidence) out(`    evidence: ${e.text}`);
      for (const r of cause.ruledOut) out(`    ruled out: ${r}`);
      cause.remediations.forEach((r, i) => {
        const level = autonomyFor(config, {
          kind: kindOf(r.id),
          service: service.metadata.name,
          class: cause.class,
          remediation: r.id,
          severity: diagnosis.severity,
        });
        out(`    option ${i + 1}: ${r.title} — ${r.why} (policy: ${level})`);
      });
    }
  }
  return found > 0 ? 1 : 0;
}
