/**
 * A diagnosis' vocabulary: the classes of cause ZeroOps recognises, a cause with its evidence and
 * the counterfactuals that rule the other classes out, and the remediations it can offer.
 */
import type { Role, Where } from './signals.js';

export type CauseClass =
  | 'goroutine-leak'
  | 'memory-leak'
  | 'release-regression'
  | 'datacenter-problem'
  | 'load'
  | 'bad-instance'
  | 'monitoring-gap'
  /** Something degraded that no rule explains: filed with its evidence, no remediation offered. */
  | 'unexplained';

export type RemediationId =
  'rolling-restart' | 'rollback-change' | 'drain-datacenter' | 'restart-instance' | 'scale-out';

export interface Remediation {
  id: RemediationId;
  title: string;
  /** Why this one, and what it does not fix. */
  why: string;
  /** The change it reverts (rollback-change). */
  runId?: string;
}

export interface Cause {
  class: CauseClass;
  /** The role of the series that show it (errors, latency, goroutines, memory). */
  symptom?: Role;
  title: string;
  /** The title with its numbers, as an incident's issue title says it (default: the title). */
  headline?: string;
  /** 0–1: how well the evidence fits this class and no other. */
  confidence: number;
  where: Where & { function?: string };
  /** The instances it shows in (those a restart would take). */
  affected?: string[];
  /** Facts, each with the query or profile it came from. */
  evidence: { text: string; source?: string }[];
  /** Why not the other classes: the counterfactual checks that passed. */
  ruledOut: string[];
  /** Ranked: the first is what ZeroOps would do. */
  remediations: Remediation[];
  /** A number people act on: e.g. seconds until memory reaches its limit, goroutines per second. */
  rate?: { perSecond: number; unit: string; secondsToLimit?: number };
  /** The change that preceded the onset, when one did. */
  trigger?: { runId: string; pullNumber: number; summary: string };
  /** When it started (seconds), as the series show it. */
  onset?: number;
}

export type Severity = 'sev1' | 'sev2' | 'sev3' | 'sev4';

export interface Diagnosis {
  service: string;
  env: string;
  at: number;
  severity: Severity;
  /** Why this severity: the burn rate or the time to a limit. */
  severityWhy: string;
  /** Ranked, most likely first; empty when nothing is wrong. */
  causes: Cause[];
  /** What was looked at and found normal (a GC sawtooth, a warm-up, a cycle…), in words. */
  normal: string[];
}
