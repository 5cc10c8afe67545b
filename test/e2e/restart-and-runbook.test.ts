/** Restart and Runbook executed for real: a rolling restart through the command provider and HAProxy, and a runbook's webhook. */
import { jest } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import { setFaults } from '../../lab/components/sample-service.js';
import { mergeApproved as merge, runCheckOf, startWorld, type World } from '../support/e2e-world.js';
import { eventually } from '../support/lab.js';

jest.setTimeout(180_000);

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world?.stop());

const runCheck = (name: string) => runCheckOf(world, name);
const mergeApproved = (name: string, manifest: string) => merge(world, name, manifest);

describe('Restart end to end', () => {
  it('restarts every instance in batches, draining each from HAProxy first, and clears a goroutine leak', async () => {
    const a1 = world.lab.instances.find((i) => i.name === 'checkout-a1')!;
    await setFaults(a1, { goroutineLeakPerSec: 500 });
    await eventually(
      async () => /zeroops_lab_leaked_goroutines\{[^}]*\} [1-9]/.test(await (await fetch(`${a1.url}/metrics`)).text()),
      5000,
    );
    const mark = world.lab.load!.mark();
    await mergeApproved(
      'restart-all',
      `apiVersion: zeroops.dev/v1
kind: Restart
metadata: { name: restart-all, service: checkout }
spec:
  batchSize: 2
  interval: 1s
  reason: goroutine leak in checkout-a1
  analysis:
    - { metric: error_rate, max: 5%, window: 3s }
`,
    );
    expect(await eventually(() => runCheck('restart-all')?.status === 'completed', 90_000)).toBe(true);
    expect(runCheck('restart-all')).toMatchObject({ conclusion: 'success' });
    expect(runCheck('restart-all')!.text).toContain('`restart-3` Restart checkout-b2, checkout-c2 | succeeded');
    // A restarted instance starts without faults: every switch is off.
    const faults = (await (await fetch(`${a1.url}/fault`)).json()) as Record<string, number>;
    expect(Object.keys(faults)).toEqual(expect.arrayContaining(['goroutineLeakPerSec', 'errorRatio', 'latencyMs']));
    expect(Object.values(faults).every((v) => v === 0)).toBe(true);
    expect(await (await fetch(`${a1.url}/metrics`)).text()).toMatch(/zeroops_lab_leaked_goroutines\{[^}]*\} 0\n/);
    const states = await world.lab.haproxy!.command('show servers state');
    expect(
      states
        .split('\n')
        .filter((l) => /checkout_dc_/.test(l))
        .map((l) => l.split(' ')[6]),
    ).toEqual(['0', '0', '0', '0', '0', '0']);
    const seen = world.lab.load!.since(mark);
    // Batches take instances across datacenters, so each datacenter always has one serving.
    expect(seen.byStatus).toEqual({ 200: seen.total });
  });
});

describe('Runbook end to end', () => {
  it('runs provider actions in order, with a signed webhook', async () => {
    process.env.CI_HOOK_SECRET = 'ci-hook-secret';
    const received: { body: string; signature: string }[] = [];
    const hook = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        received.push({ body, signature: String(req.headers['x-zeroops-signature-256']) });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(hook.address() as { port: number }).port}/ci`;
    try {
      await mergeApproved(
        'notify-ci',
        `apiVersion: zeroops.dev/v1
kind: Runbook
metadata: { name: notify-ci, service: checkout }
spec:
  steps:
    - { name: announce, action: { provider: webhook, operation: call, params: { url: "${url}", body: { job: announce } } } }
    - { name: trigger-ci, action: { provider: webhook, operation: call, params: { url: "${url}", body: { job: flush-cache }, secretEnv: CI_HOOK_SECRET } } }
`,
      );
      expect(await eventually(() => runCheck('notify-ci')?.status === 'completed', 30_000)).toBe(true);
      expect(runCheck('notify-ci')).toMatchObject({ conclusion: 'success' });
      expect(received.map((r) => r.body)).toEqual(['{"job":"announce"}', '{"job":"flush-cache"}']);
      // Signed with the variable the config lists for it, the way the receiver checks it.
      expect(received.map((r) => r.signature)).toEqual([
        'undefined',
        `sha256=${createHmac('sha256', 'ci-hook-secret').update('{"job":"flush-cache"}').digest('hex')}`,
      ]);
    } finally {
      hook.close();
    }
  });
});
