/**
 * A column backfill on the lab's PostgreSQL beside the application's load (8 pgbench clients, as
 * fast as they go), in one run:
 *   - the load's TPS and p99 alone, with the dual-write trigger, and during each backfill;
 *   - backfill rows/s: ZeroOps' adaptive pace beside the usual fixed ones (batch 1000 without sleep,
 *     and with a 20 ms sleep) on the same table, one after the other;
 *   - the worst client stall while an ADD COLUMN waits out a 2 s transaction (lock_timeout 200 ms);
 *   - failed client transactions (goal 0), and the verification's time.
 * `npm run bench -- schema [--rows N]`.
 */
import pg from 'pg';
import { startLab } from '../lab/lab.js';
import { withClient } from '../lab/components/postgres.js';
import { throughput, worstLatencyDuring, type Transaction } from '../lab/components/db-load.js';
import { sleep } from '../lab/wait.js';
import type { EffectContext } from '../src/engine/ports.js';
import type { Run } from '../src/engine/run.js';
import { backfill } from '../src/providers/postgres/backfill.js';
import { transformFunction, type ColumnSync } from '../src/providers/postgres/column-sync.js';
import { applyPostgres } from '../src/providers/postgres/postgres-effects.js';
import { quantile, table } from './stats.js';

const flag = (name: string, fallback: number) => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
};

const run = { id: 'bench', providers: { postgres: { databases: { shop: { url: { env: 'BENCH_SHOP_URL' } } } } } };
const context = (step: string): EffectContext => ({
  run: run as unknown as Run,
  step,
  attempt: 1,
  checkpointKey: `bench/${step}`,
});
const sync = (to: string): ColumnSync => ({
  table: 'user_profile',
  from: 'column_1',
  to,
  type: 'jsonb',
  using: 'column_1::jsonb',
  onInvalid: { mode: 'fail' },
});
const params = (to: string) => ({ database: 'shop', ...sync(to), lockTimeoutSeconds: 0.2 });

interface Window {
  label: string;
  from: number;
  to: number;
  rowsPerSecond?: number;
}

export async function schemaChangeBench(): Promise<void> {
  const rows = flag('--rows', 1_000_000);
  // shared_buffers as a production server would size it: the table and its bloat stay in memory.
  // (Debian's 128 MB default makes every backfill evict the load's pages: measured −32 % vs −15 %.)
  const lab = await startLab({ components: ['postgres'], seedRows: rows, postgresSettings: { shared_buffers: '1GB' } });
  try {
    const url = lab.postgres!.url;
    process.env.BENCH_SHOP_URL = url;
    // The fixed-pace backfills fill columns of their own, through the same transform (no trigger of theirs).
    await withClient(url, async (db) => {
      await db.query('CREATE SCHEMA zeroops');
      for (const column of ['column_b', 'column_c']) {
        await db.query(`ALTER TABLE user_profile ADD COLUMN ${column} jsonb`);
        await db.query(transformFunction(sync(column), 'text'));
      }
    });
    const load = await lab.startDbLoad({ clients: 8, name: 'bench-pgbench' });
    const windows: Window[] = [];
    const measure = async (label: string, seconds: number) => {
      const from = Date.now();
      await sleep(seconds * 1000);
      windows.push({ label, from, to: Date.now() });
    };
    await sleep(3000); // connections up, caches warm
    await measure('load alone', 10);

    const stall = await addColumnBehindALongTransaction(url);
    await applyPostgres('create-sync-trigger', params('column_2'), context('trigger'));
    await measure('with the dual-write trigger', 10);

    for (const [label, to, fixedPace] of [
      ['backfill, ZeroOps adaptive pace', 'column_2', undefined],
      ['backfill, batch 1000, no sleep', 'column_b', { pauseMs: 0 }],
      ['backfill, batch 1000 + 20 ms sleep', 'column_c', { pauseMs: 20 }],
    ] as const) {
      // Each backfill is judged against the load just before it, on a vacuumed table: the table
      // grows and bloats from one to the next, and that is not the next one's doing.
      await withClient(url, (db) => db.query('VACUUM user_profile'));
      await measure(`  load just before`, 8);
      const from = Date.now();
      const done = await backfill(url, sync(to), {
        progressKey: `bench/${to}`,
        batchSize: 1000,
        lockTimeoutMs: 200,
        ...(fixedPace ? { fixedPace } : {}),
      });
      windows.push({ label, from, to: Date.now(), rowsPerSecond: done.rowsPerSecond });
    }
    const verified = await applyPostgres('verify-column', params('column_2'), context('verify'));
    await sleep(1500);
    const report = await load.stop();
    print(rows, windows, report.transactions, stall, report.failures, verified.output as { tookMs: number });
  } finally {
    await lab.stop();
  }
}

/** A reader holds the table for 2 s; the ADD COLUMN waits, times out at 200 ms, and retries. */
async function addColumnBehindALongTransaction(url: string) {
  const holder = new pg.Client({ connectionString: url, application_name: 'long-report' });
  await holder.connect();
  await holder.query('BEGIN');
  await holder.query('SELECT count(*) FROM user_profile WHERE id < 1000');
  const release = sleep(2000)
    .then(() => holder.query('COMMIT'))
    .then(() => holder.end());
  const from = Date.now();
  const added = await applyPostgres('add-column', { ...params('column_2'), column: 'column_2' }, context('expand'));
  const to = Date.now();
  await release;
  return { from, to, waits: (added.output as { lockWaits: unknown[] }).lockWaits.length };
}

function print(
  rows: number,
  windows: Window[],
  transactions: Transaction[],
  stall: { from: number; to: number; waits: number },
  failures: string[],
  verified: { tookMs: number },
): void {
  const alone = windows[0]!;
  const baseline = throughput(transactions, alone.from, alone.to);
  const p99 = (w: Window) =>
    quantile(
      transactions.filter((t) => t.endMs >= w.from && t.endMs < w.to).map((t) => t.latencyMs),
      0.99,
    );
  const n = (v: number) => Math.round(v).toLocaleString('en-US');
  console.log(
    `\n## Schema change beside the load (${n(rows)} rows, 8 pgbench clients at full speed, shared_buffers 1 GB)\n`,
  );
  console.log(
    table([
      ['', 'rows/s', 'load TPS', 'vs before', 'load p99'],
      ...windows.map((w, i) => {
        const tps = throughput(transactions, w.from, w.to);
        // A backfill against the window just before it; the trigger against the load alone.
        const before = w.rowsPerSecond === undefined ? alone : windows[i - 1]!;
        const reference = w === alone ? baseline : throughput(transactions, before.from, before.to);
        return [
          w.label,
          w.rowsPerSecond === undefined ? '—' : n(w.rowsPerSecond),
          n(tps),
          w === alone || w.label.includes('before') ? '—' : `${(((tps - reference) / reference) * 100).toFixed(1)} %`,
          `${p99(w).toFixed(1)} ms`,
        ];
      }),
    ]),
  );
  console.log(
    `\nADD COLUMN behind a 2 s transaction: ${stall.waits} lock wait(s) retried, worst client transaction ` +
      `${worstLatencyDuring(transactions, stall.from, stall.to).toFixed(1)} ms (lock_timeout 200 ms; ` +
      `without one, clients wait for the whole 2 s).`,
  );
  console.log(
    `Verification of ${n(rows)} rows: ${(verified.tookMs / 1000).toFixed(1)} s. Failed client transactions: ` +
      `${failures.length}.`,
  );
  console.log('Goal: ≥ 40,000 rows/s at ≤ 5 % TPS drop; 0 failed transactions; DDL stall ≤ lock_timeout + 50 ms.');
}
