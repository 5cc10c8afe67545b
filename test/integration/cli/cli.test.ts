/** The zeroops command as a person runs it: exit codes, output format, and never a stack trace. */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { environment } from '../../../src/main/environment.js';
import { templateRepoDir } from '../../support/ops-repo.js';

const bin = new URL('../../../bin/zeroops.js', import.meta.url).pathname;
const run = async (...args: string[]) => {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, ...args], {
      env: { ...process.env, APP_ID: '', WEBHOOK_SECRET: '', PRIVATE_KEY: '', PRIVATE_KEY_PATH: '' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr };
  }
};

describe('zeroops CLI', () => {
  it('validates the example repo: exit 0', async () => {
    const result = await run('validate', '--repo', templateRepoDir);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^0 error\(s\), \d+ warning\(s\); 7 task\(s\) planned$/m);
  });

  it('fails on a folder that is missing or holds no ops repo, so a mistyped --repo does not pass CI', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zeroops-cli-'));
    const empty = await run('validate', '--repo', dir);
    const missing = await run('validate', '--repo', join(dir, 'nope'));
    await rm(dir, { recursive: true });
    expect(empty).toMatchObject({
      code: 1,
      stdout: expect.stringContaining(
        'holds no ops repo: no .zeroops/config.yaml and no manifests in services/, templates/ or tasks/ (check --repo)',
      ),
    });
    expect(missing).toMatchObject({
      code: 1,
      stdout: expect.stringContaining(`there is no folder ${join(dir, 'nope')}`),
    });
  });

  it('stops quietly when its reader stops early (| head -1)', async () => {
    // Every example plan as JSON is larger than a pipe holds, so the writer meets the closed pipe.
    const command = `"${process.execPath}" "${bin}" plan --repo "${templateRepoDir}" "${templateRepoDir}"tasks/*.yaml --format json | head -1`;
    const { stdout, stderr } = await promisify(execFile)('sh', ['-c', command]);
    expect(stdout).toBe('[\n');
    expect(stderr).not.toMatch(/EPIPE|node:events|at .*\(/);
  });

  it('prints findings as path:line:col severity field: message and exits 1', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zeroops-cli-'));
    const file = join(dir, 'bad.yaml');
    await writeFile(
      file,
      'apiVersion: zeroops.dev/v1\nkind: Rollout\nmetadata: { name: bad, service: checkout }\nspec:\n  version: v2\n  steps: [50%, 20%]\n',
    );
    const result = await run('validate', '--repo', templateRepoDir, file);
    await rm(dir, { recursive: true });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`${file}:6:16 error spec.steps[1]: steps must ascend: 20% comes after 50%`);
  });

  it('prints a plan as Markdown or JSON', async () => {
    const markdown = await run('plan', '--repo', templateRepoDir, `${templateRepoDir}tasks/drain-dc-a.yaml`);
    expect(markdown.stdout).toContain('### 🟡 `drain-dc-a` — TrafficShift of checkout in production');
    const json = await run(
      'plan',
      '--repo',
      templateRepoDir,
      `${templateRepoDir}tasks/drain-dc-a.yaml`,
      '--format',
      'json',
    );
    expect(JSON.parse(json.stdout)).toMatchObject({
      task: { name: 'drain-dc-a', kind: 'TrafficShift' },
      fingerprint: expect.stringMatching(/^sha256:/),
    });
  });

  it('prints its version, and per command its usage and every environment variable it reads', async () => {
    const { version } = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8'));
    expect(await run('--version')).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    const start = await run('start', '--help');
    expect(start.code).toBe(0);
    expect(start.stdout).toMatch(/^Usage: zeroops start\n/);
    for (const name of environment.filter((v) => v.commands.includes('start')).map((v) => v.name))
      expect(start.stdout).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
    const setup = await run('setup', '--help');
    expect(setup.stdout).toMatch(/^ {2}--webhook-url URL /m);
    expect(setup.stdout).toMatch(/^ {2}GITHUB_API_URL /m);
    expect((await run('validate', '--help')).stdout).not.toContain('Environment:');
  }, 90_000);

  it.each([
    [['plan', '--repo', templateRepoDir, 'no/such/task.yaml'], /^zeroops: no such file: no\/such\/task.yaml$/m],
    [['validate', '--colour'], /^zeroops: Unknown option '--colour'/m],
    [['plan', '--format', 'pdf', 'x.yaml'], /^zeroops: --format must be markdown or json, not pdf$/m],
    [['frobnicate'], /^zeroops: unknown command 'frobnicate'$/m],
    [['start'], /^zeroops: set APP_ID, WEBHOOK_SECRET, PRIVATE_KEY or PRIVATE_KEY_PATH/m],
  ])('says what is wrong without a stack trace: %j', async (args, message) => {
    const result = await run(...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
