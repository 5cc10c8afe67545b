/**
 * Rollout: a canary of a new version. Deploy the canary cohort, route its audience, raise its share
 * of traffic step by step under the analysis gates, then promote it. Rollback sends every request
 * back to the version it replaces.
 */
import type { CompletedTask } from '../../manifest/complete.js';
import type { AnalysisRule, Rollout } from '../../manifest/model.js';
import { formatDuration, parseDuration, parsePercent } from '../../manifest/units.js';
import { gatesFrom } from '../../plan/gates.js';
import type { Action, KindPlan, PlanStep, RiskFactor } from '../../plan/types.js';
import { action, inSequence, step, type KindModule } from '../kind.js';
import { describeAudience } from './audience-words.js';
import { compileLanePlan } from './lane-plan.js';
import { laneHoldLongEnough, replacesRollout, rolloutAudience, rolloutSteps } from './rules.js';

type RolloutSpec = Rollout['spec'] & { interval: string; steps: (string | number)[] };

export const rollout: KindModule = {
  kind: 'Rollout',
  // Lanes execute where the service deploys through the fleet; elsewhere a Rollout is planned only.
  executes: (task) => deploysThroughFleet(task),
  executesWhen:
    'when its service deploys through the fleet (`spec.deploy.provider: fleet`), as a canary lane; ' +
    'elsewhere it is planned and approved only, and merging one runs nothing',
  defaults: { spec: { interval: '5m' }, perDatacenter: false },
  requiredAfterCompletion: ['steps'],
  rules: [rolloutSteps, replacesRollout, rolloutAudience, laneHoldLongEnough],
  compile: (task) => (deploysThroughFleet(task) ? compileLanePlan(task) : compile(task)),
};

const deploysThroughFleet = (task: CompletedTask) => task.service.spec.deploy?.provider === 'fleet';

function compile(task: CompletedTask): KindPlan {
  const spec = task.spec as RolloutSpec;
  const provider = (task.service.spec.deploy?.provider ?? 'haproxy') as Action['provider'];
  const cohort = { service: task.service.metadata.name, env: task.env, version: spec.version };
  const gates = gatesFrom(spec.analysis as AnalysisRule[] | undefined, task.service);
  const holdSeconds = parseDuration(spec.interval)!;
  const percents = spec.steps.map((raw) => parsePercent(raw)!);

  const steps: PlanStep[] = [
    step({
      id: 'deploy-canary',
      title: `Deploy ${spec.version} as a canary cohort${spec.features?.length ? ` (features ${spec.features.join(', ')})` : ''}`,
      action: action(provider, 'deploy-canary', { ...cohort, features: spec.features ?? [] }),
      inverse: action(provider, 'retire-canary', cohort),
    }),
    ...audienceSteps(spec, cohort),
    ...percents.map((percent, i) =>
      step({
        id: `traffic-${percent}`,
        title: `Send ${percent}% of ${spec.audience ? 'the audience' : 'traffic'} to ${spec.version}`,
        action: action('haproxy', 'set-canary-weight', { ...cohort, percent }),
        inverse: action('haproxy', 'set-canary-weight', { ...cohort, percent: i === 0 ? 0 : percents[i - 1] }),
        gates,
        waitSeconds: holdSeconds,
      }),
    ),
  ];
  if (percents[percents.length - 1] === 100) {
    steps.push(
      step({
        id: 'promote',
        title: `Promote ${spec.version} to stable`,
        action: action(provider, 'promote', cohort),
        inverse: action(provider, 'demote', cohort),
        gates,
      }),
    );
  }
  return {
    summary: `Canary ${spec.version} of ${task.service.metadata.name} through ${percents.map((p) => `${p}%`).join(' → ')}, holding ${formatDuration(holdSeconds)} per step`,
    steps: inSequence(steps),
    rollback: [
      {
        title: `Send all traffic back to the previous version and retire ${spec.version}`,
        action: action('haproxy', 'set-canary-weight', { ...cohort, percent: 0 }),
      },
      ...(spec.audience || spec.replaces
        ? [
            {
              title: 'Restore the audience routes as they were',
              action: action('haproxy', 'restore-audience-route', cohort),
            },
          ]
        : []),
      { title: `Retire the ${spec.version} cohort`, action: action(provider, 'retire-canary', cohort) },
    ],
    locks: [
      {
        key: `canary:${cohort.service}/${cohort.env}/${spec.version}`,
        reason: `one rollout of ${spec.version} at a time`,
      },
      ...(spec.replaces
        ? [{ key: `canary-task:${spec.replaces}`, reason: `takes over the audience of ${spec.replaces}` }]
        : []),
    ],
    riskFactors: riskOf(percents, spec),
  };
}

function audienceSteps(spec: RolloutSpec, cohort: Record<string, string>): PlanStep[] {
  if (spec.replaces) {
    return [
      step({
        id: 'take-over-audience',
        title: `Take over the audience of ${spec.replaces}`,
        action: action('haproxy', 'take-over-audience-route', {
          ...cohort,
          from: spec.replaces,
          audience: spec.audience ?? null,
        }),
        inverse: action('haproxy', 'take-over-audience-route', { ...cohort, from: cohort.version, to: spec.replaces }),
      }),
    ];
  }
  if (!spec.audience) return [];
  return [
    step({
      id: 'route-audience',
      title: `Route the audience ${describeAudience(spec.audience)} to the canary cohort`,
      action: action('haproxy', 'set-audience-route', { ...cohort, audience: spec.audience }),
      inverse: action('haproxy', 'remove-audience-route', cohort),
    }),
  ];
}

function riskOf(percents: number[], spec: RolloutSpec): RiskFactor[] {
  const factors: RiskFactor[] = [];
  if (percents[0]! > 25)
    factors.push({ reason: `the first step already sends ${percents[0]}% of traffic to ${spec.version}`, weight: 2 });
  const jumps = percents.map((p, i) => p - (percents[i - 1] ?? 0));
  if (Math.max(...jumps) > 50)
    factors.push({ reason: `a single step moves ${Math.max(...jumps)} percentage points`, weight: 1 });
  if (!spec.audience && !spec.replaces && percents.length < 3)
    factors.push({ reason: 'fewer than three steps', weight: 1 });
  return factors;
}
