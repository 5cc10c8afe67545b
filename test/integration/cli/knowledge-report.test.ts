/** `zeroops knowledge report` as a person runs it, on a store with runs and incidents in it. */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { openStore } from '../../../src/store/open-store.js';
import { aPlan, aRun } from '../../support/builders.js';
import { aPatrolIncident, anIncident } from '../../support/incidents.js';

const bin = new URL('../../../bin/zeroops.js', import.meta.url).pathname;
let dir: string;

const run = async (...args: string[]) => {
  try {
    const env = { ...process.env, ZEROOPS_DATA_DIR: dir, DATABASE_URL: '', MONGODB_URI: '' };
    const { stdout } = await promisify(execFile)(process.execPath, [bin, ...args], { env });
    return { code: 0, stdout };
  } catch (error) {
    const { code, stdout } = error as { code: number; stdout: string };
    return { code, stdout };
  }
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zeroops-knowledge-'));
  const store = await openStore({ dataDir: dir });
  const recently = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
  await store.saveRepo({ owner: 'acme', repo: 'ops', defaultBranch: 'main' });
  const plan = aPlan(undefined, { filled: [{ field: 'spec.interval', value: '1m', from: 'template dc-failover@1' }] });
  for (const [n, status] of [
    [1, 'succeeded'],
    [2, 'rolled_back'],
  ] as const)
    await store.createRun(
      aRun({ id: `r${n}`, key: `k${n}`, repo: { owner: 'acme', repo: 'ops' }, plan, status, finishedAt: recently(n) }),
    );
  const patrol = aPatrolIncident({
    detectedAt: recently(3),
    resolvedAt: new Date(Date.parse(recently(3)) + 600_000).toISOString(),
  });
  await store.saveIncident(anIncident({ patrol, state: 'closed' }));
  await store.close();
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('zeroops knowledge report', () => {
  it('prints the figures of every repository the store knows', async () => {
    const { code, stdout } = await run('knowledge', 'report', '--since', '30d');
    expect(code).toBe(0);
    expect(stdout).toContain('## ZeroOps knowledge report: acme/ops');
    expect(stdout).toContain('**Runs finished:** 2 (1 succeeded, 1 rolled back). **Incidents:** 1, 1 resolved');
    expect(stdout).toContain('time to recover: median 10m');
    expect(stdout).toContain('| goroutine-leak | 1 |');
    expect(stdout).toContain('| rolling-restart | 1 | 1 | 100% |');
    expect(stdout).toContain('| dc-failover@1 | 2 | 1 | 50% |');
  });

  it('says what is wrong with a bad period or repository name, exit 2', async () => {
    expect(await run('knowledge', 'report', '--since', 'lately')).toEqual({
      code: 2,
      stdout: 'zeroops: --since lately is not a period of a day or more: write e.g. 30d, 12w or 2160h\n',
    });
    expect((await run('knowledge', 'report', 'ops')).stdout).toContain('name repositories as owner/name');
    expect((await run('knowledge', 'report', '--since', '3m')).code).toBe(2);
  });
});
