/**
 * What ZeroOps keeps about an incident the patrol found, beside its issue: the latest diagnosis, the
 * curve of its symptom (before and after a fix), the remediations tried and how they went, and when
 * its signal went quiet. Plain data; its history is the incident's event chain.
 */
import type { Cause, Diagnosis, Severity } from '../diagnose/cause.js';
import type { Growth } from '../diagnose/goroutine-profile.js';

export interface ChartSeries {
  title: string;
  unit: string;
  points: [seconds: number, value: number][];
  /** Moments to point out on the chart: the onset, a remediation. */
  marks: { at: number; label: string }[];
}

export interface RemediationRecord {
  option: string;
  runId?: string;
  by: string;
  at: string;
  status: 'proposed' | 'running' | 'succeeded' | 'failed' | 'refused';
  /** How the symptom looked afterwards: fixed, or not, in words. */
  verdict?: { fixed: boolean; text: string; at: string };
  /** The pull request that proposed it (suggest), or that lets ZeroOps do it alone next time. */
  pullNumber?: number;
}

export interface PatrolIncident {
  service: string;
  env: string;
  inspection: string;
  severity: Severity;
  escalated: boolean;
  cause: Cause;
  diagnosis: Diagnosis;
  /** The symptom's level before the onset, and at detection, for judging a fix. */
  baseline: number;
  detected: number;
  chart: ChartSeries;
  /**
   * The functions whose goroutines (goroutine leaks) or bytes in use (memory leaks: heap profiles)
   * grew between two profiles, fastest first.
   */
  growing: Growth[];
  growingIn?: 'goroutines' | 'heap';
  /** The service's owners, mentioned when the incident escalates. */
  owners: string[];
  prose: { summary: string; explanation: string; by: string };
  remediations: RemediationRecord[];
  detectedAt: string;
  quietSince?: string;
  resolvedAt?: string;
  /** The pull request that lets ZeroOps act alone next time, once offered. */
  selfHealingPull?: number;
}

/** The same problem is the same incident: service, environment, class and where it lives. */
export function patrolFingerprint(repo: string, incident: Pick<PatrolIncident, 'service' | 'env' | 'cause'>): string {
  // Scoped by where the cause lives, never by a detail a later look may miss or see differently (a
  // profile's function is absent while instances restart; after a restart only some instances may
  // look leaky yet, so the version is not shared): a service's leak stays one incident.
  const w = incident.cause.where;
  const leak = incident.cause.class === 'goroutine-leak' || incident.cause.class === 'memory-leak';
  const where = leak ? '' : (w.instance ?? w.dc ?? w.version ?? '');
  return `patrol|${repo}|${incident.service}|${incident.env}|${incident.cause.class}|${where}`;
}
