/**
 * How fast the backfill may go, decided from what the application feels rather than a fixed sleep:
 * sessions waiting on locks or on writing WAL, replica lag, the latency of a probe read like the
 * application's, and the batch's own duration. (The database's commit rate was tried as a signal too: under a load that
 * saturates the CPU it fell as much with the backfill slowed to a crawl as at full speed, so it
 * only slowed the backfill; see README, Schema changes.) Pressure halves the batch and doubles the pause;
 * calm grows the batch a little and shortens the pause (AIMD, as TCP does). Pure.
 */
export interface ThrottleState {
  batchSize: number;
  /** Pause after a batch, as a share of the batch's duration. */
  pauseRatio: number;
}

export interface ThrottleSignals {
  batchMs: number;
  /** Other sessions seen waiting on a lock during the batch (mostly the backfill's row locks). */
  blockedSessions: number;
  /**
   * Application sessions seen waiting at once to write or flush WAL during the batch, and the most
   * seen in one sample before the backfill began: every commit waits there behind the backfill's WAL.
   */
  walWaitingSessions: number;
  baselineWalWaiting: number;
  replicaLagSeconds: number;
  /** Worst latency of the probe reads during the batch, and before the backfill began. */
  probeMs: number;
  baselineProbeMs: number;
  /** Why a sample of the probe failed during the batch: what the application feels was not seen. */
  probeFailure?: string;
}

export interface ThrottleLimits {
  minBatch: number;
  maxBatch: number;
  /**
   * The pause never falls below this share of the batch: the application keeps its CPU share even
   * when nothing it feels can be measured (a backend queued for the CPU still reports its last wait).
   */
  minPauseRatio: number;
  maxPauseRatio: number;
  maxBatchMs: number;
  maxReplicaLagSeconds: number;
}

export interface ThrottleDecision extends ThrottleState {
  pauseMs: number;
  /** Why it slowed down, empty when it did not. */
  pressure: string[];
}

export const defaultThrottleLimits = (batchSize: number): ThrottleLimits => ({
  minBatch: Math.max(50, Math.floor(batchSize / 8)),
  maxBatch: batchSize * 4,
  // Writing at most a quarter of the time: in the bench, about the plan's 20,000 rows/s for −7 % of
  // the load with its think time, where at most two thirds (0.5) ran 54 % faster for −19 % (README,
  // Schema changes).
  minPauseRatio: 3,
  // Pressure can slow it to a twenty-fifth of the time.
  maxPauseRatio: 24,
  maxBatchMs: 200,
  maxReplicaLagSeconds: 1.5,
});

export function nextThrottle(state: ThrottleState, signals: ThrottleSignals, limits: ThrottleLimits): ThrottleDecision {
  const pressure = pressureOf(signals, limits);
  const next: ThrottleState =
    pressure.length > 0
      ? {
          batchSize: Math.max(limits.minBatch, Math.floor(state.batchSize / 2)),
          pauseRatio: Math.min(limits.maxPauseRatio, state.pauseRatio * 2),
        }
      : {
          batchSize: Math.min(limits.maxBatch, state.batchSize + Math.max(1, Math.floor(limits.minBatch / 2))),
          pauseRatio: Math.max(limits.minPauseRatio, state.pauseRatio * 0.8),
        };
  return { ...next, pauseMs: Math.round(signals.batchMs * next.pauseRatio), pressure };
}

function pressureOf(s: ThrottleSignals, limits: ThrottleLimits): string[] {
  const reasons: string[] = [];
  if (s.blockedSessions > 0) reasons.push(`${s.blockedSessions} session(s) waited on a lock`);
  if (s.walWaitingSessions >= walWaitLimit(s.baselineWalWaiting))
    reasons.push(
      `${s.walWaitingSessions} session(s) waited on writing WAL at once (before: at most ${s.baselineWalWaiting})`,
    );
  if (s.replicaLagSeconds > limits.maxReplicaLagSeconds)
    reasons.push(`replica lag ${s.replicaLagSeconds.toFixed(1)}s > ${limits.maxReplicaLagSeconds}s`);
  if (s.batchMs > limits.maxBatchMs) reasons.push(`batch took ${Math.round(s.batchMs)}ms > ${limits.maxBatchMs}ms`);
  const probeLimit = Math.max(s.baselineProbeMs * 3, s.baselineProbeMs + 10);
  if (s.probeMs > probeLimit)
    reasons.push(
      `a read like the application's took ${s.probeMs.toFixed(1)}ms (before: ${s.baselineProbeMs.toFixed(1)}ms)`,
    );
  if (s.probeFailure) reasons.push(`the probe could not read what the application feels (${s.probeFailure})`);
  return reasons;
}

/** More at once than any sample before the backfill saw, and at least two. */
const walWaitLimit = (baseline: number) => Math.max(2, baseline + 1);
