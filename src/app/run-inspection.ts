/**
 * Use case: one tick of one inspection of one service. Read the approved state, collect the
 * service's signals (and goroutine profiles at two moments when goroutines leak), diagnose, let
 * the inspection decide whether to raise it, then file or update the incident and act on it as the
 * autonomy policy allows; or, when all is quiet, resolve what has been quiet long enough.
 */
import type { SignalSet } from '../diagnose/signals.js';
import { diagnose } from '../diagnose/diagnose.js';
import { factsOf } from '../diagnose/facts.js';
import type { MetricsSource } from '../observe/metrics-source.js';
import { parseDuration, parseThreshold, type MetricUnit } from '../manifest/units.js';
import type { Config, Service } from '../manifest/model.js';
import { judgeInspection, type Inspection } from '../patrol/inspection.js';
import { roleOf, signalPlan } from '../patrol/service-signals.js';
import { collectProfiles, collectSignals } from './collect-signals.js';
import { patrolBasis, type PatrolRepo } from './patrol-basis.js';
import { upsertIncident, type IncidentDeps } from './patrol-incidents.js';
import { noticeGap, quietNow } from './patrol-quiet.js';
import type { ProfileSource } from './ports.js';
import { actOn, type RemediationDeps } from './remediate.js';

export interface PatrolDeps extends IncidentDeps, RemediationDeps {
  /** The metrics of a run's config (its Prometheus), or undefined when it has none. */
  metricsFor(config: Config | undefined): MetricsSource | undefined;
  profiles: ProfileSource;
  /** How far apart the two goroutine profiles are taken. */
  profileSeconds: number;
}

export interface InspectionTarget {
  repo: PatrolRepo;
  service: string;
  inspection: string;
}

export type PatrolOutcome =
  | { kind: 'gone'; why: string }
  | { kind: 'gap'; why: string }
  | { kind: 'quiet'; why: string }
  | { kind: 'incident'; issueNumber: number; title: string };

export async function runInspection(deps: PatrolDeps, target: InspectionTarget): Promise<PatrolOutcome> {
  const basis = await patrolBasis(deps, target.repo);
  const service = basis.services.find((s) => s.metadata.name === target.service);
  const inspection = service?.spec.inspections?.find((i) => i.name === target.inspection);
  if (!service || !inspection)
    return { kind: 'gone', why: `${target.service}/${target.inspection} is no longer declared` };
  const env = envOf(service, basis.config);
  const metrics = deps.metricsFor(basis.config);
  const signals = metrics
    ? await signalsOf(deps, metrics, target, service, env, inspection, basis.config)
    : noPrometheus(service, env);
  const diagnosis = diagnose(signals, deps.clock().getTime() / 1000);
  const metric = service.spec.metrics?.[inspection.metric];
  const role = roleOf(inspection.metric, metric?.role);
  const verdict = judgeInspection(
    inspection,
    role,
    limitOf(inspection, metric?.unit as MetricUnit),
    diagnosis,
    signals,
  );
  if (verdict.kind === 'gap') {
    await noticeGap(deps, target.repo, service.metadata.name, verdict.cause);
    return { kind: 'gap', why: verdict.cause.title };
  }
  if (verdict.kind === 'quiet') {
    await quietNow(deps, target.repo, service.metadata.name, inspection.name, basis.config);
    return { kind: 'quiet', why: verdict.why };
  }
  const incident = await upsertIncident(deps, {
    repo: target.repo,
    service: service.metadata.name,
    env,
    inspection: inspection.name,
    cause: verdict.causes[0]!,
    diagnosis,
    signals,
    config: basis.config,
    owners: service.spec.owners,
  });
  await actOn(deps, incident, { repo: target.repo, sha: basis.sha, config: basis.config, inspection });
  return { kind: 'incident', issueNumber: incident.issueNumber, title: incident.patrol!.cause.title };
}

async function signalsOf(
  deps: PatrolDeps,
  metrics: MetricsSource,
  target: InspectionTarget,
  service: Service,
  env: string,
  inspection: Inspection,
  config: Config | undefined,
): Promise<SignalSet> {
  const plan = signalPlan(service);
  const windowSeconds = parseDuration(inspection.window ?? '15m') ?? 900;
  const scrapeSeconds = parseDuration(config?.spec.providers?.prometheus?.scrapeInterval ?? '15s') ?? 15;
  const { addresses, ...signals } = await collectSignals(
    { metrics, store: deps.store, clock: deps.clock },
    { repo: target.repo, service: service.metadata.name, env, plan, windowSeconds, scrapeSeconds },
  );
  const leaking = factsOf(signals).goroutineLeaks.flatMap((l) =>
    l.series.where.instance ? [l.series.where.instance] : [],
  );
  if (!plan.profileUrl || leaking.length === 0) return signals;
  const taken = await collectProfiles(
    deps.profiles,
    plan.profileUrl,
    addresses,
    leaking,
    deps.profileSeconds,
    deps.clock,
  );
  return { ...signals, profiles: taken.profiles, gaps: [...signals.gaps, ...taken.gaps] };
}

function noPrometheus(service: Service, env: string): SignalSet {
  return {
    service: service.metadata.name,
    env,
    window: { start: 0, end: 0, step: 1 },
    series: [],
    profiles: [],
    changes: [],
    limits: {},
    slo: 0.999,
    gaps: [{ source: '.zeroops/config.yaml', reason: 'no Prometheus configured (spec.providers.prometheus.url)' }],
  };
}

/** The environment the patrol watches: the config's default, when the service runs there, else its first. */
const envOf = (service: Service, config: Config | undefined) => {
  const preferred = config?.spec.defaultEnv;
  return preferred && service.spec.environments.includes(preferred) ? preferred : service.spec.environments[0]!;
};

function limitOf(inspection: Inspection, unit: MetricUnit | undefined): number | undefined {
  if (inspection.max === undefined) return undefined;
  const parsed = parseThreshold(inspection.max, unit ?? 'count');
  return 'value' in parsed ? parsed.value : undefined;
}
