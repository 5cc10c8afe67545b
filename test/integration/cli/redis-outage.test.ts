/**
 * Redis away, as `zeroops start` lives it: /readyz answers 503 within a second, the log says so in
 * one line (and once more when Redis is back), not a stack trace per retry, and SIGTERM still exits
 * 0 within ZEROOPS_DRAIN_SECONDS.
 */
import { jest } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab, type Lab } from '../../../lab/lab.js';
import { freePort } from '../../../lab/ports.js';
import { eventually, sleep } from '../../support/lab.js';
import { spawnZeroOps, type ZeroOpsProcess } from '../../support/zeroops-process.js';

jest.setTimeout(120_000);

const drainSeconds = 5;
let lab: Lab;
let dir: string;
beforeAll(async () => {
  lab = await startLab({ components: ['redis', 'github'] });
  dir = mkdtempSync(join(tmpdir(), 'zeroops-outage-'));
});
afterAll(async () => {
  await lab?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function start(redisUrl: string): Promise<{ zeroops: ZeroOpsProcess; port: number }> {
  const port = await freePort();
  const zeroops = spawnZeroOps(['start'], {
    APP_ID: lab.github!.appId,
    PRIVATE_KEY: lab.github!.privateKey,
    WEBHOOK_SECRET: 'outage-secret',
    GITHUB_API_URL: lab.github!.url,
    HOST: '127.0.0.1',
    PORT: String(port),
    REDIS_URL: redisUrl,
    ZEROOPS_DATA_DIR: mkdtempSync(join(dir, 'data-')),
    ZEROOPS_DRAIN_SECONDS: String(drainSeconds),
    LOG_LEVEL: 'info',
  });
  await zeroops.line(/^ZeroOps listening on port/);
  return { zeroops, port };
}

/** The status of /readyz and how long it took to answer. */
async function readyz(port: number): Promise<{ status: number; ms: number }> {
  const started = Date.now();
  const { status } = await fetch(`http://127.0.0.1:${port}/readyz`);
  return { status, ms: Date.now() - started };
}

const lines = (z: ZeroOpsProcess) => [...z.stdout, ...z.stderr];
const stackLines = (z: ZeroOpsProcess) => lines(z).filter((l) => /^\s+at |\\n\s+at /.test(l));
const about = (z: ZeroOpsProcess, pattern: RegExp) => lines(z).filter((l) => pattern.test(l));

async function sigtermExits(zeroops: ZeroOpsProcess): Promise<{ code: number | null; ms: number }> {
  const started = Date.now();
  zeroops.child.kill('SIGTERM');
  const code = await zeroops.exited;
  return { code, ms: Date.now() - started };
}

describe('Redis away', () => {
  it('from the start: 503 at once, one log line over several retries, SIGTERM exits 0', async () => {
    const { zeroops, port } = await start(`redis://127.0.0.1:${await freePort()}`);
    await zeroops.line(/Redis is unreachable/);
    const probe = await readyz(port);
    expect(probe.status).toBe(503);
    expect(probe.ms).toBeLessThan(1000);
    await sleep(4000); // ioredis retries after 0.5, 1 and 2 s, on each of its connections
    expect(about(zeroops, /redis|ECONNREFUSED/i)).toHaveLength(1);
    expect(stackLines(zeroops)).toEqual([]);
    const exit = await sigtermExits(zeroops);
    expect(exit.code).toBe(0);
    expect(exit.ms).toBeLessThan(drainSeconds * 1000);
    expect(zeroops.stderr).toEqual([]);
  });

  it('killed while running: 503 within a second, a line down and one back, SIGTERM with it gone exits 0', async () => {
    const redis = lab.redis!;
    const { zeroops, port } = await start(redis.url);
    expect(await eventually(async () => (await readyz(port)).status === 200, 10_000)).toBe(true);
    await redis.kill();
    await zeroops.line(/Redis is unreachable/);
    const probe = await readyz(port);
    expect(probe).toEqual({ status: 503, ms: expect.any(Number) });
    expect(probe.ms).toBeLessThan(1000);
    await sleep(3000);
    expect(about(zeroops, /unreachable|ECONNREFUSED|ECONNRESET|Connection is closed/)).toHaveLength(1);

    await redis.restartEmpty();
    await zeroops.line(/Redis is reachable again/, 15_000);
    expect(await eventually(async () => (await readyz(port)).status === 200, 5000)).toBe(true);

    await redis.kill();
    await eventually(() => about(zeroops, /Redis is unreachable/).length === 2, 10_000);
    const exit = await sigtermExits(zeroops);
    expect(exit.code).toBe(0);
    expect(exit.ms).toBeLessThan(drainSeconds * 1000);
    expect(about(zeroops, /Redis is (unreachable|reachable again)/)).toHaveLength(3);
    expect(stackLines(zeroops)).toEqual([]);
    expect(zeroops.stderr).toEqual([]);
  });
});
