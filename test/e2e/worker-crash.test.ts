/**
 * A worker killed with SIGKILL in the middle of a step is replaced and the run completes once,
 * with no effect applied twice; and the run's event chain verifies — until one event is altered.
 */
import { jest } from '@jest/globals';
import Database from 'better-sqlite3';
import pg from 'pg';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startLab, type Lab } from '../../lab/lab.js';
import { freePort } from '../../lab/ports.js';
import { HAProxyTraffic } from '../../src/providers/haproxy/traffic.js';
import { sqliteFile } from '../../src/store/open-store.js';
import { drainTask, labConfig, labService } from '../support/e2e-world.js';
import { eventually } from '../support/lab.js';

jest.setTimeout(240_000);

const bin = new URL('../../bin/zeroops.js', import.meta.url).pathname;
let lab: Lab;
let dataDir: string;
let port: number;
let env: NodeJS.ProcessEnv;
const seedRows = 300_000;

beforeAll(async () => {
  lab = await startLab({ components: ['redis', 'prometheus', 'load', 'github', 'postgres'], loadRate: 60, seedRows });
  const github = lab.github!;
  await github.state.git.commit(
    'main',
    {
      'services/checkout.yaml': `${labService()}  databases: [{ name: shop, engine: postgres }]\n`,
      '.zeroops/config.yaml': labConfig(lab).replace(
        '    webhook:',
        '    postgres: { databases: { shop: { url: { env: CRASH_SHOP_URL } } } }\n    webhook:',
      ),
    },
    'lab',
  );
  github.setPermission('alice', 'write');
  dataDir = mkdtempSync(join(tmpdir(), 'zeroops-crash-'));
  port = await freePort();
  env = {
    ...process.env,
    NODE_OPTIONS: '',
    APP_ID: github.appId,
    PRIVATE_KEY: github.privateKey,
    WEBHOOK_SECRET: 'crash-secret',
    PORT: String(port),
    HOST: '127.0.0.1',
    GITHUB_API_URL: github.url,
    REDIS_URL: lab.redis!.url,
    ZEROOPS_GITHUB_PACING: 'off',
    ZEROOPS_DATA_DIR: dataDir,
    ZEROOPS_GATE_CHECK_SECONDS: '1',
    LOG_LEVEL: 'warn',
    CRASH_SHOP_URL: lab.postgres!.url,
  };
  github.connectApp({ url: `http://127.0.0.1:${port}/api/github/webhooks`, secret: 'crash-secret' });
});
afterAll(async () => {
  await lab?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function startZeroOps(): Promise<ChildProcess> {
  const child = spawn(process.execPath, [bin, 'start'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  await eventually(
    async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined))?.ok === true,
    30_000,
  );
  return child;
}

const stopped = (child: ChildProcess) => new Promise((resolve) => child.once('exit', resolve));
const runCheck = () => lab.github!.checkRuns().find((c) => c.name === 'ZeroOps run: drain-crash');
const weight = async (dc: string) =>
  Number((await lab.haproxy!.command(`get weight checkout_stable/${dc}`)).split(' ')[0]);
const audit = (runId: string) =>
  promisify(execFile)(process.execPath, [bin, 'audit', 'verify', runId], { env }).then(
    ({ stdout }) => ({ code: 0, stdout }),
    (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
  );

describe('a worker killed mid-step', () => {
  it('is replaced; the run completes once and no HAProxy command is sent twice; the audit chain verifies', async () => {
    let zeroops = await startZeroOps();
    const github = lab.github!;
    const { number } = await github.openPullRequest({
      title: 'drain',
      branch: 'crash',
      files: { 'tasks/crash.yaml': drainTask('drain-crash', '8s') },
      author: 'carol',
    });
    await github.review(number, 'alice', 'APPROVED');
    await github.merge(number, 'carol');
    expect(await eventually(async () => (await weight('dc-a')) === 50, 30_000)).toBe(true);
    const killed = stopped(zeroops);
    zeroops.kill('SIGKILL');
    await killed;
    zeroops = await startZeroOps();
    expect(await eventually(() => runCheck()?.status === 'completed', 90_000)).toBe(true);
    expect(runCheck()?.conclusion).toBe('success');
    expect(await weight('dc-a')).toBe(0);
    const journal = new HAProxyTraffic(
      lab.haproxy!.socketPath,
      join(dataDir, 'haproxy', `${lab.haproxy!.socketPath.replace(/[^A-Za-z0-9]/g, '_')}.json`),
    ).journal();
    expect(journal).toEqual(['set weight checkout_stable/dc-a 50', 'set weight checkout_stable/dc-a 0']);
    expect(github.checkRuns().filter((c) => c.name === 'ZeroOps run: drain-crash')).toHaveLength(1);
    const graceful = stopped(zeroops);
    zeroops.kill('SIGTERM');
    expect(await graceful).toBe(0);

    const runId = /audit verify (\S+)`/.exec(
      github
        .comments(number)
        .map((c) => c.body)
        .join('\n'),
    )![1]!;
    const intact = await audit(runId);
    expect(intact).toEqual({
      code: 0,
      stdout: expect.stringMatching(/^run \S+ \(drain-crash, succeeded\): \d+ events, chain intact\n$/),
    });
    // Someone with the store's file rewrites one recorded event.
    const db = new Database(sqliteFile(dataDir));
    const row = db.prepare('SELECT doc FROM events WHERE chain = ? AND seq = 3').get(runId) as { doc: string };
    db.prepare('UPDATE events SET doc = ? WHERE chain = ? AND seq = 3').run(
      JSON.stringify({ ...JSON.parse(row.doc), actor: 'mallory' }),
      runId,
    );
    db.close();
    const altered = await audit(runId);
    expect(altered.code).toBe(1);
    expect(altered.stdout).toMatch(
      /the event chain does NOT verify:\n {2}- event 3 \(\S+\) was altered after it was recorded/,
    );
  });
});

describe('a worker killed mid-backfill', () => {
  it('is replaced, and the backfill resumes at its checkpoint without redoing a finished range', async () => {
    let zeroops = await startZeroOps();
    const github = lab.github!;
    const task = `apiVersion: zeroops.dev/v1
kind: SchemaChange
metadata: { name: backfill-crash, service: checkout }
spec:
  database: shop
  replaceColumn: { table: user_profile, from: column_1, to: column_2, type: jsonb, using: column_1::jsonb }
  batchSize: 500
  readersWindow: 1s
`;
    const { number } = await github.openPullRequest({
      title: 'backfill',
      branch: 'backfill-crash',
      files: { 'tasks/backfill-crash.yaml': task },
      author: 'carol',
    });
    await github.review(number, 'alice', 'APPROVED');
    await github.merge(number, 'carol');
    const check = () => github.checkRuns().find((c) => c.name === 'ZeroOps run: backfill-crash');
    const db = new pg.Client({ connectionString: lab.postgres!.url });
    await db.connect();
    try {
      const progress = async () =>
        Number((await db.query('SELECT rows FROM zeroops.backfills').catch(() => ({ rows: [] }))).rows[0]?.rows ?? 0);
      expect(await eventually(async () => (await progress()) >= 20_000, 60_000, 100)).toBe(true);
      const killed = stopped(zeroops);
      zeroops.kill('SIGKILL');
      await killed;
      const doneBeforeCrash = await progress();
      expect(doneBeforeCrash).toBeLessThan(seedRows);
      zeroops = await startZeroOps();
      expect(
        await eventually(
          () => check()?.title?.includes('waiting for approval of step switch-readers') ?? false,
          120_000,
        ),
      ).toBe(true);
      const { rows } = await db.query(
        `SELECT b.rows,
                (SELECT count(*) FROM user_profile
                  WHERE id BETWEEN b.lower_key::bigint AND b.upper_key::bigint) AS in_range
           FROM zeroops.backfills b`,
      );
      // Every row of the frozen key range was counted exactly once across both workers.
      expect(Number(rows[0].rows)).toBe(Number(rows[0].in_range));
      expect(check()!.text).toMatch(/resumed after ([\d,]+) rows done before/);
      const resumedAfter = Number(/resumed after ([\d,]+) rows/.exec(check()!.text!)![1]!.replace(/,/g, ''));
      expect(resumedAfter).toBeGreaterThanOrEqual(doneBeforeCrash);
    } finally {
      await db.end();
      const graceful = stopped(zeroops);
      zeroops.kill('SIGTERM');
      await graceful;
    }
  });
});
