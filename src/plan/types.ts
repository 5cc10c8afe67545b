/** The Plan value: what a task will do, step by step, and how to undo it. Pure data. */
import type { Filled } from '../manifest/complete.js';
import type { MetricUnit } from '../manifest/units.js';

export type Provider =
  | 'haproxy'
  | 'kubernetes'
  | 'postgres'
  | 'mysql'
  | 'command'
  | 'webhook'
  | 'prometheus'
  | 'notify'
  | 'zeroops'
  | 'lanes';

export interface Action {
  provider: Provider;
  operation: string;
  params: Record<string, unknown>;
}

export type GatePhase = 'during' | 'after' | 'both';

/** A metric condition that must hold while (and/or after) a step runs. */
export interface Gate {
  metric: string;
  query: string;
  unit: MetricUnit;
  max?: number;
  min?: number;
  /** The window the query is evaluated over; absent when the service's query sets its own range. */
  windowSeconds?: number;
  phase: GatePhase;
  /** How the manifest wrote it, e.g. `error_rate ≤ 2%`. */
  display: string;
  /**
   * A canary lane judged against its baseline rather than a threshold: `query` names `$backend`,
   * read once for the lane's backend and once for its baseline's, sample by sample.
   */
  compare?: LaneComparison;
}

export interface LaneComparison {
  service: string;
  env: string;
  lane: string;
  sampleSeconds: number;
  minSamples: number;
  /** The smallest worsening that fails the lane, in the query's units. */
  minEffect: number;
}

export interface PlanStep {
  id: string;
  title: string;
  action: Action;
  gates: Gate[];
  /** Time to hold after the action before the next step (gates keep being checked). */
  waitSeconds?: number;
  /** Set when a person must say `/zeroops approve-step <id>` before the step runs. */
  approval?: string;
  timeoutSeconds: number;
  retries: number;
  /** How to undo the step; `none-needed` when it changes nothing lasting (a restart, a check). */
  inverse?: Action | 'none-needed';
  /** Ids of the steps this one waits for. */
  needs: string[];
}

export interface RollbackStep {
  title: string;
  action: Action;
  /** The step whose effect this undoes; undefined when it restores the whole task at once. */
  undoes?: string;
}

export interface Lock {
  key: string;
  reason: string;
}

export type RiskLevel = 'low' | 'medium' | 'high' | 'critical';

export interface RiskFactor {
  reason: string;
  weight: number;
}

export interface Risk {
  level: RiskLevel;
  score: number;
  reasons: string[];
}

export interface ApprovalRequirement {
  required: number;
  ownerRequired: boolean;
  owners: string[];
  /**
   * Every group of owners of which one must approve when an owner is required: the service's, and
   * each other service's that acts on the same targets (policy/shared-targets.ts). Unset: the service's.
   */
  ownerGroups?: { of: string; members: string[] }[];
  /** Where the requirement comes from, in words. */
  source: string;
}

export interface TaskRef {
  name: string;
  kind: string;
  service: string;
  env: string;
  /**
   * Every environment of the service, the task's first: they share its targets, so the strictest
   * rule, window and freeze of any holds the task (policy/shared-environments.ts).
   */
  environments?: string[];
  file: string;
  line: number;
}

export interface Plan {
  task: TaskRef;
  summary: string;
  steps: PlanStep[];
  rollback: RollbackStep[];
  locks: Lock[];
  risk: Risk;
  approvals: ApprovalRequirement;
  filled: Filled[];
  /** Whether this version of ZeroOps executes the task's kind on merge (else it is planned and approved only). */
  executes: boolean;
  /** Content ids of the scripts the plan may run, by path (part of the fingerprint). */
  scripts?: Record<string, string>;
  fingerprint: string;
}

/** What a kind's compiler produces; the rest of the plan is derived from it. */
export interface KindPlan {
  summary: string;
  steps: PlanStep[];
  /** Defaults to the inverses of the steps, last first. */
  rollback?: RollbackStep[];
  locks: Lock[];
  riskFactors: RiskFactor[];
}
