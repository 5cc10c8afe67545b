/**
 * The backfill's probe against the lab's real PostgreSQL: its one pressure query must run there (a
 * probe that fails is taken as a calm application, so a broken query would silence every signal).
 */
import { jest } from '@jest/globals';
import pg from 'pg';
import { startLab, type Lab } from '../../lab/lab.js';
import { startProbe } from '../../src/providers/postgres/backfill-probe.js';

jest.setTimeout(60_000);

let lab: Lab;
const connect = async () => {
  const client = new pg.Client({ connectionString: lab.postgres!.url });
  await client.connect();
  return client;
};

beforeAll(async () => {
  lab = await startLab({ components: ['postgres'], seedRows: 2_000 });
});
afterAll(async () => {
  await lab?.stop();
});

it('sees a session waiting on a row lock, not an advisory one, and WAL waits and reads before a backfill', async () => {
  const holder = await connect();
  const waiter = await connect();
  const backfill = await connect();
  const backfillPid = (await backfill.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
  const probe = await startProbe(lab.postgres!.url, {
    table: 'user_profile',
    key: { name: 'id', type: 'bigint' },
    estimatedRows: 2_000,
    backfillPid,
  });
  try {
    probe.beginBatch();
    const fresh = probe.endBatch(5);
    expect(fresh.probeMs).toBeLessThan(50); // at most the read in flight, if one is
    expect(fresh).toEqual({
      batchMs: 5,
      baselineProbeMs: expect.any(Number),
      baselineWalWaiting: 0,
      probeMs: expect.any(Number),
      blockedSessions: 0,
      walWaitingSessions: 0,
      replicaLagSeconds: 0,
    });
    expect(probe.baselineProbeMs).toBeGreaterThan(0);

    await holder.query('BEGIN');
    await holder.query("UPDATE user_profile SET name = 'held' WHERE id = 1");
    probe.beginBatch();
    const blocked = waiter.query("UPDATE user_profile SET name = 'waiting' WHERE id = 1");
    await new Promise((resolve) => setTimeout(resolve, 400));
    const signals = probe.endBatch(400);
    await holder.query('ROLLBACK');
    await blocked;

    expect(signals.blockedSessions).toBe(1);
    expect(signals.probeMs).toBeGreaterThan(0);
    expect(signals.walWaitingSessions).toBe(0);

    // A job queue's worker waiting for its advisory lock is idle, not held up by the backfill.
    await holder.query('SELECT pg_advisory_lock(42)');
    const idle = waiter.query('SELECT pg_advisory_lock(42)');
    probe.beginBatch();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const quiet = probe.endBatch(300);
    await holder.query('SELECT pg_advisory_unlock(42)');
    await idle;
    await waiter.query('SELECT pg_advisory_unlock(42)');
    expect(quiet.blockedSessions).toBe(0);
  } finally {
    await probe.stop();
    await Promise.all([holder.end(), waiter.end(), backfill.end()]);
  }
});

it('never takes what it cannot see for calm: a read stuck behind a lock, a killed connection', async () => {
  const admin = await connect();
  const holder = await connect();
  const probe = await startProbe(lab.postgres!.url, {
    table: 'user_profile',
    key: { name: 'id', type: 'bigint' },
    estimatedRows: 2_000,
    backfillPid: 0,
  });
  const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  try {
    // A read waiting at the batch's end has taken at least as long as it has waited so far.
    await holder.query('BEGIN');
    await holder.query('LOCK TABLE user_profile IN ACCESS EXCLUSIVE MODE');
    probe.beginBatch();
    await settle(600);
    const stuck = probe.endBatch(600);
    await holder.query('ROLLBACK');
    expect(stuck.probeMs).toBeGreaterThanOrEqual(400);

    // Its connection killed (a DBA, a restart): that sample is a failure, not a calm reading…
    await settle(300);
    probe.beginBatch();
    const killed = await admin.query(
      "SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity WHERE application_name = 'zeroops-probe'",
    );
    expect(killed.rows).toEqual([{ done: true }]);
    await settle(300);
    expect(probe.endBatch(300).probeFailure).toMatch(
      /terminating connection due to administrator command \(SQLSTATE 57P01\)/,
    );

    // …and the probe opens a new connection and sees again.
    await settle(300);
    probe.beginBatch();
    await settle(400);
    const again = probe.endBatch(400);
    expect(again.probeFailure).toBeUndefined();
    expect(again.probeMs).toBeGreaterThan(0);
    const sessions = await admin.query(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'zeroops-probe'",
    );
    expect(sessions.rows).toEqual([{ n: 1 }]);
  } finally {
    await probe.stop();
    await Promise.all([admin.end(), holder.end()]);
  }
});
