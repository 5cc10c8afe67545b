/**
 * ALTER TABLE on MySQL/MariaDB without blocking the table: the copy-and-swap is delegated to
 * pt-online-schema-change (percona-toolkit), which copies the rows in chunks into a shadow table
 * kept in step by triggers, pausing when the server is busy, then swaps the two with an atomic
 * RENAME. The credentials go in a private defaults file, never on a command line or in a log.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EffectError } from '../../engine/ports.js';
import { quotedMasked } from '../value-shape.js';
import { rowsOf, sleep, splitTable, withConnection } from './sessions.js';

export interface OnlineAlterChange {
  table: string;
  /** The ALTER TABLE clauses, e.g. `DROP COLUMN name`. */
  alter: string;
  lockWaitSeconds: number;
}

export interface OnlineAlterOutcome {
  tookMs: number;
  /** What the tool said while it worked: retries, pauses for load, the swap. */
  notes: string[];
}

const tool = 'pt-online-schema-change';

/** An ALTER from an earlier attempt (a worker that died) may still be copying: wait for it, at most this long. */
const orphanWaitMs = 6 * 3600 * 1000;

export async function onlineAlter(
  url: string,
  change: OnlineAlterChange,
  options: { signal?: AbortSignal; progress?: (line: string) => Promise<void> } = {},
): Promise<OnlineAlterOutcome> {
  const target = connectionOf(url);
  const { schema, name } = splitTable(change.table, target.database);
  await waitForEarlierCopy(url, change.table, options);
  if (/[\r\n]/.test(target.password + target.user))
    throw new EffectError('the database URL holds a line break in its user or password: fix the variable', false);
  const dir = await mkdtemp(join(tmpdir(), 'zeroops-ptosc-'));
  const defaults = join(dir, 'client.cnf');
  await writeFile(defaults, `[client]\nuser=${optionValue(target.user)}\npassword=${optionValue(target.password)}\n`, {
    mode: 0o600,
  });
  const wait = change.lockWaitSeconds;
  const tries = ['create_triggers', 'drop_triggers', 'swap_tables', 'update_foreign_keys']
    .map((op) => `${op}:30:0.5`)
    .join(',');
  const args = [
    `--defaults-file=${defaults}`, // the tool reads it only as its first option
    '--alter',
    change.alter,
    '--execute',
    '--no-version-check', // it would call Percona's server
    '--set-vars',
    `lock_wait_timeout=${wait},innodb_lock_wait_timeout=${wait}`,
    '--tries',
    tries,
    '--chunk-time', // short chunks hold their row locks briefly: fewer deadlocks with the application
    '0.1',
    '--max-load',
    'Threads_running=25',
    '--critical-load',
    'Threads_running=200',
    '--progress', // every 5 % of the rows: twenty lines at most, however long the copy
    'percentage,5',
    `h=${target.host},P=${target.port},D=${schema},t=${name}`,
  ];
  const started = Date.now();
  try {
    const run = await runTool(args, options);
    const code = run.code;
    // Its lines go into the check run: a value MySQL quotes in an error ('hunter2') is masked.
    const output = run.output.map(quotedMasked);
    const notes = output.filter((line) => /retry|retrying|pausing|swapp|lock wait|error/i.test(line)).slice(-10);
    if (code !== 0)
      throw new EffectError(
        `${tool} stopped (exit ${code}): ${
          output
            .filter((l) => /error|cannot|not/i.test(l))
            .slice(-3)
            .join(' ') || output.slice(-3).join(' ')
        }`,
        false,
        { untouched: gaveUpBeforeSwap(output) },
      );
    return { tookMs: Date.now() - started, notes };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Its last word when it gave up before the swap, its triggers and shadow table dropped. It says so
 * too when a swap whose RENAME went through lost its answer, so a swap begun counts as a change.
 */
const gaveUpBeforeSwap = (output: string[]) =>
  output.some((line) => / was not altered\.$/.test(line)) && !output.some((line) => /swapping tables/i.test(line));

function runTool(
  args: string[],
  options: { signal?: AbortSignal; progress?: (line: string) => Promise<void> },
): Promise<{ code: number | null; output: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const output: string[] = [];
    let lastProgress = 0;
    const take = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        output.push(line.trim());
        if (output.length > 400) output.shift();
        const copying = /^Copying (\S+):\s+(\d+)% (\S+) remain/.exec(line.trim());
        if (copying && options.progress && Date.now() - lastProgress > 900) {
          lastProgress = Date.now();
          void options.progress(`copying ${copying[1]}: ${copying[2]}%, ${copying[3]} remain`).catch(() => undefined);
        }
      }
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    // Interrupted, the tool drops its triggers and shadow table before it exits.
    const stop = () => child.kill('SIGINT');
    options.signal?.addEventListener('abort', stop, { once: true });
    child.once('error', (error) =>
      reject(new EffectError(`${tool} could not start (${error.message}): install percona-toolkit`, false)),
    );
    child.once('close', (code) => {
      options.signal?.removeEventListener('abort', stop);
      resolve({ code, output });
    });
  });
}

/**
 * The tool's triggers on the table mean a copy is under way: an attempt of this step whose worker
 * died, its tool still running. A second copy would fail on them; this one waits for the first.
 */
export async function waitForEarlierCopy(
  url: string,
  table: string,
  options: { signal?: AbortSignal; progress?: (line: string) => Promise<void> },
): Promise<void> {
  const { schema, name } = splitTable(table, connectionOf(url).database);
  const deadline = Date.now() + orphanWaitMs;
  for (let said = false; Date.now() < deadline; said = true) {
    const triggers = await withConnection(url, (c) =>
      rowsOf<{ name: string }>(
        c,
        `SELECT TRIGGER_NAME AS name FROM information_schema.TRIGGERS
          WHERE EVENT_OBJECT_SCHEMA = ? AND EVENT_OBJECT_TABLE = ? AND TRIGGER_NAME LIKE 'pt\\_osc\\_%'`,
        [schema, name],
      ),
    );
    if (triggers.length === 0) return;
    if (!said) await options.progress?.(`an earlier copy of ${name} is still running: waiting for it`);
    await sleep(1000, options.signal);
  }
  throw new EffectError(`an earlier copy of ${schema}.${name} has not finished after hours: look at it`, false);
}

/** A value in an option file, quoted so `#`, quotes, backslashes and edge spaces survive. */
const optionValue = (value: string) => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

interface MysqlTarget {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

export function connectionOf(url: string): MysqlTarget {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 3306),
    user: decodeURIComponent(parsed.username || 'root'),
    password: decodeURIComponent(parsed.password),
    database: decodeURIComponent(parsed.pathname.replace(/^\//, '')),
  };
}
