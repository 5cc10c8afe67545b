/**
 * Scale: set the replica count of the service's Kubernetes workload in each datacenter, one
 * datacenter at a time, gated by metrics. Rollback restores the counts seen when the run started.
 */
import type { CompletedTask } from '../../manifest/complete.js';
import type { AnalysisRule, Scale, TaskManifest } from '../../manifest/model.js';
import type { Rule } from '../../manifest/rules/rule.js';
import { formatDuration, parseDuration } from '../../manifest/units.js';
import { gatesFrom } from '../../plan/gates.js';
import type { KindPlan, RiskFactor } from '../../plan/types.js';
import { action, datacentersOf, inSequence, step, type KindModule } from '../kind.js';

type ScaleSpec = Scale['spec'] & { interval: string };

const scaleTargets: Rule<TaskManifest> = {
  name: 'scale-targets',
  check({ manifest }, repo, report) {
    if (manifest.kind !== 'Scale') return;
    const service = repo.services.get(manifest.metadata.service)?.manifest;
    const missing = service?.spec.datacenters.filter((dc) => !dc.kubernetes).map((dc) => dc.name) ?? [];
    if (service && missing.length)
      report(
        ['metadata', 'service'],
        `service '${service.metadata.name}' has no kubernetes workload in ${missing.join(', ')}: Scale needs one per datacenter`,
      );
    if (manifest.spec.replicas === 0)
      report(['spec', 'replicas'], 'scaling to 0 stops the service in these datacenters', { severity: 'warning' });
  },
};

export const scale: KindModule = {
  kind: 'Scale',
  executes: false,
  defaults: { spec: { interval: '1m' }, perDatacenter: true },
  requiredAfterCompletion: [],
  rules: [scaleTargets],
  compile,
};

function compile(task: CompletedTask): KindPlan {
  const spec = task.spec as ScaleSpec;
  const gates = gatesFrom(spec.analysis as AnalysisRule[] | undefined, task.service);
  const holdSeconds = parseDuration(spec.interval)!;
  const datacenters = task.service.spec.datacenters.filter((dc) => datacentersOf(task).includes(dc.name));
  const steps = datacenters.map((dc) =>
    step({
      id: `scale-${dc.name}`,
      title: `Scale ${dc.kubernetes?.deployment} in ${dc.name} to ${spec.replicas} (inventory: ${dc.kubernetes?.replicas ?? 'unknown'})`,
      action: action('kubernetes', 'scale', { ...dc.kubernetes, datacenter: dc.name, replicas: spec.replicas }),
      inverse: action('kubernetes', 'restore-replicas', { ...dc.kubernetes, datacenter: dc.name }),
      gates,
      waitSeconds: holdSeconds,
    }),
  );
  const name = task.service.metadata.name;
  return {
    summary: `Scale ${name} to ${spec.replicas} replicas in ${datacenters.map((dc) => dc.name).join(', ')}, holding ${formatDuration(holdSeconds)} after each`,
    steps: inSequence(steps),
    locks: datacenters.map((dc) => ({
      key: `instances:${name}/${dc.name}`,
      reason: `changes the replicas in ${dc.name}`,
    })),
    riskFactors: riskOf(
      spec,
      datacenters.map((dc) => dc.kubernetes?.replicas),
    ),
  };
}

function riskOf(spec: ScaleSpec, current: (number | undefined)[]): RiskFactor[] {
  if (spec.replicas === 0) return [{ reason: 'scales to zero replicas', weight: 3 }];
  const shrinks = current.some((n) => n !== undefined && spec.replicas < n / 2);
  return shrinks ? [{ reason: 'removes more than half of the replicas', weight: 2 }] : [];
}
