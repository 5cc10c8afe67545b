/**
 * What the datacenter watch sees of a service at one moment, per datacenter and per instance, and
 * the thresholds it judges them by. Pure types and defaults.
 */

export interface InstanceSample {
  name: string;
  p99Ms: number;
  errorRatio: number;
}

export interface DatacenterSample {
  dc: string;
  p99Ms: number;
  /** Failed requests (5xx) over all requests. */
  errorRatio: number;
  /** Requests that timed out (or were retried) over all requests; 0 when the service does not say. */
  timeoutRatio: number;
  /** Requests per second it serves now. */
  rps: number;
  instances: InstanceSample[];
}

/** One scrape of every datacenter, and the queries that produced it (shown as evidence). */
export interface Tick {
  at: number;
  samples: DatacenterSample[];
  queries: Record<string, string>;
}

/** What a datacenter is normally like: the median of its own calm samples. */
export interface Baseline {
  p99Ms: number;
  errorRatio: number;
  timeoutRatio: number;
  /** How many calm samples it stands on. */
  samples: number;
}

export interface Thresholds {
  /** Degraded: p99 above this many times its baseline (and its peers now)... */
  latencyFactor: number;
  /** ...and at least this many ms above both (a 2 ms service at 5 ms is not an outage). */
  latencyFloorMs: number;
  /** Degraded: error or timeout ratio this much above its baseline and its peers now. */
  errorRise: number;
  /** Recovered: p99 at most this many times the baseline, errors at most baseline + recoveryErrorSlack. */
  recoveryLatencyFactor: number;
  recoveryErrorSlack: number;
  /** An instance is the odd one out at this many times the median of its datacenter's others. */
  instanceFactor: number;
}

export const defaultThresholds: Thresholds = {
  latencyFactor: 2,
  latencyFloorMs: 50,
  errorRise: 0.02,
  recoveryLatencyFactor: 1.2,
  recoveryErrorSlack: 0.005,
  instanceFactor: 2,
};

/** A command sent to the load balancer to give a datacenter its share. */
export interface WeightChange {
  dc: string;
  weight: number;
  command: string;
}
