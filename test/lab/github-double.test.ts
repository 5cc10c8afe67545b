/**
 * The GitHub double holds the bot to GitHub's API description, and the plan on a pull request works
 * through it end to end: signed webhook in, validated REST calls out.
 */
import { jest } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitHubDouble } from '../../lab/github-double/index.js';
import { startServer, webhookPath, type RunningServer } from '../../src/main/server.js';
import { templateRepoFiles, templateScripts } from '../support/ops-repo.js';

jest.setTimeout(60_000);

let dir: string;
let double: GitHubDouble;
let app: RunningServer;
let tasks: Record<string, string>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zeroops-double-'));
  const files = await templateRepoFiles();
  const base = Object.fromEntries(
    [...files.filter((f) => !f.path.startsWith('tasks/')), ...(await templateScripts())].map((f) => [f.path, f.text]),
  );
  tasks = Object.fromEntries(files.filter((f) => f.path.startsWith('tasks/')).map((f) => [f.path, f.text]));
  double = await GitHubDouble.start({ dir, files: base });
  app = await startServer({
    appId: double.appId,
    privateKey: double.privateKey,
    webhookSecret: 's3cret',
    port: 0,
    host: '127.0.0.1',
    githubApiUrl: double.url,
    logLevel: 'fatal',
  });
  double.connectApp({ url: `http://127.0.0.1:${app.port}${webhookPath}`, secret: 's3cret' });
});
afterAll(async () => {
  await app?.stop();
  await double?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('GitHub double', () => {
  it('carries the plan on a pull request: check run and comment, with no API violation', async () => {
    const { number, delivery } = await double.openPullRequest({
      title: 'Example tasks',
      branch: 'examples',
      files: tasks,
      author: 'carol',
    });
    expect(delivery.status).toBe(200);
    expect(double.violations).toEqual([]);
    const [check] = double.checkRuns(double.pull(number).head.sha);
    expect(check).toMatchObject({
      name: 'ZeroOps plan',
      conclusion: 'success',
      title: '7 plan(s) ready, 2 warning(s)',
    });
    expect(check!.annotations).toEqual([
      // No database here: the schema change's preflight says so, without blocking the plan.
      expect.objectContaining({
        path: 'tasks/replace-user-profile-column.yaml',
        annotation_level: 'warning',
        message: expect.stringContaining('the preflight of user_profile could not run'),
      }),
      expect.objectContaining({ path: 'tasks/warm-up-dc-a.yaml', annotation_level: 'warning' }),
    ]);
    expect(double.comments(number).map((c) => c.user.login)).toEqual(['zeroops[bot]']);
    expect(double.requests.map((r) => r.operation)).toEqual(
      expect.arrayContaining([
        'apps/create-installation-access-token',
        'pulls/list-files',
        'git/get-tree',
        'git/get-blob',
        'checks/create',
        'issues/create-comment',
      ]),
    );

    await double.push(number, {
      'tasks/drain-dc-a.yaml': tasks['tasks/drain-dc-a.yaml']!.replace('reason: P99', 'reason: p99'),
    });
    expect(double.violations).toEqual([]);
    expect(double.comments(number)).toHaveLength(1);
    expect(double.checkRuns(double.pull(number).head.sha).map((c) => c.conclusion)).toEqual(['success']);
  });

  it('rejects requests that break the API description, and records them', async () => {
    const token = await installationToken();
    const call = (method: string, path: string, body?: object, auth = `token ${token}`) =>
      fetch(`${double.url}${path}`, {
        method,
        headers: { authorization: auth, 'content-type': 'application/json' },
        body: body && JSON.stringify(body),
      });
    const before = double.violations.length;
    expect(
      (await call('POST', '/repos/acme/ops/check-runs', { name: 'x', head_sha: 'abc', conclusion: 'great' })).status,
    ).toBe(422);
    expect((await call('POST', '/repos/acme/ops/check-runs', { head_sha: 'abc' })).status).toBe(422);
    expect((await call('GET', '/repos/acme/ops/pulls/1/files?colour=blue')).status).toBe(422);
    expect((await call('GET', '/repos/acme/ops/frobnicate')).status).toBe(404);
    expect((await call('GET', '/repos/acme/ops/pulls/1', undefined, 'token forged')).status).toBe(401);
    expect(double.violations.slice(before)).toEqual([
      expect.stringContaining('checks/create: body /conclusion must be equal to one of the allowed values'),
      expect.stringContaining("checks/create: body (root) must have required property 'name'"),
      expect.stringContaining("pulls/list-files: /query must NOT have additional properties 'colour'"),
      expect.stringContaining("is not an operation of GitHub's REST API"),
      expect.stringContaining('an installation access token is required'),
    ]);
    double.violations.splice(before);
  });
});

/** An installation token obtained as the app does: with a JWT signed by its private key. */
async function installationToken(): Promise<string> {
  const { createSign } = await import('node:crypto');
  const encode = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const unsigned = `${encode({ alg: 'RS256', typ: 'JWT' })}.${encode({ iss: double.appId, iat: Math.floor(Date.now() / 1000) - 30, exp: Math.floor(Date.now() / 1000) + 300 })}`;
  const jwt = `${unsigned}.${createSign('RSA-SHA256').update(unsigned).sign(double.privateKey).toString('base64url')}`;
  const response = await fetch(`${double.url}/app/installations/${double.installationId}/access_tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${jwt}` },
  });
  return ((await response.json()) as { token: string }).token;
}
