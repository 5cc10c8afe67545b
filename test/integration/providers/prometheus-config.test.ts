/**
 * The run's config decides how Prometheus is asked: its `timeout` bounds every query, its
 * `bearerToken` names the worker's variable sent as `Authorization: Bearer …`, which never shows up
 * in evidence, and ZeroOps' own credentials are never sent.
 */
import { createServer, type Server } from 'node:http';
import { perRunGates } from '../../../src/main/run-gates.js';
import type { Gate } from '../../../src/plan/types.js';
import { aRun } from '../../support/builders.js';

const token = 'prom-s3cret-token';
const gate: Gate = {
  metric: 'error_rate',
  query: 'error_rate',
  unit: 'ratio',
  max: 0.02,
  phase: 'during',
  display: 'error_rate ≤ 2%',
};
let server: Server;
let url: string;
let delayMs = 0;
const seen: (string | undefined)[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req.headers.authorization);
    const authorized = req.headers.authorization === `Bearer ${token}`;
    const body = authorized
      ? { status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [0, '0.01'] }] } }
      : { status: 'error', errorType: 'unauthorized', error: 'no token' };
    setTimeout(() => res.writeHead(authorized ? 200 : 401).end(JSON.stringify(body)), delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));
beforeEach(() => {
  seen.length = 0;
  delayMs = 0;
});

const check = (prometheus: Record<string, unknown>, env: NodeJS.ProcessEnv = { PROM_TOKEN: token }) =>
  perRunGates(env).check([gate], aRun({ providers: { prometheus: { url, ...prometheus } } }), '2026-12-01T00:00:00Z');

describe('Prometheus from the run config', () => {
  it('sends the bearer token from the named variable, and nowhere else', async () => {
    const [evidence] = await check({ timeout: '2s', bearerToken: { env: 'PROM_TOKEN' } });
    expect(evidence).toMatchObject({ verdict: 'pass', value: 0.01 });
    expect(seen).toEqual([`Bearer ${token}`]);
    expect(JSON.stringify(evidence)).not.toContain(token);
  });

  it('gives up at the configured timeout, not at a fixed one', async () => {
    delayMs = 1500;
    const started = Date.now();
    const [evidence] = await check({ timeout: '300ms', bearerToken: { env: 'PROM_TOKEN' } });
    expect(Date.now() - started).toBeLessThan(1400);
    expect(evidence).toMatchObject({ verdict: 'inconclusive', note: expect.stringMatching(/^timeout: /) });
    delayMs = 700;
    expect((await check({ timeout: '3s', bearerToken: { env: 'PROM_TOKEN' } }))[0]!.verdict).toBe('pass');
  });

  it('says so when the token is not set on the worker, without asking', async () => {
    const [evidence] = await check({ bearerToken: { env: 'PROM_TOKEN' } }, {});
    expect(evidence).toMatchObject({
      verdict: 'inconclusive',
      note: 'PROM_TOKEN (spec.providers.prometheus.bearerToken) is not set on this worker',
    });
    expect(seen).toEqual([]);
  });

  it("never sends ZeroOps' own credentials as a token", async () => {
    const [evidence] = await check({ bearerToken: { env: 'WEBHOOK_SECRET' } }, { WEBHOOK_SECRET: 'hook-secret' });
    expect(evidence).toMatchObject({
      verdict: 'inconclusive',
      note: expect.stringContaining("ZeroOps' own credentials"),
    });
    expect(seen).toEqual([]);
  });

  it('sends no header without a bearerToken', async () => {
    expect((await check({}))[0]).toMatchObject({ verdict: 'inconclusive' });
    expect(seen).toEqual([undefined]);
  });
});
