/**
 * What the application feels while the backfill runs, sampled from a connection of its own every
 * 100 ms: the latency of a point read like the application's, the sessions waiting on a lock and
 * the replicas' lag. The throttle reads the worst of each per batch.
 * Lock waits come from pg_stat_activity, not pg_blocking_pids or pg_locks: those take every lock
 * manager partition, and polling them cost the application a quarter of its throughput here.
 */
import pg from 'pg';
import { quoteIdent, quoteTable } from './identifiers.js';
import { applicationName } from './sessions.js';
import type { ThrottleSignals } from './backfill-throttle.js';
import { median } from '../../diagnose/stats.js';

export interface ProbeTarget {
  table: string;
  key: string;
  /** The frozen key range, exact decimal text (bigint keys may pass 2^53). */
  lower: string;
  upper: string;
  backfillPid: number;
}

const everyMs = 100;
const baselineSamples = 10;

export async function startProbe(url: string, target: ProbeTarget) {
  const client = new pg.Client({ connectionString: url, application_name: `${applicationName}-probe` });
  client.on('error', () => undefined);
  await client.connect();
  const read = `/* zeroops probe */ SELECT * FROM ${quoteTable(target.table)} WHERE ${quoteIdent(target.key)} = $1`;
  const pressure = `/* zeroops probe */ SELECT
      (SELECT count(*) FROM pg_stat_activity
        WHERE wait_event_type = 'Lock' AND datname = current_database() AND pid <> $1)::int AS blocked,
      (SELECT coalesce(max(extract(epoch FROM replay_lag)), 0) FROM pg_stat_replication)::float8 AS lag`;
  const randomKey = randomKeyIn(BigInt(target.lower), BigInt(target.upper));
  const timedRead = async () => {
    const started = performance.now();
    await client.query(read, [randomKey().toString()]);
    return performance.now() - started;
  };

  const readPressure = async () =>
    (await client.query<{ blocked: number; lag: number }>(pressure, [target.backfillPid])).rows[0]!;
  const baseline: number[] = [];
  for (let i = 0; i < baselineSamples; i++) {
    baseline.push(await timedRead().catch(() => 0));
    await new Promise((r) => setTimeout(r, 20));
  }
  const baselineProbeMs = median(baseline);

  let worst = { probeMs: 0, blockedSessions: 0, replicaLagSeconds: 0 };
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        const probeMs = await timedRead();
        const found = await readPressure();
        worst = {
          probeMs: Math.max(worst.probeMs, probeMs),
          blockedSessions: Math.max(worst.blockedSessions, found.blocked),
          replicaLagSeconds: Math.max(worst.replicaLagSeconds, found.lag),
        };
      } catch {
        // A probe that fails says nothing about the application; the batch's own duration still counts.
      }
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();

  return {
    baselineProbeMs,
    beginBatch() {
      worst = { probeMs: 0, blockedSessions: 0, replicaLagSeconds: 0 };
    },
    endBatch(batchMs: number): ThrottleSignals {
      return { batchMs, baselineProbeMs, ...worst };
    },
    async stop() {
      running = false;
      await loop;
      await client.end().catch(() => undefined);
    },
  };
}

/** A uniform-enough key in [lower, upper] (a probe needs a spread of reads, not exact uniformity). */
export function randomKeyIn(lower: bigint, upper: bigint): () => bigint {
  const span = upper >= lower ? upper - lower : 0n;
  return () => {
    const offset = BigInt(Math.floor(Math.random() * Number(span + 1n)));
    return lower + (offset > span ? span : offset);
  };
}
