/**
 * The image's start command, run here as the image would run it (no base image can be pulled): the
 * compiled CLI laid out as the Dockerfile's COPY lines lay it out, in an install directory owned by
 * root that the unprivileged user cannot write, with a data directory it can. It starts, answers
 * /healthz (without Redis: it only plans), writes only into the data directory, and stops on SIGTERM.
 */
import { jest } from '@jest/globals';
import { execFile } from 'node:child_process';
import { chmodSync, chownSync, cpSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startLab, type Lab } from '../../../lab/lab.js';
import { freePort } from '../../../lab/ports.js';
import { sqliteFile } from '../../../src/store/open-store.js';
import { all, dockerfileStages, environment, imageCommand, last } from '../../support/dockerfile.js';
import { spawnZeroOps } from '../../support/zeroops-process.js';

jest.setTimeout(360_000);

const repo = new URL('../../../', import.meta.url).pathname;
const runtime = dockerfileStages().at(-1)!;
/** The user the image runs as is node (uid 1000); this machine has no such user, so: nobody. */
const nobody = { uid: 65534, gid: 65534 };
let lab: Lab;
let install: string;
let data: string;

beforeAll(async () => {
  const [_lab] = await Promise.all([startLab({ components: ['github'] }), layOutInstall()]);
  lab = _lab;
  data = mkdtempSync(join(tmpdir(), 'zeroops-volume-'));
  chownSync(data, nobody.uid, nobody.gid);
});
afterAll(async () => {
  await lab?.stop();
  for (const dir of [install, data]) if (dir) rmSync(dir, { recursive: true, force: true });
});

/** /app as the Dockerfile builds it: `npm run build`'s output and the files COPY brings. */
async function layOutInstall(): Promise<void> {
  install = mkdtempSync(join(tmpdir(), 'zeroops-install-'));
  chmodSync(install, 0o755);
  const tsc = join(repo, 'node_modules/typescript/bin/tsc');
  await promisify(execFile)(
    'nice',
    ['-n', '10', process.execPath, tsc, '-p', 'tsconfig.build.json', '--outDir', join(install, 'dist')],
    {
      cwd: repo,
    },
  );
  for (const copy of all(runtime, 'COPY').filter((args) => !args.startsWith('--from='))) {
    const [target, ...sources] = copy.split(/\s+/).reverse();
    for (const source of sources)
      cpSync(join(repo, source), join(install, target!.endsWith('/') ? source : target!), { recursive: true });
  }
  symlinkSync(join(repo, 'node_modules'), join(install, 'node_modules'));
}

const listing = (dir: string, at = ''): string[] =>
  readdirSync(join(dir, at), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? [`${join(at, e.name)}/`, ...listing(dir, join(at, e.name))] : [join(at, e.name)],
  );

describe('the image start command, unprivileged', () => {
  it('starts from a root-owned install directory and writes only to the data directory', async () => {
    expect(statSync(install)).toMatchObject({ uid: 0, mode: expect.any(Number) });
    expect(statSync(install).mode & 0o777).toBe(0o755);
    const before = listing(install);
    const port = await freePort();
    const imageEnv = environment(runtime);
    expect(imageEnv.ZEROOPS_DATA_DIR).toBe('/data');
    const [node, ...args] = imageCommand(runtime);
    expect(node).toBe('node');
    expect(last(runtime, 'WORKDIR')).toBe('/app');
    const zeroops = spawnZeroOps(
      [],
      {
        ...imageEnv,
        HOME: '/nonexistent',
        ZEROOPS_DATA_DIR: data, // the /data volume
        HOST: '127.0.0.1',
        PORT: String(port),
        APP_ID: lab.github!.appId,
        PRIVATE_KEY: lab.github!.privateKey,
        WEBHOOK_SECRET: 'unprivileged-secret',
        GITHUB_API_URL: lab.github!.url,
      },
      { cwd: install, ...nobody },
      [process.execPath, ...args],
    );
    await zeroops.line(/^ZeroOps listening on port \d+$/, 60_000);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    zeroops.child.kill('SIGTERM');
    expect(await zeroops.exited).toBe(0);
    expect(zeroops.stderr).toEqual([]);
    expect(zeroops.stdout.join('\n')).toContain('REDIS_URL is not set: ZeroOps plans pull requests');
    expect(listing(install)).toEqual(before);
    expect(statSync(sqliteFile(data)).uid).toBe(nobody.uid);
  });
});
