/**
 * When Flagger and Argo Rollouts would have rolled a canary back, from their documented decision
 * rules at their defaults (../shared/research/progressive-delivery-and-failover.md, sections 1–2),
 * replayed on the same recorded stream of the canary's error ratio that ZeroOps judged. Pure.
 *
 * - Flagger: every `interval` (60 s) it queries the request success rate over the last minute; a
 *   check fails below 99%, and it rolls back once failed checks reach `threshold` (1 when unset).
 * - Argo Rollouts: an AnalysisRun measures every `interval` (the docs' example: 5 m, over a 5 m
 *   rate window, failureLimit 3; at its defaults failureLimit is 0); the metric fails when its
 *   failures exceed the limit.
 * Both start counting at the first tick after the canary starts; the tick's phase against the
 * fault's onset is given, so replays over several phases show the spread.
 */

/** Seconds since the canary started, and the canary's error ratio then (one sample a second or so). */
export type ErrorStream = readonly (readonly [seconds: number, errorRatio: number])[];

export interface IncumbentRule {
  name: string;
  intervalSeconds: number;
  windowSeconds: number;
  /** The measurement fails above this error ratio. */
  maxErrorRatio: number;
  /** Rolled back when failed measurements exceed this many. */
  failureLimit: number;
}

export const incumbentRules: IncumbentRule[] = [
  {
    name: 'Flagger (defaults: 1 m interval, 1 m window, threshold 1, success ≥ 99%)',
    intervalSeconds: 60,
    windowSeconds: 60,
    maxErrorRatio: 0.01,
    failureLimit: 0,
  },
  {
    name: 'Argo Rollouts (defaults: failureLimit 0, 1 m interval and window)',
    intervalSeconds: 60,
    windowSeconds: 60,
    maxErrorRatio: 0.01,
    failureLimit: 0,
  },
  {
    name: "Argo Rollouts (docs' example: 5 m interval and window, failureLimit 3)",
    intervalSeconds: 300,
    windowSeconds: 300,
    maxErrorRatio: 0.01,
    failureLimit: 3,
  },
];

/**
 * The time (seconds since the canary started) the rule rolls back, or undefined if it does not
 * within the stream. `phase`: seconds from the canary's start to its first measurement.
 */
export function rollbackTime(
  rule: IncumbentRule,
  stream: ErrorStream,
  phase = rule.intervalSeconds,
): number | undefined {
  const end = stream.at(-1)?.[0] ?? 0;
  let failures = 0;
  for (let tick = phase; tick <= end; tick += rule.intervalSeconds) {
    const window = stream.filter(([t]) => t > tick - rule.windowSeconds && t <= tick).map(([, v]) => v);
    if (window.length === 0) continue;
    const mean = window.reduce((sum, v) => sum + v, 0) / window.length;
    if (mean > rule.maxErrorRatio && ++failures > rule.failureLimit) return tick;
  }
  return undefined;
}
