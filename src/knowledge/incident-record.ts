/**
 * An incident as a case: which service, what class of cause, how bad, what was tried and whether it
 * fixed it, and how long it took to recover. Pure: derived from the stored incident.
 */
import type { Incident } from '../engine/store.js';

export interface Fix {
  option: string;
  by: string;
  status: string;
  /** Whether the symptom was gone afterwards; undefined when not judged yet. */
  fixed?: boolean;
  pullNumber?: number;
}

export interface IncidentRecord {
  id: string;
  repo: string;
  issueNumber: number;
  state: 'open' | 'closed';
  /** `patrol`: found by an inspection; `run`: a run that failed or rolled back. */
  source: 'patrol' | 'run';
  service?: string;
  cause: string;
  title?: string;
  severity?: string;
  detectedAt: string;
  resolvedAt?: string;
  recoverySeconds?: number;
  fixes: Fix[];
  runIds: string[];
}

export function incidentRecordOf(incident: Incident): IncidentRecord {
  const patrol = incident.patrol;
  const detectedAt = patrol?.detectedAt ?? incident.createdAt;
  const resolvedAt = patrol?.resolvedAt;
  return {
    id: incident.id,
    repo: incident.repo,
    issueNumber: incident.issueNumber,
    state: incident.state,
    source: patrol ? 'patrol' : 'run',
    ...(patrol ? { service: patrol.service, title: patrol.cause.title, severity: patrol.severity } : {}),
    cause: patrol?.cause.class ?? 'run-failed',
    detectedAt,
    ...(resolvedAt
      ? { resolvedAt, recoverySeconds: Math.round((Date.parse(resolvedAt) - Date.parse(detectedAt)) / 1000) }
      : {}),
    fixes: (patrol?.remediations ?? []).map((r) => ({
      option: r.option,
      by: r.by,
      status: r.status,
      ...(r.verdict ? { fixed: r.verdict.fixed } : {}),
      ...(r.pullNumber ? { pullNumber: r.pullNumber } : {}),
    })),
    runIds: incident.runIds,
  };
}

/** Past incidents like this one: the same service and class of cause, resolved ones first, newest first. */
export function similarIncidents(
  of: Pick<IncidentRecord, 'id' | 'service' | 'cause'>,
  records: readonly IncidentRecord[],
  limit = 5,
): IncidentRecord[] {
  return records
    .filter((r) => r.id !== of.id && r.cause === of.cause && r.service === of.service)
    .sort((a, b) => Number(!!b.resolvedAt) - Number(!!a.resolvedAt) || b.detectedAt.localeCompare(a.detectedAt))
    .slice(0, limit);
}
