/**
 * One `zeroops start` and two `zeroops worker` processes share one store (a SQLite file, or the
 * lab's PostgreSQL as ZeroOps on several machines would) and one Redis. Merged runbooks run across
 * them; one worker is killed with SIGKILL while a script it started is still running. Every run
 * completes exactly once, and no script runs twice for the same step: the worker that takes the
 * step over waits for the orphaned script and takes its outcome.
 */
import { jest } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab, type Lab } from '../../lab/lab.js';
import { freePort } from '../../lab/ports.js';
import { openStore } from '../../src/store/open-store.js';
import { labService } from '../support/e2e-world.js';
import { eventually } from '../support/lab.js';

jest.setTimeout(300_000);

const bin = new URL('../../bin/zeroops.js', import.meta.url).pathname;

/** Records each step's start (with the worker that started it) and end, in a ledger outside the repo. */
const effectScript = `#!/bin/sh
worker=$(ps -o ppid= -p $PPID | tr -d ' ')
echo "start $ZEROOPS_IDEMPOTENCY_KEY $worker" >> "$LEDGER"
sleep 1
echo "end $ZEROOPS_IDEMPOTENCY_KEY" >> "$LEDGER"
`;

const runbook = (name: string) => `apiVersion: zeroops.dev/v1
kind: Runbook
metadata: { name: ${name}, service: checkout }
spec:
  steps:
    - { name: first, action: { provider: command, operation: run, params: { argv: [scripts/effect.sh] } } }
    - { name: second, action: { provider: command, operation: run, params: { argv: [scripts/effect.sh] } } }
`;

let lab: Lab;
let dir: string;
let env: NodeJS.ProcessEnv;
let port: number;
const processes: ChildProcess[] = [];

beforeAll(async () => {
  lab = await startLab({ components: ['redis', 'github', 'postgres'], seedRows: 0 });
  dir = mkdtempSync(join(tmpdir(), 'zeroops-multi-'));
  const github = lab.github!;
  await github.state.git.commit(
    'main',
    {
      'services/checkout.yaml': labService(),
      '.zeroops/config.yaml': 'apiVersion: zeroops.dev/v1\nkind: Config\nspec: { defaultEnv: production }\n',
      'scripts/effect.sh': effectScript,
    },
    'ops repo',
  );
  github.setPermission('alice', 'write');
  port = await freePort();
  env = {
    ...process.env,
    NODE_OPTIONS: '',
    APP_ID: github.appId,
    PRIVATE_KEY: github.privateKey,
    WEBHOOK_SECRET: 'multi-secret',
    PORT: String(port),
    HOST: '127.0.0.1',
    GITHUB_API_URL: github.url,
    REDIS_URL: lab.redis!.url,
    ZEROOPS_GITHUB_PACING: 'off',
    ZEROOPS_SCRIPT_ENV: 'LEDGER',
    ZEROOPS_WORKER_CONCURRENCY: '3',
    LOG_LEVEL: 'warn',
  };
  github.connectApp({ url: `http://127.0.0.1:${port}/api/github/webhooks`, secret: 'multi-secret' });
});
afterAll(async () => {
  await stopAll();
  await lab?.stop();
  rmSync(dir, { recursive: true, force: true });
});

type Store = { name: string; runs: number; env: () => NodeJS.ProcessEnv };
const stores: Store[] = [
  { name: 'a SQLite file', runs: 20, env: () => ({ ZEROOPS_DATA_DIR: join(dir, 'sqlite') }) },
  {
    name: 'PostgreSQL',
    runs: 10,
    env: () => ({ ZEROOPS_DATA_DIR: join(dir, 'postgres'), DATABASE_URL: lab.postgres!.url }),
  },
];

let current: Store;
const ledgerFile = () => join(dir, `ledger-${stores.indexOf(current)}`);

function start(command: 'start' | 'worker'): ChildProcess {
  const child = spawn(process.execPath, [bin, command], {
    env: { ...env, ...current.env(), LEDGER: ledgerFile() },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  processes.push(child);
  return child;
}

async function stopAll(): Promise<void> {
  const running = processes.splice(0).filter((c) => c.exitCode === null && c.signalCode === null);
  await Promise.all(running.map((c) => new Promise((resolve) => c.once('exit', resolve).kill('SIGTERM'))));
}

const ledger = () =>
  readFileSync(ledgerFile(), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(' '));

/** A step a worker started whose script has not ended yet. */
const inFlightOf = (worker: ChildProcess) => {
  const lines = (() => {
    try {
      return ledger();
    } catch {
      return [];
    }
  })();
  const ended = new Set(lines.filter(([kind]) => kind === 'end').map(([, key]) => key));
  return lines.find(([kind, key, pid]) => kind === 'start' && pid === String(worker.pid) && !ended.has(key!));
};

const storeSettings = (store: Store) => {
  const settings = store.env();
  return { dataDir: settings.ZEROOPS_DATA_DIR!, databaseUrl: settings.DATABASE_URL };
};

describe.each(stores)('ZeroOps in three processes on $name', (store) => {
  beforeAll(() => {
    current = store;
  });
  afterAll(stopAll);

  it('completes every run exactly once, with no step run twice, when a worker is killed mid-step', async () => {
    const { runs } = store;
    start('start');
    const [first, second] = [start('worker'), start('worker')];
    expect(
      await eventually(
        async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.ok === true,
        30_000,
      ),
    ).toBe(true);
    const github = lab.github!;
    // Whichever worker is first seen in the middle of a script is killed, while merges go on.
    const workers = [first!, second!];
    const killed = eventually(() => workers.some((w) => inFlightOf(w) !== undefined), 120_000, 50).then((seen) => {
      const victim = workers.find((w) => inFlightOf(w) !== undefined);
      const orphaned = victim && inFlightOf(victim)![1]!;
      victim?.kill('SIGKILL');
      return seen && orphaned;
    });
    // Several pull requests at a time, as a busy team would merge them.
    const mergeOne = async (i: number) => {
      const name = `job-${stores.indexOf(store)}-${i}`;
      const { number } = await github.openPullRequest({
        title: name,
        branch: name,
        files: { [`tasks/${name}.yaml`]: runbook(name) },
        author: 'carol',
      });
      await github.review(number, 'alice', 'APPROVED');
      await github.merge(number, 'carol');
    };
    for (let i = 1; i <= runs; i += 5)
      await Promise.all(Array.from({ length: Math.min(5, runs - i + 1) }, (_, k) => mergeOne(i + k)));
    const orphaned = await killed;
    expect(orphaned).toEqual(expect.any(String));
    const checks = () =>
      github.checkRuns().filter((c) => c.name.startsWith(`ZeroOps run: job-${stores.indexOf(store)}-`));
    expect(await eventually(() => checks().filter((c) => c.status === 'completed').length === runs, 180_000)).toBe(
      true,
    );
    expect(checks()).toHaveLength(runs);
    expect(checks().map((c) => c.conclusion)).toEqual(Array(runs).fill('success'));

    const lines = ledger();
    const starts = lines.filter(([kind]) => kind === 'start').map(([, key]) => key);
    const ends = lines.filter(([kind]) => kind === 'end').map(([, key]) => key);
    expect(starts).toHaveLength(runs * 2);
    expect(new Set(starts).size).toBe(runs * 2);
    expect(new Set(ends)).toEqual(new Set(starts));
    expect(starts).toContain(orphaned);

    const opened = await openStore(storeSettings(store));
    const stored = await opened.runs({});
    await opened.close();
    expect(stored).toHaveLength(runs);
    expect(stored.map((r) => r.status)).toEqual(Array(runs).fill('succeeded'));
  });
});
