/**
 * What the application feels while the backfill runs, sampled from a connection of its own every
 * 100 ms: the latency of a point read like the application's, the sessions waiting on a lock or on
 * writing WAL, and the replicas' lag. The throttle reads the worst of each per batch.
 * Lock waits come from pg_stat_activity, not pg_blocking_pids or pg_locks: those take every lock
 * manager partition, and polling them cost the application a quarter of its throughput here. Both
 * queries are prepared once: under the bench's load, planning the view's joins took about 4 ms a
 * time and running the plan 0.3 ms.
 * A probe that cannot see is not taken for a calm application: a failed sample (its connection
 * killed, the server restarting) and a read still waiting at the batch's end count as pressure, and
 * a lost connection is opened again on the next sample.
 */
import pg from 'pg';
import { quoteIdent, quoteTable } from './identifiers.js';
import { keyParam, type TableKey } from './table-facts.js';
import { applicationName, lossReason } from './sessions.js';
import type { ThrottleSignals } from './backfill-throttle.js';
import { median } from '../../diagnose/stats.js';
import { databaseErrorShown } from '../value-shape.js';

export interface ProbeTarget {
  table: string;
  key: TableKey;
  /** The planner's row count (0: unknown), to size the sample of keys. */
  estimatedRows: number;
  backfillPid: number;
}

const everyMs = 100;
/**
 * Where a commit waits behind other sessions' WAL: the insert and write locks, a new segment being
 * zero-filled (a fresh server, or a burst past the segments it recycles), the write and the flush.
 */
const walWaits = ['WALInsert', 'WALBufMapping', 'WALWrite', 'WALInitWrite', 'WALInitSync', 'WALSync'];
const baselineSamples = 10;
/** A read that waits longer than this (a lock, a stalled server) is ended and counted as a failure. */
const readTimeoutMs = 2000;

export async function startProbe(url: string, target: ProbeTarget) {
  const k = quoteIdent(target.key.name);
  const read = `/* zeroops probe */ SELECT * FROM ${quoteTable(target.table)} WHERE ${k} = ${keyParam(target.key, 1)}`;
  const pressure = `/* zeroops probe */ SELECT
      count(*) FILTER (WHERE wait_event_type = 'Lock' AND wait_event <> 'advisory'
        AND datname = current_database())::int AS blocked,
      count(*) FILTER (WHERE wait_event_type IN ('LWLock', 'IO') AND backend_type = 'client backend'
        AND wait_event IN (${walWaits.map((w) => `'${w}'`).join(', ')}))::int AS wal_waiting,
      (SELECT coalesce(max(extract(epoch FROM replay_lag)), 0) FROM pg_stat_replication)::float8 AS lag
    FROM pg_stat_activity WHERE pid <> $1`;
  let connection: Connection | undefined = await connect(url);
  let keys: string[];
  try {
    // Sampling the table may take longer than a probe read is allowed to: once, with no limit.
    await connection.session.query('SET statement_timeout = 0');
    keys = await sampleKeys(connection.session, target);
    await connection.session.query(`SET statement_timeout = ${readTimeoutMs}`);
  } catch (error) {
    await connection.session.end().catch(() => undefined);
    throw error;
  }
  /** When the sample in flight began, so a read stuck past the batch's end still counts. */
  let inFlightSince: number | undefined;
  const sample = async ({ session, cause }: Connection) => {
    inFlightSince = performance.now();
    try {
      await session.query({
        name: 'zeroops-probe-read',
        text: read,
        values: [keys[Math.floor(Math.random() * keys.length)] ?? null],
      });
      const probeMs = performance.now() - inFlightSince;
      const found = await session.query<{ blocked: number; wal_waiting: number; lag: number }>({
        name: 'zeroops-probe-pressure',
        text: pressure,
        values: [target.backfillPid],
      });
      return { probeMs, ...found.rows[0]! };
    } catch (error) {
      throw cause(error);
    } finally {
      inFlightSince = undefined;
    }
  };

  const baseline: number[] = [];
  const walBaseline: number[] = [];
  for (let i = 0; i < baselineSamples; i++) {
    const found = await sample(connection).catch(() => undefined);
    baseline.push(found?.probeMs ?? 0);
    walBaseline.push(found?.wal_waiting ?? 0);
    await new Promise((r) => setTimeout(r, 20));
  }
  const baselineProbeMs = median(baseline);
  const baselineWalWaiting = Math.max(...walBaseline);

  const calm = { probeMs: 0, blockedSessions: 0, walWaitingSessions: 0, replicaLagSeconds: 0 };
  let worst: typeof calm & { probeFailure?: string } = calm;
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        connection ??= await connect(url);
        const found = await sample(connection);
        worst = {
          ...worst,
          probeMs: Math.max(worst.probeMs, found.probeMs),
          blockedSessions: Math.max(worst.blockedSessions, found.blocked),
          walWaitingSessions: Math.max(worst.walWaitingSessions, found.wal_waiting),
          replicaLagSeconds: Math.max(worst.replicaLagSeconds, found.lag),
        };
      } catch (error) {
        // Blind for this sample: the throttle slows down until the probe sees again, on a new connection.
        worst = { ...worst, probeFailure: databaseErrorShown(error) };
        void connection?.session.end().catch(() => undefined);
        connection = undefined;
      }
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();

  return {
    baselineProbeMs,
    beginBatch() {
      worst = calm;
    },
    endBatch(batchMs: number): ThrottleSignals {
      const waiting = inFlightSince === undefined ? 0 : performance.now() - inFlightSince;
      return { batchMs, baselineProbeMs, baselineWalWaiting, ...worst, probeMs: Math.max(worst.probeMs, waiting) };
    },
    async stop() {
      running = false;
      await loop;
      await connection?.session.end().catch(() => undefined);
    },
  };
}

interface Connection {
  session: pg.Client;
  cause: (error: unknown) => unknown;
}

async function connect(url: string): Promise<Connection> {
  const session = new pg.Client({
    connectionString: url,
    application_name: `${applicationName}-probe`,
    connectionTimeoutMillis: 5000,
    statement_timeout: readTimeoutMs,
  });
  const cause = lossReason(session);
  try {
    await session.connect();
  } catch (error) {
    await session.end().catch(() => undefined);
    throw error;
  }
  return { session, cause };
}

/**
 * Keys of rows spread over the table, read as the application reads them: a sample of its pages
 * sized for about 2,000 rows (all of them, in order, would cluster at its start), or its first
 * keys when the sample finds too few (a small table, a stale count).
 */
async function sampleKeys(client: pg.Client, target: ProbeTarget): Promise<string[]> {
  const k = quoteIdent(target.key.name);
  const t = quoteTable(target.table);
  const percent = target.estimatedRows > 0 ? Math.min(100, Math.max(0.001, (2000 * 100) / target.estimatedRows)) : 100;
  const keysOf = async (sql: string) => (await client.query<{ k: string }>(sql)).rows.map((r) => r.k);
  const sampled = await keysOf(
    `/* zeroops probe */ SELECT ${k}::text AS k FROM ${t} TABLESAMPLE SYSTEM (${percent.toFixed(4)}) LIMIT 10000`,
  );
  return sampled.length >= 20 ? sampled : keysOf(`/* zeroops probe */ SELECT ${k}::text AS k FROM ${t} LIMIT 500`);
}
