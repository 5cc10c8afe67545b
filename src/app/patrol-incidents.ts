/**
 * Incidents the patrol files: one issue per fingerprint, updated in place with the latest diagnosis,
 * curve and timeline; every change is an event of the incident's chain. Also the quiet side: an
 * incident whose signal has been normal long enough is resolved (and closed, when the policy says
 * so), and a monitoring gap is a notice of its own, never an incident about the service.
 */
import type { Cause, Diagnosis } from '../diagnose/cause.js';
import { growingFunctions } from '../diagnose/goroutine-profile.js';
import type { SignalSet } from '../diagnose/signals.js';
import { combine, valuesOf } from '../diagnose/stats.js';
import { worse } from '../diagnose/severity.js';
import type { Incident, Store } from '../engine/store.js';
import type { Forge, RepoRef } from '../forge/forge.js';
import { patrolFingerprint, type ChartSeries, type PatrolIncident } from '../knowledge/patrol-incident.js';
import { incidentBody, incidentLabels, incidentTitle } from '../knowledge/render-incident.js';
import type { Config } from '../manifest/model.js';
import { autonomyFor, type Autonomy } from '../policy/autonomy.js';
import { kindOf } from '../patrol/remediation-task.js';
import type { Log, Notifier, ProseWriter } from './ports.js';
import { repoKey } from './record-keys.js';
import { incidentRecords } from './case-library.js';
import { incidentRecordOf, similarIncidents } from '../knowledge/incident-record.js';
import { noticeIncidentOpened } from './notify-incidents.js';
import { patrolFacts } from '../knowledge/incident-notices.js';
import { channelsOf } from '../knowledge/notice.js';

export interface IncidentDeps {
  forge: Forge;
  store: Store;
  clock: () => Date;
  log: Log;
  prose: ProseWriter;
  /** Tells the config's chat channels when an incident opens and resolves. */
  notifier?: Notifier;
}

export interface Finding {
  repo: RepoRef;
  service: string;
  env: string;
  inspection: string;
  cause: Cause;
  diagnosis: Diagnosis;
  signals: SignalSet;
  config?: Config;
  owners: string[];
}

const chain = (incident: Incident) => `incident/${incident.id}`;

/** Files the finding as a new incident, or updates the open one with its fingerprint. */
export async function upsertIncident(deps: IncidentDeps, finding: Finding): Promise<Incident> {
  const repo = repoKey(finding.repo);
  const now = deps.clock();
  const existing = await deps.store.openIncident(patrolFingerprint(repo, finding));
  const chart = symptomChart(finding, existing?.patrol?.chart);
  const before = existing?.patrol;
  const patrol: PatrolIncident = {
    service: finding.service,
    env: finding.env,
    inspection: finding.inspection,
    severity: before?.escalated ? worse(before.severity, finding.diagnosis.severity) : finding.diagnosis.severity,
    escalated: before?.escalated ?? false,
    cause: finding.cause,
    diagnosis: finding.diagnosis,
    baseline: before?.baseline ?? baselineOf(chart, finding.cause.onset),
    detected: chart.points.at(-1)?.[1] ?? 0,
    chart,
    ...growthOf(finding),
    owners: finding.owners,
    prose: await deps.prose.write(finding.cause, finding.diagnosis, optionsOf(finding)),
    remediations: before?.remediations ?? [],
    detectedAt: before?.detectedAt ?? now.toISOString(),
    ...(before?.selfHealingPull ? { selfHealingPull: before.selfHealingPull } : {}),
  };
  if (existing) {
    const incident = { ...existing, patrol };
    const changed = before?.severity !== patrol.severity || before?.cause.title !== patrol.cause.title;
    if (changed) await record(deps, incident, 'incident-updated', `now ${patrol.severity}: ${patrol.cause.title}`);
    await publish(deps, incident, finding.config);
    return incident;
  }
  const issueNumber = await deps.forge.createIssue(finding.repo, {
    title: incidentTitle(patrol),
    body: 'ZeroOps is writing this incident up…',
    labels: incidentLabels(patrol),
  });
  const incident: Incident = {
    id: `${repo}#${issueNumber}`,
    fingerprint: patrolFingerprint(repo, finding),
    repo,
    issueNumber,
    state: 'open',
    runIds: [],
    createdAt: now.toISOString(),
    patrol,
  };
  await record(
    deps,
    incident,
    'incident-opened',
    `${finding.inspection} found: ${patrol.cause.title} (${patrol.severity})`,
  );
  const channels = channelsOf(finding.config?.spec.providers);
  await noticeIncidentOpened(deps, patrolFacts(finding.repo, issueNumber, patrol), channels);
  await publish(deps, incident, finding.config);
  deps.log.info({ issue: issueNumber, class: finding.cause.class, service: finding.service }, 'incident opened');
  return incident;
}

/** Appends to the incident's chain and saves it: the timeline in the issue is read from the chain. */
export async function record(
  deps: Pick<IncidentDeps, 'store' | 'clock'>,
  incident: Incident,
  type: string,
  what: string,
  by = 'zeroops',
): Promise<void> {
  await deps.store.appendEvents(chain(incident), [{ type, actor: by, data: { what } }], deps.clock().toISOString());
  await deps.store.saveIncident(incident);
}

/** The issue, rewritten from what is known now. */
export async function publish(
  deps: Pick<IncidentDeps, 'forge' | 'store'>,
  incident: Incident,
  config?: Config,
): Promise<void> {
  const patrol = incident.patrol!;
  const timeline = (await deps.store.events(chain(incident))).map((e) => ({
    at: e.at,
    what: String(e.data.what ?? e.type),
    by: e.actor,
  }));
  const similar = similarIncidents(incidentRecordOf(incident), await incidentRecords(deps.store, repoOf(incident)));
  await deps.forge.updateIssue(repoOf(incident), incident.issueNumber, {
    title: incidentTitle(patrol),
    body: incidentBody({ incident: patrol, levels: levelsOf(config, patrol), timeline, similar }),
    labels: incidentLabels(patrol),
  });
}

export const repoOf = (incident: Incident): RepoRef => {
  const [owner, repo] = incident.repo.split('/') as [string, string];
  return { owner, repo };
};

export function levelsOf(config: Config | undefined, patrol: PatrolIncident): Record<string, Autonomy> {
  return Object.fromEntries(
    patrol.cause.remediations.map((r) => [
      r.id,
      autonomyFor(config, {
        kind: kindOf(r.id),
        service: patrol.service,
        class: patrol.cause.class,
        remediation: r.id,
        severity: patrol.severity,
      }),
    ]),
  );
}

function optionsOf(finding: Finding) {
  return finding.cause.remediations.map((r) => ({
    id: r.id,
    title: r.title,
    why: r.why,
    allowedAlone:
      autonomyFor(finding.config, {
        kind: kindOf(r.id),
        service: finding.service,
        class: finding.cause.class,
        remediation: r.id,
        severity: finding.diagnosis.severity,
      }) === 'auto',
  }));
}

/** The symptom's curve: the affected instances' series of the cause's role, summed; older points kept. */
function symptomChart(finding: Finding, previous?: ChartSeries): ChartSeries {
  const { cause, signals } = finding;
  const affected = new Set(cause.affected ?? []);
  const series = signals.series.filter(
    (s) => s.role === cause.symptom && (affected.size === 0 || (s.where.instance && affected.has(s.where.instance))),
  );
  const perPoint = combine(series.map((s) => s.points)).map(([t, v]): [number, number] => [
    t,
    v * (cause.symptom === 'errors' || cause.symptom === 'latency' ? 1 : series.length),
  ]);
  const since = perPoint[0]?.[0] ?? Infinity;
  const kept = (previous?.points ?? []).filter(([t]) => t < since);
  const what = cause.symptom ?? 'value';
  const where = affected.size ? [...affected].join(', ') : finding.service;
  return {
    title: `${what} of ${where}`.slice(0, 80),
    unit:
      cause.symptom === 'errors'
        ? 'error ratio'
        : cause.symptom === 'latency'
          ? 'seconds'
          : cause.symptom === 'memory'
            ? 'bytes'
            : what,
    points: [...kept, ...perPoint].slice(-600),
    marks:
      previous?.marks ??
      (cause.onset
        ? [{ at: cause.onset, label: cause.trigger ? `onset, after ${cause.trigger.summary}` : 'onset' }]
        : []),
  };
}

/**
 * The level before the onset (its lowest: a leak visible from the window's start has no clean
 * stretch), else the window's.
 */
function baselineOf(chart: ChartSeries, onset?: number): number {
  const before = chart.points.filter(([t]) => onset === undefined || t <= onset);
  const values = valuesOf(before.length ? before : chart.points);
  return values.length ? Math.min(...values) : 0;
}

/** What the profiles show growing: heap allocation sites for a memory leak, goroutines otherwise. */
function growthOf(finding: Finding): Pick<PatrolIncident, 'growing' | 'growingIn'> {
  const heap = finding.cause.class === 'memory-leak';
  const profiles = heap ? (finding.signals.heapProfiles ?? []) : finding.signals.profiles;
  return { growing: growingFunctions(profiles).slice(0, 5), growingIn: heap ? 'heap' : 'goroutines' };
}
