/**
 * The HTTP API on the real server, over real HTTP, against the GitHub double (which checks every
 * request against GitHub's OpenAPI description) and an embedded store in a temporary folder. Every
 * answer is also checked against docs/openapi.yaml, and the routes served against the routes described.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Probot, ProbotOctokit } from 'probot';
import { GitHubDouble } from '../../../lab/github-double/index.js';
import type { KnownRepo, Store } from '../../../src/engine/store.js';
import { BlobCache } from '../../../src/forge/github/blob-cache.js';
import { GitHubForge } from '../../../src/forge/github/github-forge.js';
import { unpacedOctokit } from '../../../src/forge/github/unpaced-octokit.js';
import { apiRoutes } from '../../../src/main/api/routes.js';
import { startServer, webhookPath, type RunningServer } from '../../../src/main/server.js';
import { openStore } from '../../../src/store/open-store.js';
import { answerProblems, describedOperations, description } from '../../support/api-description.js';
import { aPlan, aRun, aStep } from '../../support/builders.js';
import { anIncident } from '../../support/incidents.js';

const token = 'test-api-token-0123456789abcdef';
const template = new URL('../../../ops-repo-template/', import.meta.url).pathname;
const restart = await readFile(join(template, 'tasks/restart-checkout.yaml'), 'utf8');
const secret = 'webhook-secret';
// No retries: a failing double shows at once.
const octokit = unpacedOctokit().defaults({ retry: { enabled: false } }) as typeof ProbotOctokit;

let dir: string;
let double: GitHubDouble;
let store: Store;
let server: RunningServer;
let apiOff: RunningServer;
type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any -- answers are read as the test asserts
/** Every answer the tests got, checked against docs/openapi.yaml at the end. */
const answers: { operation: string; status: number; type: string | null; body: unknown }[] = [];

/** The template ops repo without its tasks: the API adds one. */
async function opsRepo(): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const folder of ['.zeroops', 'services', 'templates', 'scripts'])
    for (const name of await readdir(join(template, folder)))
      files[`${folder}/${name}`] = await readFile(join(template, folder, name), 'utf8');
  return files;
}

function forgeOn(baseUrl: string) {
  const github = new Probot({
    appId: double.appId,
    privateKey: double.privateKey,
    baseUrl,
    Octokit: octokit,
    log: pino({ level: 'silent' }) as never,
  });
  return async (repo: KnownRepo) => new GitHubForge((await github.auth(repo.installationId)) as never, new BlobCache());
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zeroops-api-'));
  double = await GitHubDouble.start({ dir, files: await opsRepo() });
  store = await openStore({ dataDir: join(dir, 'store') });
  await store.saveRepo({ owner: 'acme', repo: 'ops', installationId: double.installationId, defaultBranch: 'main' });
  await store.saveRepo({ owner: 'acme', repo: 'offline', installationId: 5, defaultBranch: 'main' });
  const reachable = forgeOn(double.url);
  // Nothing listens on port 1: GitHub cannot be reached for this repository.
  const unreachable = forgeOn('http://127.0.0.1:1');
  const settings = {
    appId: double.appId,
    privateKey: double.privateKey,
    webhookSecret: secret,
    port: 0,
    host: '127.0.0.1',
    logLevel: 'fatal' as const,
    githubApiUrl: double.url,
  };
  server = await startServer(settings, {
    octokit,
    api: { token, store, forgeFor: (repo) => (repo.repo === 'offline' ? unreachable(repo) : reachable(repo)) },
  });
  apiOff = await startServer(settings, { octokit });
  // The pull request the API opens is planned like any other: GitHub tells the app it was opened.
  double.connectApp({ url: `http://127.0.0.1:${server.port}${webhookPath}`, secret });
}, 120_000);
afterEach(() => expect(double.violations).toEqual([]));
afterAll(async () => {
  await server?.stop();
  await apiOff?.stop();
  await double?.stop();
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

async function call(
  operation: string,
  path: string,
  options: { body?: string | object; auth?: string | null; on?: RunningServer } = {},
): Promise<{ status: number; body: Json }> {
  const auth = options.auth === undefined ? `Bearer ${token}` : options.auth;
  const response = await fetch(`http://127.0.0.1:${(options.on ?? server).port}${path}`, {
    method: operation.split(' ')[0],
    headers: { 'content-type': 'application/json', ...(auth === null ? {} : { authorization: auth }) },
    ...(options.body === undefined || operation.startsWith('GET')
      ? {}
      : { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }),
  });
  const text = await response.text();
  const body = text ? JSON.parse(text) : undefined;
  answers.push({ operation, status: response.status, type: response.headers.get('content-type'), body });
  return { status: response.status, body };
}

const postTask = (body: string | object, auth?: string | null) => call('POST /api/tasks', '/api/tasks', { body, auth });
const writes = () => double.requests.filter((r) => r.method !== 'GET' && !r.path.endsWith('/access_tokens'));

describe('POST /api/tasks', () => {
  it('opens the pull request a person would have opened, with the task committed on its branch', async () => {
    const main = await double.files('main');
    const { status, body } = await postTask({
      repo: 'acme/ops',
      path: 'tasks/restart-checkout.yaml',
      manifest: restart,
      reason: 'checkout leaks goroutines',
    });
    expect(status).toBe(201);
    const pr = double.pull(body.pullRequest.number);
    expect(body.pullRequest.url).toBe(`https://github.com/acme/ops/pull/${pr.number}`);
    expect(pr).toMatchObject({
      title: 'Task restart-checkout (via the API)',
      head: { ref: 'zeroops/api/restart-checkout' },
      base: { ref: 'main' },
      labels: ['zeroops'],
      state: 'open',
    });
    expect(pr.body).toContain('Sent through the ZeroOps HTTP API: `checkout leaks goroutines`');
    expect(await double.files('zeroops/api/restart-checkout')).toEqual({
      ...main,
      'tasks/restart-checkout.yaml': restart,
    });
    expect(await double.files('main')).toEqual(main);
    expect(body.plans).toEqual([
      expect.objectContaining({ task: 'restart-checkout', kind: 'Restart', service: 'checkout', executes: true }),
    ]);
    expect(body.plans[0].steps.length).toBeGreaterThan(0);
    // ...and planned on GitHub, as any pull request is.
    await double.settled();
    expect(double.checkRuns(pr.head.sha).map((c) => [c.name, c.conclusion])).toContainEqual([
      'ZeroOps plan',
      'success',
    ]);
  }, 60_000);

  it('refuses a missing or wrong token, without a hint of the token, and opens nothing', async () => {
    const before = double.requests.length;
    const task = { repo: 'acme/ops', path: 'tasks/restart-checkout.yaml', manifest: restart };
    for (const auth of [null, `Bearer ${token.slice(0, -1)}`, `Bearer ${token}0`, token, `Basic ${token}`]) {
      const { status, body } = await postTask(task, auth);
      expect([status, body]).toEqual([401, { error: 'missing or wrong bearer token' }]);
    }
    expect(double.requests.length).toBe(before);
  });

  it('answers an invalid task with its problems (file, line, field) and opens nothing', async () => {
    const before = { pulls: double.state.pulls.size, writes: writes().length };
    const manifest = restart
      .replace('name: restart-checkout', 'name: restart-payments')
      .replace('service: checkout', 'service: payments');
    const { status, body } = await postTask({ repo: 'acme/ops', path: 'tasks/restart-payments.yaml', manifest });
    expect(status).toBe(400);
    expect(body.problems).toEqual([
      {
        file: 'tasks/restart-payments.yaml',
        line: manifest.split('\n').findIndex((l) => l.includes('service: payments')) + 1,
        column: 12,
        field: 'metadata.service',
        message: expect.stringContaining("unknown service 'payments'"),
      },
    ]);
    expect([double.state.pulls.size, writes().length]).toEqual([before.pulls, before.writes]);
    expect(await double.state.git.resolve('zeroops/api/restart-payments')).toBeUndefined();
  });

  it("names the body's own problems: not JSON, a field missing, a path outside tasks/", async () => {
    const before = double.requests.length;
    expect(await postTask('{"repo": ')).toMatchObject({ status: 400, body: { problems: [{ field: '(body)' }] } });
    const fields = await postTask({ repo: 'acme/ops', path: '.zeroops/config.yaml', mode: 'x' });
    expect(fields.status).toBe(400);
    expect(fields.body.problems.map((p: { field: string }) => p.field)).toEqual(['mode', 'manifest', 'path']);
    expect(double.requests.length).toBe(before);
  });

  it('answers 404 for a repository ZeroOps is not installed on, 503 when GitHub cannot be reached', async () => {
    const task = { path: 'tasks/restart-checkout.yaml', manifest: restart };
    expect(await postTask({ ...task, repo: 'acme/elsewhere' })).toMatchObject({
      status: 404,
      body: { error: 'ZeroOps is not installed on acme/elsewhere, or has not heard from it' },
    });
    expect((await postTask({ ...task, repo: 'acme/offline' })).status).toBe(503);
  });

  it('refuses a body over 1 MB', async () => {
    const manifest = `${restart}#${'x'.repeat(1_000_000)}\n`;
    const { status, body } = await postTask({ repo: 'acme/ops', path: 'tasks/big.yaml', manifest });
    expect([status, body]).toEqual([413, { error: 'the body is over 1 MB' }]);
  });
});

describe('GET /api/runs/{id} and /api/incidents/{id}', () => {
  it("answers a stored run's status, steps and timeline from its event chain", async () => {
    const plan = aPlan([aStep('drain', { title: 'Drain dc-a' }), aStep('restart')]);
    const created = aRun({ id: 'b3c1e0de-run', plan, status: 'running', startedBy: 'alice' });
    await store.createRun(created);
    const chain = await store.appendEvents(
      created.id,
      [
        { type: 'run-created', actor: 'alice', data: { task: 'task-1' } },
        { type: 'run-started', actor: 'zeroops', data: { locks: [] } },
        { type: 'step-applied', actor: 'zeroops', data: { step: 'drain', output: { stdout: 'hunter2' } } },
      ],
      '2026-11-25T00:01:00.000Z',
    );
    const last = chain.at(-1)!;
    const drain = { id: 'drain', status: 'holding' as const, attempts: 1, startedAt: '2026-11-25T00:01:00.000Z' };
    const evidence = { at: '2026-11-25T00:02:00.000Z', metric: 'error_rate', value: 0.001, limit: '≤ 1%' };
    await store.saveRun({
      ...created,
      version: 2,
      steps: [{ ...drain, evidence: [{ ...evidence, verdict: 'pass' }] }, created.steps[1]!],
      events: { seq: last.seq, hash: last.hash },
    });

    const { status, body } = await call('GET /api/runs/{id}', `/api/runs/${created.id}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      id: created.id,
      repo: 'acme/ops',
      status: 'running',
      steps: [
        { id: 'drain', title: 'Drain dc-a', status: 'holding', attempts: 1, lastEvidence: { verdict: 'pass' } },
        { id: 'restart', status: 'pending', attempts: 0 },
      ],
      audit: { intact: true, problems: [] },
    });
    expect(body.timeline.map((e: { type: string }) => e.type)).toEqual(['run-created', 'run-started', 'step-applied']);
    expect(JSON.stringify(body)).not.toContain('hunter2');
  });

  it('answers an incident by its URL-encoded id, with what the patrol found and its timeline', async () => {
    await store.saveIncident(anIncident());
    await store.appendEvents(
      'incident/acme/ops#12',
      [{ type: 'opened', actor: 'zeroops', data: { what: 'goroutines grow by 40/s' } }],
      '2026-11-25T00:00:00.000Z',
    );
    const { status, body } = await call(
      'GET /api/incidents/{id}',
      `/api/incidents/${encodeURIComponent('acme/ops#12')}`,
    );
    expect(status).toBe(200);
    expect(body).toMatchObject({
      id: 'acme/ops#12',
      issueNumber: 12,
      state: 'open',
      runIds: ['run-remedy'],
      patrol: { service: 'checkout', cause: { class: 'goroutine-leak' } },
      timeline: [{ seq: 1, type: 'opened', data: { what: 'goroutines grow by 40/s' } }],
    });
  });

  it('answers 404 for unknown ids, 401 without the token', async () => {
    expect(await call('GET /api/runs/{id}', '/api/runs/no-such-run')).toEqual({
      status: 404,
      body: { error: 'no run no-such-run' },
    });
    expect((await call('GET /api/incidents/{id}', '/api/incidents/acme%2Fops%2399')).status).toBe(404);
    expect((await call('GET /api/runs/{id}', '/api/runs/%E0%A4%A')).status).toBe(404);
    expect((await call('GET /api/runs/{id}', '/api/runs/b3c1e0de-run', { auth: null })).status).toBe(401);
  });
});

describe('the API described by docs/openapi.yaml', () => {
  it('describes every route the server serves, and nothing else', () => {
    expect(describedOperations().sort()).toEqual(apiRoutes.map((r) => `${r.method} ${r.path}`).sort());
  });

  it('serves every operation it describes (each answers, if only 401 without the token)', async () => {
    for (const operation of describedOperations()) {
      const path = operation.split(' ')[1]!.replace('{id}', 'x');
      expect([operation, (await call(operation, path, { auth: 'Bearer wrong', body: {} })).status]).toEqual([
        operation,
        401,
      ]);
    }
  });

  it('answers 503, saying what to set, while it is off', async () => {
    for (const operation of describedOperations()) {
      const path = operation.split(' ')[1]!.replace('{id}', 'x');
      expect(await call(operation, path, { on: apiOff, body: {} })).toEqual({
        status: 503,
        body: { error: 'API disabled: set ZEROOPS_API_TOKEN' },
      });
    }
  });

  it('gave only answers it describes, each matching its schema', () => {
    expect(answers.length).toBeGreaterThan(20);
    expect(answers.flatMap((a) => answerProblems(a.operation, a.status, a.type, a.body))).toEqual([]);
    expect(Object.keys(description.components)).toContain('schemas');
  });
});
