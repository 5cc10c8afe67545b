/** The infrastructure providers against the lab's real Prometheus and HAProxy. */
import { jest } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { startLab, type Lab } from '../../lab/lab.js';
import { defaultLabService } from '../../lab/service-shape.js';
import { MetricsError } from '../../src/observe/metrics-source.js';
import { HAProxyTraffic } from '../../src/providers/haproxy/traffic.js';
import { PrometheusSource } from '../../src/providers/prometheus/prometheus-source.js';
import { eventually } from '../support/lab.js';

jest.setTimeout(90_000);

let lab: Lab;
beforeAll(async () => {
  lab = await startLab({
    components: ['prometheus'],
    service: defaultLabService(undefined, 1),
    canaryVersion: 'v1.1.0',
  });
});
afterAll(() => lab?.stop());

describe('prometheus provider', () => {
  it('answers instant and range queries', async () => {
    const prometheus = new PrometheusSource(lab.prometheus!.url);
    const up = await prometheus.instant('up{job="checkout"}');
    expect(up.map((s) => s.value)).toEqual([1, 1, 1, 1]);
    const points = async () => {
      const now = Math.floor(Date.now() / 1000);
      return (await prometheus.range('sum(up)', now - 5, now, 1))[0]?.points ?? [];
    };
    expect(await eventually(async () => (await points()).length >= 4, 10_000)).toBe(true);
    expect((await points()).at(-1)![1]).toBe(5); // four instances and HAProxy
    expect(await prometheus.instant('up{job="nothing-like-this"}')).toEqual([]);
  });

  it('maps Prometheus failures to our error codes', async () => {
    const error = (p: Promise<unknown>) =>
      p.then(
        () => undefined,
        (e: MetricsError) => e.code,
      );
    expect(await error(new PrometheusSource(lab.prometheus!.url).instant('sum(rate(x[1m]'))).toBe('bad_query');
    expect(await error(new PrometheusSource('http://127.0.0.1:1').instant('up'))).toBe('unreachable');
    const silent = createServer(() => undefined).listen(0, '127.0.0.1');
    await new Promise((r) => silent.once('listening', r));
    const port = (silent.address() as { port: number }).port;
    expect(await error(new PrometheusSource(`http://127.0.0.1:${port}`, 300).instant('up'))).toBe('timeout');
    silent.closeAllConnections();
    silent.close();
  });
});

describe('haproxy provider', () => {
  const traffic = () => new HAProxyTraffic(lab.haproxy!.socketPath, join(lab.dir, 'zeroops', 'haproxy-state.json'));

  it('ensures weights: one command for a change, none for a repeat', async () => {
    const haproxy = traffic();
    expect(await haproxy.ensureWeight('checkout_stable', 'dc-b', 40)).toBe(true);
    expect(await haproxy.ensureWeight('checkout_stable', 'dc-b', 40)).toBe(false);
    expect(await haproxy.weight('checkout_stable', 'dc-b')).toBe(40);
    expect(haproxy.journal()).toEqual(['set weight checkout_stable/dc-b 40']);
  });

  it('drains and readies a server, and routes an audience through a map', async () => {
    const haproxy = traffic();
    await haproxy.ensureServerState('checkout_dc_a', 'checkout-a1', 'drain');
    expect(await haproxy.serverState('checkout_dc_a', 'checkout-a1')).toBe('drain');
    await haproxy.ensureServerState('checkout_dc_a', 'checkout-a1', 'ready');
    expect(await haproxy.serverState('checkout_dc_a', 'checkout-a1')).toBe('ready');
    await haproxy.ensureMapEntry(lab.haproxy!.canaryMapPath, 'beta', 'checkout_canary');
    const routed = await fetch(`${lab.haproxy!.url}/`, { headers: { 'x-user-tags': 'beta' } });
    expect(routed.headers.get('x-version')).toBe('v1.1.0');
    await haproxy.ensureMapEntry(lab.haproxy!.canaryMapPath, 'beta', null);
    expect(await haproxy.mapEntries(lab.haproxy!.canaryMapPath)).toEqual({});
  });

  it('puts back what it set after a reload loses the runtime state', async () => {
    const haproxy = traffic();
    await haproxy.ensureWeight('checkout_stable', 'dc-c', 10);
    await lab.haproxy!.command('set weight checkout_stable/dc-c 100'); // what a reload does
    expect(await haproxy.reapply()).toBe(1);
    expect(await haproxy.weight('checkout_stable', 'dc-c')).toBe(10);
    expect(await haproxy.reapply()).toBe(0);
  });

  const reload = (statePath: string) => {
    const state = JSON.parse(readFileSync(statePath, 'utf8'));
    writeFileSync(statePath, JSON.stringify({ ...state, pid: state.pid + 1 })); // as if made on the process before a reload
  };

  it("restores a running run's settings after a reload, and not once a person has changed them", async () => {
    const haproxy = traffic();
    const statePath = join(lab.dir, 'zeroops', 'haproxy-state.json');
    await haproxy.ensureWeight('checkout_stable', 'dc-a', 30, 'run-1');
    reload(statePath);
    await lab.haproxy!.command('set weight checkout_stable/dc-a 100'); // what the reload did
    expect(await haproxy.reapplyIfReloaded(async () => true)).toBe(1);
    expect(await haproxy.weight('checkout_stable', 'dc-a')).toBe(30);
    await lab.haproxy!.command('set weight checkout_stable/dc-a 80'); // a person, same HAProxy process
    expect(await haproxy.reapplyIfReloaded(async () => true)).toBe(0);
    reload(statePath);
    expect(await haproxy.reapplyIfReloaded(async () => true)).toBe(0);
    expect(await haproxy.weight('checkout_stable', 'dc-a')).toBe(80);
    await lab.haproxy!.command('set weight checkout_stable/dc-a 100');
  });

  it('does not restore a setting after the run that made it has finished', async () => {
    const haproxy = traffic();
    const statePath = join(lab.dir, 'zeroops', 'haproxy-state.json');
    await haproxy.ensureWeight('checkout_stable', 'dc-b', 20, 'run-done');
    reload(statePath);
    await lab.haproxy!.command('set weight checkout_stable/dc-b 100');
    expect(await haproxy.reapplyIfReloaded(async (owner) => owner !== 'run-done')).toBe(0);
    expect(await haproxy.weight('checkout_stable', 'dc-b')).toBe(100);
  });

  it('reports what HAProxy refuses, in its words', async () => {
    await expect(traffic().ensureWeight('checkout_stable', 'dc-a', 999)).rejects.toThrow(
      "haproxy refused 'set weight checkout_stable/dc-a 999': Absolute weight can only be between 0 and 256 inclusive.",
    );
    await expect(traffic().weight('checkout_stable', 'dc-z')).rejects.toThrow('no weight for checkout_stable/dc-z');
  });
});
