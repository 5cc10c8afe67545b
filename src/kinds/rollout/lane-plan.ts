/**
 * The plan of a Rollout whose service deploys through the fleet: a canary lane. Its instances are
 * started and join a lane backend; a replacement takes over its predecessor's users; each step
 * raises the share of its audience it holds, judged against its baseline (the same audience on
 * the stable version). Rolling back touches this lane only: its users go back to the version it
 * replaced when that one is healthy, else to stable.
 */
import type { CompletedTask } from '../../manifest/complete.js';
import type { AnalysisRule, Rollout } from '../../manifest/model.js';
import { formatDuration, parseDuration, parsePercent } from '../../manifest/units.js';
import { gatesFrom } from '../../plan/gates.js';
import type { Gate, KindPlan, PlanStep, RollbackStep } from '../../plan/types.js';
import { action, inSequence, step } from '../kind.js';
import { describeAudience } from './audience-words.js';

type RolloutSpec = Rollout['spec'] & { interval: string; steps: (string | number)[] };

/** The 5xx share of what a backend answered in each sample period (`$backend`, `$sample` filled in per side). */
export const laneErrorShareQuery =
  'sum(rate(haproxy_backend_http_responses_total{proxy="$backend",code="5xx"}[$sample]))' +
  ' / sum(rate(haproxy_backend_http_responses_total{proxy="$backend"}[$sample]))';

/** The metric name of a lane's comparison with its baseline, as evidence records it. */
export const laneGateMetric = 'lane_error_share';

export function compileLanePlan(task: CompletedTask): KindPlan {
  const spec = task.spec as RolloutSpec;
  const lane = { service: task.service.metadata.name, env: task.env, lane: task.name };
  const holdSeconds = parseDuration(spec.interval)!;
  const percents = spec.steps.map((raw) => parsePercent(raw)!);
  const gates = [comparisonGate(spec, lane), ...gatesFrom(spec.analysis as AnalysisRule[] | undefined, task.service)];
  const declared = {
    version: spec.version,
    features: spec.features ?? [],
    steps: spec.steps,
    ...(spec.audience ? { audience: spec.audience } : {}),
    ...(spec.replaces ? { replaces: spec.replaces } : {}),
  };
  const steps: PlanStep[] = [
    step({
      id: 'deploy-lane',
      title: `Start ${spec.version}${featuresOf(spec)} in a lane of its own, serving no one yet`,
      action: action('lanes', 'deploy', { ...lane, spec: declared }),
      inverse: action('lanes', 'retire', { ...lane, reason: 'rolled back', ownOnly: true }),
    }),
    ...(spec.replaces
      ? [
          step({
            id: 'take-over',
            title: `Take over the users of ${spec.replaces}: the same buckets, now served ${spec.version}`,
            action: action('lanes', 'take-over', { ...lane, from: spec.replaces }),
            inverse: action('lanes', 'hand-back', { ...lane, to: spec.replaces }),
            gates,
            waitSeconds: holdSeconds,
          }),
        ]
      : []),
    ...percents.map((percent, i) =>
      step({
        id: `lane-${percent}`,
        title: `Serve ${spec.version} to ${percent}% of ${whom(spec)}`,
        action: action('lanes', 'route', { ...lane, percent }),
        inverse: action('lanes', 'route', { ...lane, percent: percents[i - 1] ?? 0 }),
        gates,
        waitSeconds: holdSeconds,
      }),
    ),
    ...(spec.replaces
      ? [
          step({
            id: 'retire-replaced',
            title: `Stop ${spec.replaces}'s instances: its users are ${spec.version}'s now`,
            action: action('lanes', 'retire', { ...lane, lane: spec.replaces, reason: `replaced by ${task.name}` }),
          }),
        ]
      : []),
  ];
  const rollback: RollbackStep[] = [
    ...(spec.replaces
      ? [
          {
            title: `Give ${spec.replaces}'s users back to it if it is healthy, else to the stable version`,
            action: action('lanes', 'hand-back', { ...lane, to: spec.replaces }),
            undoes: 'take-over',
          },
        ]
      : []),
    {
      title: `Send ${task.name}'s users back and stop its instances (other lanes are untouched)`,
      action: action('lanes', 'retire', { ...lane, reason: 'rolled back', ownOnly: true }),
      undoes: 'deploy-lane',
    },
  ];
  return {
    summary:
      `Canary lane ${task.name}: ${spec.version} through ${percents.map((p) => `${p}%`).join(' → ')}` +
      ` of ${spec.replaces && !spec.audience ? `${spec.replaces}'s users` : 'its audience'},` +
      ` holding ${formatDuration(holdSeconds)} per step,` +
      ' judged against the stable version on the same audience',
    steps: inSequence(steps),
    rollback,
    locks: [
      { key: `lane:${lane.service}/${lane.env}/${task.name}`, reason: `one run of lane ${task.name} at a time` },
      ...(spec.replaces
        ? [
            {
              key: `lane:${lane.service}/${lane.env}/${spec.replaces}`,
              reason: `takes over the users of ${spec.replaces}`,
            },
          ]
        : []),
    ],
    riskFactors: [],
  };
}

function comparisonGate(spec: RolloutSpec, lane: { service: string; env: string; lane: string }): Gate {
  const compare = spec.compare ?? {};
  const sampleSeconds = parseDuration(compare.sample ?? '60s')!;
  const minSamples = compare.minSamples ?? 8;
  const minEffect = parsePercent(compare.minEffect ?? '1%')! / 100;
  return {
    metric: laneGateMetric,
    query: laneErrorShareQuery.replaceAll('$sample', formatDuration(sampleSeconds)),
    unit: 'ratio',
    phase: 'both',
    display:
      `5xx share vs baseline (+${formatPercent(minEffect)} at p < 0.02,` +
      ` ${minSamples}+ samples of ${formatDuration(sampleSeconds)})`,
    compare: { ...lane, sampleSeconds, minSamples, minEffect },
  };
}

const featuresOf = (spec: RolloutSpec) => (spec.features?.length ? ` (features ${spec.features.join(', ')})` : '');

function whom(spec: RolloutSpec): string {
  if (spec.audience) return `the audience (${describeAudience(spec.audience)})`;
  return spec.replaces ? `${spec.replaces}'s audience` : 'all users';
}

const formatPercent = (ratio: number) => `${Math.round(ratio * 1000) / 10}%`;
