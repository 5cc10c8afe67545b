/**
 * A new user's path: `zeroops init` a repo of their own, then `zeroops lab up --repo` it and open,
 * review and merge a pull request from another terminal with `zeroops lab pr …`; the task runs on
 * the lab, whose instances carry the names of the user's service.
 */
import { jest } from '@jest/globals';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { eventually } from '../support/lab.js';

jest.setTimeout(300_000);

const bin = new URL('../../bin/zeroops.js', import.meta.url).pathname;
let dir: string;
let repo: string;
let env: NodeJS.ProcessEnv;
let lab: ChildProcess;
let labOutput = '';

const zeroops = async (...args: string[]) => {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [bin, ...args], { env });
    return { code: 0, stdout };
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
    return { code, stdout: `${stdout}${stderr}` };
  }
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zeroops-own-'));
  await chmod(dir, 0o755); // the lab's components may run as other users
  repo = join(dir, 'payments-ops');
  // The lab's state file lives in the temp folder: this test's own, so it never meets another lab.
  env = { ...process.env, TMPDIR: dir, NODE_OPTIONS: '' };
  const init = await zeroops('init', repo, '--service', 'payments', '--datacenters', 'east,west', '--owners', 'alice');
  expect(init.code).toBe(0);
});
afterAll(async () => {
  if (lab && lab.exitCode === null) lab.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

describe('an ops repo of your own on the lab', () => {
  it('runs a drain of one of its datacenters from pull request to merge, driven from the command line', async () => {
    lab = spawn(process.execPath, [bin, 'lab', 'up', '--repo', repo], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    lab.stdout!.on('data', (chunk) => (labOutput += chunk));
    const ready = () => labOutput.includes('Ctrl-C stops everything');
    expect(await eventually(() => ready() || lab.exitCode !== null, 120_000)).toBe(true);
    expect(ready()).toBe(true);
    // The lab took the shape of services/payments.yaml: its datacenters, backends and instance names.
    expect(labOutput).toMatch(/ {2}payments-east-1 +http:\/\/127\.0\.0\.1:\d+ v1\.0\.0 east/);
    expect(labOutput).toMatch(/ {2}payments-west-2 +http:\/\/127\.0\.0\.1:\d+ v1\.0\.0 west/);

    expect((await zeroops('lab', 'pr', 'open')).stdout).toContain("holds nothing the lab's main branch does not");
    await writeFile(
      join(repo, 'tasks/drain-east.yaml'),
      `apiVersion: zeroops.dev/v1
kind: TrafficShift
metadata: { name: drain-east, service: payments }
spec:
  weights: { east: 0% }
  steps: 2
  interval: 2s
  reason: trying ZeroOps on the lab
  analysis:
    - { metric: error_rate, max: 5%, window: 3s }
`,
    );
    const opened = await zeroops('lab', 'pr', 'open', '--title', 'Drain east');
    expect(opened.code).toBe(0);
    expect(opened.stdout).toContain('Opened #1 "Drain east" as @developer.');
    expect(opened.stdout).toContain('✔ ZeroOps plan: success');
    expect(opened.stdout).toContain('Shift payments traffic: east 100% → 0% in 2 step(s)');

    const reviewed = await zeroops('lab', 'pr', 'review', '1', '--as', 'alice');
    expect(reviewed.stdout).toMatch(/✔ ZeroOps approval: success/);

    const merged = await zeroops('lab', 'pr', 'merge', '1');
    expect(merged.stdout).toContain('🚀 Merged in');
    expect(merged.stdout).toMatch(/ZeroOps run: drain-east: success/);
    expect(merged.code).toBe(0);
    // The lab's own terminal shows what ZeroOps said, as it said it.
    expect(await eventually(() => /#1 check "ZeroOps run: drain-east": success/.test(labOutput), 10_000)).toBe(true);
    expect(labOutput).toMatch(/#1 @zeroops\[bot\]: ## ZeroOps plan for [0-9a-f]{7}/);

    const steered = await zeroops('lab', 'pr', 'comment', '1', '/zeroops status', '--as', 'alice');
    expect(steered.stdout).toMatch(/`drain-east`: \*\*succeeded\*\*, 2\/2 steps/);

    const stateFile = join(dir, `zeroops-lab-${userInfo().username}.json`);
    lab.kill('SIGINT');
    expect(await eventually(() => lab.exitCode !== null, 60_000)).toBe(true);
    expect(lab.exitCode).toBe(0);
    expect(labOutput).toContain('Stopped; nothing left running.');
    expect(existsSync(stateFile)).toBe(false);
  });
});
