/**
 * An incident as the HTTP API shows it: its issue, state and runs, what the patrol found (the cause
 * and its evidence, the remediations tried), and the timeline its issue shows. Pure, apart from
 * `viewIncident` reading the store.
 */
import type { CauseClass, Severity } from '../diagnose/cause.js';
import type { Incident, Store } from '../engine/store.js';
import type { ChainEvent } from '../knowledge/event-chain.js';
import type { PatrolIncident, RemediationRecord } from '../knowledge/patrol-incident.js';
import { timelineOf, type TimelineEntry } from './run-view.js';

export interface PatrolFindingView {
  service: string;
  env: string;
  inspection: string;
  severity: Severity;
  escalated: boolean;
  summary: string;
  cause: { class: CauseClass; title: string; confidence: number; evidence: string[] };
  remediations: RemediationRecord[];
  detectedAt: string;
  quietSince?: string;
  resolvedAt?: string;
}

export interface IncidentView {
  id: string;
  repo: string;
  issueNumber: number;
  state: Incident['state'];
  runIds: string[];
  createdAt: string;
  patrol?: PatrolFindingView;
  timeline: TimelineEntry[];
}

/** An incident's events are kept in the chain `incident/<id>` (see patrol-incidents); undefined for an unknown id. */
export async function viewIncident(
  store: Pick<Store, 'incident' | 'events'>,
  id: string,
): Promise<IncidentView | undefined> {
  const incident = await store.incident(id);
  return incident && incidentView(incident, await store.events(`incident/${incident.id}`));
}

export function incidentView(incident: Incident, events: readonly ChainEvent[]): IncidentView {
  return {
    id: incident.id,
    repo: incident.repo,
    issueNumber: incident.issueNumber,
    state: incident.state,
    runIds: incident.runIds,
    createdAt: incident.createdAt,
    ...(incident.patrol ? { patrol: findingView(incident.patrol) } : {}),
    timeline: timelineOf(events),
  };
}

function findingView(found: PatrolIncident): PatrolFindingView {
  const { cause } = found;
  return {
    service: found.service,
    env: found.env,
    inspection: found.inspection,
    severity: found.severity,
    escalated: found.escalated,
    summary: found.prose.summary,
    cause: {
      class: cause.class,
      title: cause.headline ?? cause.title,
      confidence: cause.confidence,
      evidence: cause.evidence.map((e) => e.text),
    },
    remediations: found.remediations.map(remediationView),
    detectedAt: found.detectedAt,
    ...(found.quietSince ? { quietSince: found.quietSince } : {}),
    ...(found.resolvedAt ? { resolvedAt: found.resolvedAt } : {}),
  };
}

/** Field by field: what the store gains later is not published without a thought. */
function remediationView(r: RemediationRecord): RemediationRecord {
  return {
    option: r.option,
    ...(r.runId ? { runId: r.runId } : {}),
    by: r.by,
    at: r.at,
    status: r.status,
    ...(r.verdict ? { verdict: { fixed: r.verdict.fixed, text: r.verdict.text, at: r.verdict.at } } : {}),
    ...(r.pullNumber ? { pullNumber: r.pullNumber } : {}),
  };
}
