/** The webhook server over real HTTP: signature checked, event handled, health endpoints answer. */
import { createHmac } from 'node:crypto';
import nock from 'nock';
import { ProbotOctokit } from 'probot';
import { startServer, webhookPath, type RunningServer } from '../../../src/main/server.js';
import { githubDouble, resetGithubDouble, testPrivateKey } from '../../support/github-double.js';
import { examplePayload } from '../../support/webhook-examples.js';

const secret = 'test-secret';
let server: RunningServer;

beforeAll(async () => {
  const octokit = ProbotOctokit.defaults((options: Record<string, object>) => ({
    ...options,
    throttle: { ...options.throttle, enabled: false },
  })) as typeof ProbotOctokit;
  server = await startServer(
    { appId: '1', privateKey: testPrivateKey(), webhookSecret: secret, port: 0, host: '127.0.0.1', logLevel: 'fatal' },
    { octokit },
  );
});
afterAll(() => server.stop());
afterEach(() => resetGithubDouble());

const post = (body: string, signature: string) =>
  fetch(`http://127.0.0.1:${server.port}${webhookPath}`, {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'pull_request',
      'x-github-delivery': `d-${Math.random()}`,
      'x-hub-signature-256': signature,
    },
  });

describe('webhook server', () => {
  it('handles a signed delivery and publishes the plan check', async () => {
    const payload = examplePayload('pull_request', 'opened');
    const double = githubDouble({
      owner: 'Codertocat',
      repo: 'Hello-World',
      number: 2,
      baseSha: payload.pull_request.base.sha,
      headSha: payload.pull_request.head.sha,
      base: {},
      head: { 'README.md': 'x' },
    });
    nock.enableNetConnect('127.0.0.1');
    const body = JSON.stringify(payload);
    const response = await post(body, `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
    expect(response.status).toBe(200);
    expect(double.checkRuns.map((c) => c.body.conclusion)).toEqual(['neutral']);
  });

  it('rejects a delivery with a wrong signature', async () => {
    const body = JSON.stringify(examplePayload('pull_request', 'opened'));
    const response = await post(body, `sha256=${createHmac('sha256', 'not-the-secret').update(body).digest('hex')}`);
    expect(response.status).toBeGreaterThanOrEqual(400);
  });

  it('answers health and readiness checks', async () => {
    for (const path of ['/healthz', '/readyz']) {
      const response = await fetch(`http://127.0.0.1:${server.port}${path}`);
      expect([response.status, await response.json()]).toEqual([200, { status: 'ok' }]);
    }
  });
});
