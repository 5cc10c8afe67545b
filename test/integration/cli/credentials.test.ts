/**
 * `zeroops start` checks the App's credentials before anything else: a key that does not parse, or
 * one GitHub does not know (GET /app answers 401), is one line on stderr and exit code 2 — no stack
 * trace, no secret — and good credentials start the server.
 */
import { jest } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab, type Lab } from '../../../lab/lab.js';
import { freePort } from '../../../lab/ports.js';
import { spawnZeroOps } from '../../support/zeroops-process.js';

jest.setTimeout(60_000);

let lab: Lab;
let dir: string;
beforeAll(async () => {
  lab = await startLab({ components: ['github'] });
  dir = mkdtempSync(join(tmpdir(), 'zeroops-credentials-'));
});
afterAll(async () => {
  await lab?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const readme = 'see README: Installing the GitHub App';
const start = async (env: NodeJS.ProcessEnv) => {
  const zeroops = spawnZeroOps(['start'], {
    APP_ID: lab.github!.appId,
    WEBHOOK_SECRET: 'credentials-secret',
    GITHUB_API_URL: lab.github!.url,
    HOST: '127.0.0.1',
    PORT: String(await freePort()),
    ZEROOPS_DATA_DIR: dir,
    LOG_LEVEL: 'warn',
    ...env,
  });
  return { code: await zeroops.exited, stdout: zeroops.stdout, stderr: zeroops.stderr };
};
const otherKey = () =>
  generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();

describe('credentials at start', () => {
  it('refuses a malformed key in one line, exit 2', async () => {
    const pasted = await start({ PRIVATE_KEY: 'ghp_not-a-key-at-all' });
    expect(pasted).toEqual({
      code: 2,
      stdout: [],
      stderr: [`zeroops: PRIVATE_KEY is not a PEM private key (no -----BEGIN … PRIVATE KEY----- line); ${readme}`],
    });
    const truncated = otherKey().slice(0, 400);
    const file = join(dir, 'truncated.pem');
    writeFileSync(file, truncated);
    const fromFile = await start({ PRIVATE_KEY_PATH: file });
    expect(fromFile.code).toBe(2);
    expect(fromFile.stderr).toEqual([
      expect.stringMatching(
        new RegExp(
          `^zeroops: PRIVATE_KEY_PATH \\(${file}\\) is not a PEM private key \\(it does not decode: .+\\); ${readme}$`,
        ),
      ),
    ]);
    expect(fromFile.stderr.join('\n')).not.toContain(truncated.split('\n')[1]);
  });

  it('refuses a key GitHub does not know (GET /app answers 401) in one line, exit 2', async () => {
    const key = otherKey();
    const result = await start({ PRIVATE_KEY: key });
    expect(result.code).toBe(2);
    expect(result.stderr).toEqual([
      expect.stringMatching(
        new RegExp(
          "^zeroops: GitHub refused the App's credentials \\(GET /app answered 401: .+\\): check that APP_ID 4242 " +
            `is the App's id and the private key is one of its current keys; ${readme}$`,
        ),
      ),
    ]);
    expect(result.stderr.join('\n')).not.toContain(key.split('\n')[1]);
    expect(lab.github!.requests.filter((r) => r.operation === 'apps/get-authenticated').at(-1)?.status).toBe(401);
  });

  it('says in one line when GitHub cannot be reached', async () => {
    const port = await freePort();
    const result = await start({ PRIVATE_KEY: lab.github!.privateKey, GITHUB_API_URL: `http://127.0.0.1:${port}` });
    expect(result.code).toBe(2);
    expect(result.stderr).toEqual([
      `zeroops: could not reach GitHub at http://127.0.0.1:${port} to check the App's credentials (ECONNREFUSED): ` +
        "check GITHUB_API_URL and this host's network",
    ]);
  });

  it('starts with the credentials GitHub knows', async () => {
    const port = await freePort();
    const zeroops = spawnZeroOps(['start'], {
      APP_ID: lab.github!.appId,
      PRIVATE_KEY: lab.github!.privateKey,
      WEBHOOK_SECRET: 'credentials-secret',
      GITHUB_API_URL: lab.github!.url,
      HOST: '127.0.0.1',
      PORT: String(port),
      ZEROOPS_DATA_DIR: dir,
      LOG_LEVEL: 'warn',
    });
    await zeroops.line(/^ZeroOps listening on port \d+$/);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    zeroops.child.kill('SIGTERM');
    expect(await zeroops.exited).toBe(0);
    expect(lab.github!.requests.filter((r) => r.operation === 'apps/get-authenticated').at(-1)?.status).toBe(200);
  });
});
