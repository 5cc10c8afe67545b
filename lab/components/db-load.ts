/**
 * The application's load on the lab's PostgreSQL: real `pgbench` clients (8 by default) running
 * the shop's statements on user_profile, 90 % read-and-update by id and 10 % inserts, each
 * transaction logged with its latency. The scripts read `app_release` before every transaction:
 * flipping it is the deployment of the code that reads the new column. Clients go as fast as they
 * can, or at a rate, or with the application's own work (think time) between transactions.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { postgresBin, withClient, type PostgresComponent } from './postgres.js';
import type { ProcessGroup, Started } from '../processes.js';

export interface DbLoadOptions {
  clients?: number;
  /** Transactions per second for all clients together (pgbench -R); unset: as fast as it can. */
  rate?: number;
  /**
   * The application's own work between two transactions, per client (µs): a closed loop that leaves
   * the database the CPU headroom a production server keeps. Unset: none, clients at full speed.
   */
  thinkMicros?: number;
  /** The name of this load's files in the lab directory, when several run one after another. */
  name?: string;
}

export interface Transaction {
  /** When it ended (epoch ms) and how long it took (ms), without the application's think time. */
  endMs: number;
  latencyMs: number;
}

export interface DbLoadReport {
  transactions: Transaction[];
  /** Clients pgbench stopped because a statement failed, with its message. */
  failures: string[];
  /** pgbench's own per-second progress lines. */
  progress: string[];
  /** Transactions the database chose as a deadlock's victim and the client ran again (MySQL). */
  deadlocksRetried?: number;
}

export interface DbLoad {
  pid: number;
  startedAt: number;
  /** Deploy the code that reads and writes the new column (column_2). */
  useNewCode(): Promise<void>;
  stop(): Promise<DbLoadReport>;
}

const scripts = join(fileURLToPath(new URL('.', import.meta.url)), 'db-load');

export async function startDbLoad(
  group: ProcessGroup,
  dir: string,
  postgres: PostgresComponent,
  options: DbLoadOptions = {},
): Promise<DbLoad> {
  const maxId = await prepare(postgres.url);
  const name = options.name ?? 'pgbench';
  const prefix = join(dir, name);
  const started: Started = group.spawn(name, join(postgresBin(), 'pgbench'), {
    args: [
      '-n',
      '-h',
      '127.0.0.1',
      '-p',
      String(postgres.port),
      '-U',
      'postgres',
      '-c',
      String(options.clients ?? 8),
      '-j',
      '2',
      '-T',
      '3600',
      '-P',
      '1',
      ...(options.rate ? ['-R', String(options.rate)] : []),
      '-D',
      `maxid=${maxId}`,
      '-D',
      `think=${Math.round(options.thinkMicros ?? 0)}`,
      '-l',
      `--log-prefix=${prefix}`,
      '-f',
      `${join(scripts, 'rw.sql')}@9`,
      '-f',
      `${join(scripts, 'insert.sql')}@1`,
      postgres.database,
    ],
  });
  return {
    pid: started.pid,
    startedAt: Date.now(),
    useNewCode: () =>
      withClient(postgres.url, async (c) => void (await c.query('UPDATE app_release SET new_code = true'))),
    async stop() {
      // pgbench buffers its transaction log: a little more load flushes what the caller measured.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await group.stop(started.pid, 2000);
      return report(dir, name, started.logFile, (options.thinkMicros ?? 0) / 1000);
    },
  };
}

/** The release switch the scripts read, and the highest id they pick rows from. */
async function prepare(url: string): Promise<number> {
  return withClient(url, async (client) => {
    await client.query('CREATE TABLE IF NOT EXISTS app_release (new_code boolean NOT NULL)');
    await client.query('DELETE FROM app_release');
    await client.query('INSERT INTO app_release VALUES (false)');
    const { rows } = await client.query<{ max: string }>('SELECT max(id) AS max FROM user_profile');
    return Number(rows[0]!.max);
  });
}

function report(dir: string, name: string, logFile: string, thinkMs: number): DbLoadReport {
  const transactions: Transaction[] = [];
  for (const file of readdirSync(dir).filter((f) => f.startsWith(`${name}_log.`) || f.startsWith(`${name}.`))) {
    if (file.endsWith('.log')) continue;
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      // client_id transaction_no time script_no time_epoch time_us [schedule_lag]
      const [, , time, , epoch, micros] = line.split(' ');
      if (!micros || time === 'failed' || time === 'skipped') continue;
      // pgbench counts the script's \sleep (the application's own work) in the latency: not the database's.
      const latencyMs = Math.max(0, Number(time) / 1000 - thinkMs);
      transactions.push({ endMs: Number(epoch) * 1000 + Number(micros) / 1000, latencyMs });
    }
  }
  const output = readFileSync(logFile, 'utf8').split('\n');
  return {
    transactions: transactions.sort((a, b) => a.endMs - b.endMs),
    failures: output.filter((l) => /aborted|ERROR|FATAL/.test(l)),
    progress: output.filter((l) => l.startsWith('progress:')),
  };
}

/** The worst latency of the transactions that were running at any time between `from` and `to`. */
export function worstLatencyDuring(transactions: Transaction[], from: number, to: number): number {
  let worst = 0;
  for (const t of transactions)
    if (t.endMs >= from && t.endMs - t.latencyMs <= to) worst = Math.max(worst, t.latencyMs);
  return worst;
}

/** Transactions per second between two times. */
export function throughput(transactions: Transaction[], from: number, to: number): number {
  const done = transactions.filter((t) => t.endMs >= from && t.endMs < to).length;
  return done / Math.max(0.001, (to - from) / 1000);
}
