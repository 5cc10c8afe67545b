/**
 * What a diagnosis looks at: the service's series around an anomaly (each with the role it plays,
 * and the instance, datacenter and version it comes from), goroutine profiles taken at two moments,
 * ZeroOps' own recent runs on the service (the change log), and the gaps in all of that. Plain data.
 */

/** `started`: when each instance's process started (seconds since the epoch), which tells a restart. */
export type Role = 'errors' | 'traffic' | 'latency' | 'goroutines' | 'memory' | 'started';

export type Point = [seconds: number, value: number];

export interface Where {
  instance?: string;
  dc?: string;
  version?: string;
}

export interface Series {
  role: Role;
  /** The service's metric binding this came from, and the query that was run. */
  metric: string;
  query: string;
  /** Per-instance series carry where they come from; the service's aggregate carries nothing. */
  where: Where;
  points: Point[];
}

export interface StackGroup {
  /** The innermost frame of ZeroOps' interest: the function the goroutines wait in. */
  function: string;
  /** file:line of that frame. */
  location: string;
  count: number;
}

export interface GoroutineProfile {
  instance: string;
  /** Seconds since the epoch. */
  at: number;
  total: number;
  groups: StackGroup[];
}

/** An instance's heap profile: bytes in use by allocation site (the `count` of each group is bytes). */
export type HeapProfile = GoroutineProfile;

/** One of ZeroOps' own runs on the service: a change that may have triggered what is seen. */
export interface Change {
  runId: string;
  pullNumber: number;
  task: string;
  kind: string;
  /** What it did, in a few words (e.g. "deploy v1.3.0 to checkout-a1, checkout-a2"). */
  summary: string;
  /** The version it deployed, when it names one. */
  version?: string;
  startedAt: number;
  finishedAt?: number;
  status: string;
}

export interface SignalSet {
  service: string;
  env: string;
  window: { start: number; end: number; step: number };
  series: Series[];
  profiles: GoroutineProfile[];
  /** Heap profiles of instances whose memory leaks, taken at two moments. */
  heapProfiles?: HeapProfile[];
  changes: Change[];
  limits: { memoryBytes?: number };
  /** The service's availability objective (e.g. 0.999), for the error budget's burn rate. */
  slo: number;
  /** What could not be read, and why: a query that failed, a profile that did not answer. */
  gaps: { source: string; reason: string }[];
}

export const ofRole = (signals: SignalSet, role: Role) => signals.series.filter((s) => s.role === role);
export const perInstance = (series: Series[]) => series.filter((s) => s.where.instance !== undefined);
export const aggregate = (series: Series[]) => series.find((s) => s.where.instance === undefined);
