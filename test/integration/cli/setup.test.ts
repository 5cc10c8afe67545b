/**
 * `zeroops setup` through GitHub's App-manifest flow, against the GitHub double: the local page posts
 * app.yml's manifest to GitHub, GitHub's redirect brings a code back, the code becomes the App's
 * credentials in two files of mode 0600 — which work — and the terminal shows the next steps
 * without a secret.
 */
import { jest } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { startLab, type Lab } from '../../../lab/lab.js';
import { checkCredentials } from '../../../src/main/credentials.js';
import { templateRepoDir } from '../../support/ops-repo.js';
import { spawnZeroOps } from '../../support/zeroops-process.js';

jest.setTimeout(90_000);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const webhookUrl = 'https://zeroops.example.com/api/github/webhooks';
let lab: Lab;
let dir: string;
beforeAll(async () => {
  lab = await startLab({ components: ['github'] });
  dir = mkdtempSync(join(tmpdir(), 'zeroops-setup-'));
});
afterAll(async () => {
  await lab?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const setup = (out: string, ...args: string[]) =>
  spawnZeroOps(['setup', '--out', out, ...args], { GITHUB_API_URL: lab.github!.url });

const unescape = (html: string) =>
  html
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** What a browser sees on the setup page: where the form posts, and the manifest it posts. */
async function formOf(page: string): Promise<{ action: string; manifest: Json }> {
  const html = await (await fetch(page)).text();
  const action = unescape(/<form action="([^"]+)" method="post">/.exec(html)![1]!);
  const manifest = JSON.parse(unescape(/<input type="hidden" name="manifest" value="([^"]+)">/.exec(html)![1]!));
  return { action, manifest };
}

describe('zeroops setup', () => {
  it('creates the App from app.yml and writes its credentials, which GitHub then accepts', async () => {
    const out = mkdtempSync(join(dir, 'out-'));
    const zeroops = setup(out, '--webhook-url', webhookUrl, '--org', 'acme', '--repo', templateRepoDir);
    const page = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(await zeroops.line(/^Open http:\/\/127\.0\.0\.1:\d+\//))![1]!;
    expect(new URL(lab.github!.url).hostname).toBe('127.0.0.1');

    const { action, manifest } = await formOf(page);
    const state = new URL(action).searchParams.get('state')!;
    expect(action).toBe(`https://github.com/organizations/acme/settings/apps/new?state=${state}`);
    const appYml = parse(readFileSync(new URL('../../../app.yml', import.meta.url), 'utf8'));
    expect(manifest).toEqual({
      ...appYml,
      hook_attributes: { url: webhookUrl, active: true },
      redirect_url: `${page}callback`,
    });

    // GitHub's web UI takes the posted manifest, creates the App, and sends the browser back with a code.
    const code = lab.github!.apps.manifestCode(manifest);
    const forged = await fetch(`${manifest.redirect_url}?code=${code}&state=not-${state}`);
    expect(forged.status).toBe(400);
    const back = await fetch(`${manifest.redirect_url}?code=${code}&state=${state}`);
    expect(back.status).toBe(200);
    expect(await back.text()).toContain('https://github.com/apps/zeroops/installations/new');
    expect(await zeroops.exited).toBe(0);

    const key = join(out, 'zeroops.private-key.pem');
    const envFile = join(out, 'zeroops.env');
    expect([statSync(key).mode & 0o777, statSync(envFile).mode & 0o777]).toEqual([0o600, 0o600]);
    const env = Object.fromEntries(
      readFileSync(envFile, 'utf8')
        .split('\n')
        .filter((l) => l && !l.startsWith('#'))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    expect(Object.keys(env)).toEqual(['APP_ID', 'PRIVATE_KEY_PATH', 'WEBHOOK_SECRET', 'GITHUB_API_URL']);
    expect(env).toMatchObject({ PRIVATE_KEY_PATH: key, GITHUB_API_URL: lab.github!.url });
    expect(env.WEBHOOK_SECRET).toMatch(/^[0-9a-f]{40}$/);
    const pem = readFileSync(key, 'utf8');
    const app = await checkCredentials(
      {
        appId: env.APP_ID!,
        privateKey: pem,
        webhookSecret: env.WEBHOOK_SECRET!,
        githubApiUrl: env.GITHUB_API_URL,
        port: 0,
        host: '127.0.0.1',
        logLevel: 'fatal',
      },
      { PRIVATE_KEY_PATH: key },
    );
    expect(app).toEqual({ slug: 'zeroops', name: 'ZeroOps' });
    // The code was good once.
    const again = await fetch(`${lab.github!.url}/app-manifests/${code}/conversions`, { method: 'POST' });
    expect(again.status).toBe(404);
    lab.github!.violations.length = 0;

    const printed = zeroops.stdout.join('\n');
    for (const secret of [env.WEBHOOK_SECRET!, pem.split('\n')[1]!]) expect(printed).not.toContain(secret);
    expect(printed).toContain(`Created the GitHub App ZeroOps (id ${env.APP_ID}): https://github.com/apps/zeroops`);
    expect(printed).toContain(
      '1. Install the App on your ops repository: https://github.com/apps/zeroops/installations/new',
    );
    expect(printed).toContain('require the status checks "ZeroOps plan" and "ZeroOps approval"');
    expect(printed).toContain('- Prometheus at http://127.0.0.1:9090');
    expect(printed).toContain(
      "- HAProxy's admin socket /run/haproxy/admin.sock: a file, so workers run on the HAProxy host",
    );
    expect(printed).toContain('- the database shop, at the URL in SHOP_DATABASE_URL (set it on every worker)');
    expect(zeroops.stderr).toEqual([]);
  });

  it('leaves existing credentials alone, and says what is missing without a terminal to ask', async () => {
    const out = mkdtempSync(join(dir, 'out-'));
    writeFileSync(join(out, 'zeroops.env'), 'APP_ID=1\n');
    const existing = setup(out, '--webhook-url', webhookUrl);
    expect(await existing.exited).toBe(2);
    expect(existing.stderr).toEqual([
      `zeroops: ${join(out, 'zeroops.env')} already exists: move it away, or write elsewhere with --out DIR`,
    ]);
    const noUrl = setup(mkdtempSync(join(dir, 'out-')));
    expect(await noUrl.exited).toBe(2);
    expect(noUrl.stderr).toEqual([
      'zeroops: give --webhook-url: where GitHub sends webhooks, e.g. https://zeroops.example.com/api/github/webhooks',
    ]);
  });
});
