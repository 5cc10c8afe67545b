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

it('sees a session waiting on a lock, and what it reads of WAL waits and reads before the backfill', async () => {
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
    expect(probe.endBatch(5)).toEqual({
      batchMs: 5,
      baselineProbeMs: expect.any(Number),
      baselineWalWaiting: 0,
      probeMs: 0,
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
  } finally {
    await probe.stop();
    await Promise.all([holder.end(), waiter.end(), backfill.end()]);
  }
});
