/**
 * One `zeroops start` and two `zeroops worker` processes share one SQLite file and one Redis. Twenty
 * merged runbooks run across them; one worker is killed with SIGKILL while a script it started is
 * still running. Every run completes exactly once, and no script runs twice for the same step: the
 * worker that takes the step over waits for the orphaned script and takes its outcome.
 */
import { jest } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab, type Lab } from '../../lab/lab.js';
import { freePort } from '../../lab/ports.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { sqliteFile } from '../../src/store/open-store.js';
import { labService } from '../support/e2e-world.js';
import { eventually } from '../support/lab.js';

jest.setTimeout(300_000);

const bin = new URL('../../bin/zeroops.js', import.meta.url).pathname;
const runs = 20;

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
  lab = await startLab({ components: ['redis', 'github'] });
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
    ZEROOPS_DATA_DIR: join(dir, 'data'),
    ZEROOPS_SCRIPT_ENV: 'LEDGER',
    LEDGER: join(dir, 'ledger'),
    ZEROOPS_WORKER_CONCURRENCY: '3',
    LOG_LEVEL: 'warn',
  };
  github.connectApp({ url: `http://127.0.0.1:${port}/api/github/webhooks`, secret: 'multi-secret' });
});
afterAll(async () => {
  for (const child of processes) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await lab?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function start(command: 'start' | 'worker'): ChildProcess {
  const child = spawn(process.execPath, [bin, command], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  processes.push(child);
  return child;
}

const ledger = () =>
  readFileSync(join(dir, 'ledger'), 'utf8')
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

describe('ZeroOps in three processes on one SQLite file', () => {
  it('completes twenty runs exactly once, with no step run twice, when a worker is killed mid-step', async () => {
    start('start');
    const [victim] = [start('worker'), start('worker')];
    expect(
      await eventually(
        async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.ok === true,
        30_000,
      ),
    ).toBe(true);
    const github = lab.github!;
    for (let i = 1; i <= runs; i++) {
      const name = `job-${i}`;
      const { number } = await github.openPullRequest({
        title: name,
        branch: name,
        files: { [`tasks/${name}.yaml`]: runbook(name) },
        author: 'carol',
      });
      await github.review(number, 'alice', 'APPROVED');
      await github.merge(number, 'carol');
    }
    expect(await eventually(() => inFlightOf(victim!) !== undefined, 60_000, 50)).toBe(true);
    const orphaned = inFlightOf(victim!)![1]!;
    victim!.kill('SIGKILL');

    const checks = () => github.checkRuns().filter((c) => c.name.startsWith('ZeroOps run: job-'));
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

    const store = new SqliteStore(sqliteFile(join(dir, 'data')));
    const stored = await store.runs({});
    await store.close();
    expect(stored).toHaveLength(runs);
    expect(stored.map((r) => r.status)).toEqual(Array(runs).fill('succeeded'));
  });
});
