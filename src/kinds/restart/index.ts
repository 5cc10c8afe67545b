/**
 * Restart: a rolling restart in batches. Each batch is taken out of the load balancer, restarted
 * and put back, and the next batch waits until the health gates hold. Kubernetes workloads get a
 * rollout restart per datacenter instead.
 */
import type { CompletedTask } from '../../manifest/complete.js';
import type { AnalysisRule, Restart, Service } from '../../manifest/model.js';
import { formatDuration, parseDuration } from '../../manifest/units.js';
import { gatesFrom } from '../../plan/gates.js';
import type { Gate, KindPlan, PlanStep } from '../../plan/types.js';
import { action, datacentersOf, inSequence, step, type KindModule } from '../kind.js';
import { batchesOf, instancesOf, type Instance } from './batches.js';
import { restartTargets } from './rules.js';

type RestartSpec = Restart['spec'] & { batchSize: number; interval: string };

export const restart: KindModule = {
  kind: 'Restart',
  executes: true,
  defaults: { spec: { batchSize: 1, interval: '30s' }, perDatacenter: true },
  requiredAfterCompletion: [],
  rules: [restartTargets],
  compile,
};

function compile(task: CompletedTask): KindPlan {
  const spec = task.spec as RestartSpec;
  const service = task.service;
  const gates = gatesFrom(spec.analysis as AnalysisRule[] | undefined, service);
  const holdSeconds = parseDuration(spec.interval)!;
  const datacenters = datacentersOf(task);
  const steps =
    service.spec.deploy?.provider === 'kubernetes'
      ? kubernetesSteps(service, datacenters, gates, holdSeconds)
      : batchSteps(chosenInstances(service, datacenters, spec.instances), spec.batchSize, service, gates, holdSeconds);
  const name = service.metadata.name;
  return {
    summary: `Rolling restart of ${spec.instances ? spec.instances.join(', ') : name} in ${datacenters.join(', ')}, ${spec.batchSize} at a time, holding ${formatDuration(holdSeconds)} after each batch${spec.reason ? ` (${spec.reason})` : ''}`,
    steps: inSequence(steps),
    rollback: [
      {
        title: 'Put every drained instance back in service',
        action: action('haproxy', 'set-server-state', {
          service: name,
          env: task.env,
          state: 'ready',
          servers: 'all-drained-by-this-run',
        }),
      },
    ],
    locks: datacenters.map((dc) => ({
      key: `instances:${name}/${dc}`,
      reason: `restarts instances in ${dc}`,
    })),
    riskFactors: [],
  };
}

/** The instances to restart: those the task names, else every instance of its datacenters. */
function chosenInstances(service: Service, datacenters: string[], names: string[] | undefined): Instance[] {
  const all = instancesOf(service, datacenters);
  return names ? all.filter((i) => names.includes(i.server)) : all;
}

function batchSteps(
  instances: Instance[],
  batchSize: number,
  service: Service,
  gates: Gate[],
  holdSeconds: number,
): PlanStep[] {
  const steps: PlanStep[] = [];
  const command = service.spec.restart!.command;
  for (const [i, batch] of batchesOf(instances, batchSize).entries()) {
    const n = i + 1;
    const servers = batch.map(({ backend, server, datacenter }) => ({ backend, server, datacenter }));
    const names = batch.map((i) => i.server).join(', ');
    steps.push(
      step({
        id: `drain-${n}`,
        title: `Drain ${names}`,
        action: action('haproxy', 'set-server-state', { state: 'drain', servers }),
        inverse: action('haproxy', 'set-server-state', { state: 'ready', servers }),
      }),
      step({
        id: `restart-${n}`,
        title: `Restart ${names}`,
        action: action('command', 'run', { argv: command, targets: servers }),
        inverse: 'none-needed',
      }),
      step({
        id: `ready-${n}`,
        title: `Return ${names} to service`,
        action: action('haproxy', 'set-server-state', { state: 'ready', servers }),
        inverse: 'none-needed',
        gates,
        waitSeconds: holdSeconds,
      }),
    );
  }
  return steps;
}

function kubernetesSteps(service: Service, datacenters: string[], gates: Gate[], holdSeconds: number): PlanStep[] {
  return service.spec.datacenters
    .filter((dc) => datacenters.includes(dc.name))
    .map((dc) =>
      step({
        id: `restart-${dc.name}`,
        title: `Rollout restart of ${dc.kubernetes!.deployment} in ${dc.name}`,
        action: action('kubernetes', 'rollout-restart', { ...dc.kubernetes, datacenter: dc.name }),
        inverse: 'none-needed',
        gates,
        waitSeconds: holdSeconds,
      }),
    );
}
