/**
 * One inspection of one service, read and judged: its signals over the inspection's window (and
 * goroutine profiles at two moments when goroutines leak), the diagnosis, and whether the
 * inspection raises it. No incident is touched: `zeroops patrol --once` prints this, the patrol files it.
 */
import type { SignalSet } from '../diagnose/signals.js';
import type { Diagnosis } from '../diagnose/cause.js';
import { diagnose } from '../diagnose/diagnose.js';
import { factsOf } from '../diagnose/facts.js';
import type { Store } from '../engine/store.js';
import type { RepoRef } from '../forge/forge.js';
import type { Config, Service } from '../manifest/model.js';
import { parseDuration, parseThreshold, type MetricUnit } from '../manifest/units.js';
import type { MetricsSource } from '../observe/metrics-source.js';
import { judgeInspection, type Inspection, type Verdict } from '../patrol/inspection.js';
import { roleOf, signalPlan } from '../patrol/service-signals.js';
import { collectProfiles, collectSignals, type ProfileKind } from './collect-signals.js';
import type { ProfileSource } from './ports.js';

export interface InspectDeps {
  /** The metrics a config names (its Prometheus), or undefined when it names none. */
  metricsFor(config: Config | undefined): MetricsSource | undefined;
  profiles: ProfileSource;
  /** How far apart the two goroutine profiles are taken. */
  profileSeconds: number;
  store?: Store;
  clock: () => Date;
}

export interface Inspected {
  env: string;
  signals: SignalSet;
  diagnosis: Diagnosis;
  verdict: Verdict;
}

export async function inspect(
  deps: InspectDeps,
  target: { repo?: RepoRef; service: Service; inspection: Inspection; config?: Config },
): Promise<Inspected> {
  const { service, inspection, config } = target;
  const env = envOf(service, config);
  const metrics = deps.metricsFor(config);
  const signals = metrics
    ? await signalsOf(deps, metrics, target.repo ?? { owner: '', repo: '' }, service, env, inspection, config)
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
  return { env, signals, diagnosis, verdict };
}

async function signalsOf(
  deps: InspectDeps,
  metrics: MetricsSource,
  repo: RepoRef,
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
    { repo, service: service.metadata.name, env, plan, windowSeconds, scrapeSeconds },
  );
  // Profiles name the function a leak lives in: goroutine profiles where goroutines leak, heap
  // profiles where memory leaks without them; both at two moments, at the same time.
  const facts = factsOf(signals);
  const instancesOf = (leaks: typeof facts.goroutineLeaks) =>
    leaks.flatMap((l) => (l.series.where.instance ? [l.series.where.instance] : []));
  const goroutines = instancesOf(facts.goroutineLeaks);
  const memory = instancesOf(facts.memoryLeaks).filter((i) => !goroutines.includes(i));
  const take = (kind: ProfileKind, urlTemplate: string | undefined, instances: string[]) =>
    urlTemplate && instances.length
      ? collectProfiles(deps.profiles, kind, { urlTemplate, addresses, instances }, deps.profileSeconds, deps.clock)
      : Promise.resolve({ profiles: [], gaps: [] });
  const [stacks, heaps] = await Promise.all([
    take('goroutines', plan.profileUrl, goroutines),
    take('heap', plan.heapProfileUrl, memory),
  ]);
  return {
    ...signals,
    profiles: stacks.profiles,
    heapProfiles: heaps.profiles,
    gaps: [...signals.gaps, ...stacks.gaps, ...heaps.gaps],
  };
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
