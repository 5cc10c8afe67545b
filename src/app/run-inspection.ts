/**
 * Use case: one tick of one inspection of one service. Read the approved state, collect the
 * service's signals (and goroutine profiles at two moments when goroutines leak), diagnose, let
 * the inspection decide whether to raise it, then file or update the incident and act on it as the
 * autonomy policy allows; or, when all is quiet, resolve what has been quiet long enough.
 */
import { inspect, type InspectDeps } from './inspect.js';
import { patrolBasis, type PatrolRepo } from './patrol-basis.js';
import { upsertIncident } from './patrol-incidents.js';
import { noticeGap, quietNow } from './patrol-quiet.js';
import { actOn, type RemediationDeps } from './remediate.js';

export interface PatrolDeps extends RemediationDeps, Omit<InspectDeps, 'store'> {}

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
  const { env, signals, diagnosis, verdict } = await inspect(deps, {
    repo: target.repo,
    service,
    inspection,
    config: basis.config,
  });
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
