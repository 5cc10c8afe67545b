/**
 * TrafficShift: move a service's traffic between datacenters by changing each datacenter's weight
 * (as a percentage of its normal weight) in equal increments, gated by metrics. Rollback restores
 * every touched datacenter to the weight it had when the run started.
 */
import type { CompletedTask } from '../../manifest/complete.js';
import type { AnalysisRule, TrafficShift } from '../../manifest/model.js';
import { formatDuration, parseDuration, parsePercent } from '../../manifest/units.js';
import { gatesFrom } from '../../plan/gates.js';
import type { KindPlan, PlanStep, RiskFactor } from '../../plan/types.js';
import { action, inSequence, step, type KindModule } from '../kind.js';
import { trafficWeights } from './rules.js';

type ShiftSpec = TrafficShift['spec'] & { steps: number; interval: string };

export const trafficShift: KindModule = {
  kind: 'TrafficShift',
  executes: true,
  defaults: { spec: { steps: 1, interval: '2m' }, perDatacenter: false },
  requiredAfterCompletion: [],
  rules: [trafficWeights],
  compile,
};

function compile(task: CompletedTask): KindPlan {
  const spec = task.spec as ShiftSpec;
  const service = task.service.metadata.name;
  const pool = task.service.spec.haproxyPool ?? `${service}_stable`;
  const targets = Object.entries(spec.weights).map(([datacenter, raw]) => ({
    datacenter,
    percent: parsePercent(raw)!,
    start: parsePercent(spec.from?.[datacenter] ?? 100)!,
  }));
  const gates = gatesFrom(spec.analysis as AnalysisRule[] | undefined, task.service);
  const holdSeconds = parseDuration(spec.interval)!;
  const backends = Object.fromEntries(
    task.service.spec.datacenters.map((dc) => [
      dc.name,
      { backend: dc.haproxy?.backend, normalWeight: dc.weight ?? 100 },
    ]),
  );

  const steps: PlanStep[] = [];
  for (let n = 1; n <= spec.steps; n++) {
    const weights = targets.map(({ datacenter, percent, start }) => ({
      datacenter,
      percent: interpolate(start, percent, n, spec.steps),
      ...backends[datacenter],
    }));
    const previous = targets.map(({ datacenter, percent, start }) => ({
      datacenter,
      percent: interpolate(start, percent, n - 1, spec.steps),
      ...backends[datacenter],
    }));
    steps.push(
      step({
        id: `shift-${n}`,
        title: `Set ${weights.map((w) => `${w.datacenter} to ${w.percent}%`).join(', ')} of normal weight`,
        action: action('haproxy', 'set-datacenter-weights', { service, env: task.env, pool, weights }),
        inverse: action('haproxy', 'set-datacenter-weights', { service, env: task.env, pool, weights: previous }),
        gates,
        waitSeconds: holdSeconds,
      }),
    );
  }
  const touched = targets.map((t) => t.datacenter);
  return {
    summary: `Shift ${service} traffic: ${targets.map((t) => `${t.datacenter} ${t.start}% → ${t.percent}%`).join(', ')} in ${spec.steps} step(s), holding ${formatDuration(holdSeconds)} each${spec.reason ? ` (${spec.reason})` : ''}`,
    steps: inSequence(steps),
    rollback: [
      {
        title: `Restore ${touched.join(', ')} to ${touched.length === 1 ? 'the weight it' : 'the weights they'} had before the run`,
        action: action('haproxy', 'restore-datacenter-weights', { service, env: task.env, pool, datacenters: touched }),
      },
    ],
    locks: [{ key: `traffic:${service}`, reason: 'one change of datacenter weights at a time' }],
    riskFactors: riskOf(task, targets),
  };
}

/** Weight after step n of total, moving in equal increments from start to target. */
function interpolate(start: number, target: number, n: number, total: number): number {
  return Math.round(start + ((target - start) * n) / total);
}

function riskOf(task: CompletedTask, targets: { datacenter: string; percent: number }[]): RiskFactor[] {
  const drained = targets.filter((t) => t.percent === 0).map((t) => t.datacenter);
  const all = task.service.spec.datacenters.length;
  const factors: RiskFactor[] = [];
  if (drained.length > 0) {
    factors.push({
      reason: `drains ${drained.join(', ')}: ${all - drained.length} of ${all} datacenters carry all traffic`,
      weight: 2,
    });
  }
  return factors;
}
