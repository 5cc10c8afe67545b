/**
 * The datacenter watch on the lab, on a compressed clock: dc-a's instances slow from their normal
 * few ms to 800 ms over 15 s while the load generator sends real traffic through HAProxy; the watch
 * drains dc-a (traffic there near 0 at the load generator), keeps probing it, and once it is fast
 * again warms it back 5 → 25 → 50 → 100 % to its original weight. And what is not a full drain: the
 * others short of capacity (a partial drain), every datacenter slow (no failover), one slow instance
 * (that instance ejected), a datacenter that flaps (drained once, no oscillation).
 */
import { jest } from '@jest/globals';
import { startLab, type Lab } from '../../lab/lab.js';
import { setFaults } from '../../lab/components/sample-service.js';
import type { DatacenterWatch, WatchRecord } from '../../src/app/watch-datacenters.js';
import { poolWeights, splitOf, templateService, watchOnLab } from '../../lab/watch-on-lab.js';
import { probeDatacenter } from '../../src/providers/haproxy/datacenter-probe.js';
import { sleep } from '../../lab/wait.js';

jest.setTimeout(240_000);

const service = templateService();
const normal = Object.fromEntries(service.spec.datacenters.map((d) => [d.name, d.weight ?? 100]));
const timing = {
  enterAfterMs: 2000,
  recoveryDwellMs: 6000,
  maxRecoveryDwellMs: 60_000,
  minDrainedMs: 4000,
  warmStepHoldMs: 2000,
  warmSteps: [0.05, 0.25, 0.5, 1],
  overrideTtlMs: 600_000,
};

let lab: Lab;
beforeAll(async () => {
  lab = await startLab({ components: ['prometheus', 'load'], loadRate: 100 });
});
afterAll(() => lab?.stop());

/** Scrapes once a second (a slow scrape takes its second) for `seconds`, or until `done` says so. */
async function tickUntil(watch: DatacenterWatch, done: () => boolean, seconds: number, during?: () => Promise<void>) {
  for (const end = Date.now() + seconds * 1000; Date.now() < end && !done();) {
    const started = Date.now();
    await watch.tick();
    await during?.();
    await sleep(Math.max(0, 1000 - (Date.now() - started)));
  }
}

const weights = () => poolWeights(lab, Object.keys(normal));
const datacenterInstances = (dc?: string) =>
  lab.instances.filter((i) => i.pool === 'datacenter' && (dc === undefined || i.dc === dc));
const slow = (dc: string | undefined, latencyMs: number) =>
  Promise.all(datacenterInstances(dc).map((i) => setFaults(i, latencyMs ? { latencyMs } : {})));

/** A new watch on a lab back to normal (no faults, original weights), after a few calm scrapes. */
async function freshWatch(overrides: Parameters<typeof watchOnLab>[1]['overrides'] = {}) {
  await slow(undefined, 0);
  const pool = lab.haproxy!.stableBackend;
  for (const [dc, weight] of Object.entries(normal)) {
    await lab.haproxy!.command(`set server ${pool}/${dc} state ready`);
    await lab.haproxy!.command(`set weight ${pool}/${dc} ${weight}`);
  }
  await sleep(3000); // the 3 s windows forget the scenario before
  const records: WatchRecord[] = [];
  const { watch } = watchOnLab(lab, {
    record: (r) => void records.push(r),
    overrides: { window: '3s', timing, ...overrides },
  });
  await tickUntil(watch, () => false, 5);
  const kinds = () => records.map((r) => r.decision.kind);
  return { watch, records, kinds };
}

describe('a datacenter that turns slow, on the lab', () => {
  it('is drained, probed while out, warmed back up and restored to its original weight', async () => {
    const records: WatchRecord[] = [];
    const { watch } = watchOnLab(lab, {
      record: (entry) => void records.push(entry),
      overrides: { window: '3s', timing },
    });
    const dcA = lab.instances.filter((i) => i.dc === 'dc-a' && i.pool === 'datacenter');
    const kinds = () => records.map((r) => r.decision.kind);

    await tickUntil(watch, () => false, 6); // a baseline of calm scrapes
    expect(kinds()).toEqual([]);

    const onset = Date.now();
    let slowdown = 0;
    const slowDown = async () => {
      const latencyMs = Math.min(800, 100 + Math.round(((Date.now() - onset) / 15_000) * 700));
      if (latencyMs === slowdown) return;
      slowdown = latencyMs;
      await Promise.all(dcA.map((i) => setFaults(i, { latencyMs })));
    };
    await slowDown();
    await tickUntil(watch, () => kinds().includes('drain'), 60, slowDown);
    const drain = records.find((r) => r.decision.kind === 'drain')!;
    expect(drain.decision).toMatchObject({ dc: 'dc-a', keep: 0 });
    expect(drain.changes.map((c) => c.command)).toEqual(
      expect.arrayContaining([`set weight ${lab.haproxy!.stableBackend}/dc-a 0`]),
    );
    expect(await weights()).toEqual({ 'dc-a': 0, 'dc-b': 150, 'dc-c': 150 });

    // The load generator's view: dc-a gets next to nothing, and every request still succeeds.
    await sleep(1000); // requests already in flight to dc-a finish
    const after = await lab.load!.next(200);
    expect(splitOf(after)['dc-a'] ?? 0).toBeLessThan(0.05);

    // Probes go on: dc-a's instances keep being measured while it serves no users.
    const probes = await probeDatacenter(lab.haproxy!.socketPath, 'checkout_dc_a', { perServer: 2 });
    expect(probes).toHaveLength(2 * dcA.length);
    expect(Math.min(...probes.map((p) => p.ms))).toBeGreaterThanOrEqual(slowdown * 0.9); // its latency now

    await Promise.all(dcA.map((i) => setFaults(i, {})));
    await tickUntil(watch, () => kinds().includes('restored'), 90);
    // Drained once, then warmed up step by step to restored: how many steps depends on what the drain
    // kept (a partial drain when the others looked busy skips the 5% step), never a second drain.
    const [first, ...rest] = kinds();
    expect(first).toBe('drain');
    expect(rest.at(-1)).toBe('restored');
    expect(rest.slice(0, -1).length).toBeGreaterThanOrEqual(2);
    expect(new Set(rest.slice(0, -1))).toEqual(new Set(['warm']));
    const shares = records.filter((r) => r.decision.kind === 'warm').map((r) => (r.decision as { keep: number }).keep);
    expect(shares).toEqual([0.05, 0.25, 0.5, 1]);
    expect(await weights()).toEqual(normal);
    const state = await lab.haproxy!.command(`show servers state ${lab.haproxy!.stableBackend}`);
    const dcAState = state
      .split('\n')
      .find((l) => l.split(' ')[3] === 'dc-a')!
      .split(' ');
    expect(Number(dcAState[6]) & 0x08).toBe(0); // out of drain
  });

  it('is drained only partly when the others are short of capacity, and says what they can take', async () => {
    // Each datacenter serves ~33 req/s; the inventory gives dc-b and dc-c 50: room for 7 each at 80 %.
    const capacity = { capacityRps: { 'dc-b': 50, 'dc-c': 50 }, headroom: 1, maxUtilisation: 0.8 };
    const { watch, records, kinds } = await freshWatch({ capacity });
    await slow('dc-a', 800);
    await tickUntil(watch, () => kinds().includes('drain'), 30);
    const drain = records.find((r) => r.decision.kind === 'drain')!.decision as {
      keep: number;
      plan: { basis: string[] };
    };
    expect(drain.keep).toBeGreaterThan(0.3);
    expect(drain.keep).toBeLessThan(0.9);
    expect(drain.plan.basis.join('\n')).toMatch(/dc-b: \d+ req\/s of 50 \(inventory\), room for \d+ at 80 %/);
    const now = await weights();
    expect(now['dc-a']).toBeGreaterThan(0);
    expect(now['dc-a']).toBeLessThan(now['dc-b']!);
    const seen = splitOf(await lab.load!.next(200))['dc-a'] ?? 0;
    expect(seen).toBeGreaterThan(0.05); // still serving part of its users
    expect(seen).toBeLessThan(0.33);
  });

  it('every datacenter slow: an incident, no traffic moved', async () => {
    const { watch, kinds } = await freshWatch();
    await slow(undefined, 800);
    await tickUntil(watch, () => kinds().includes('everywhere'), 20);
    await tickUntil(watch, () => false, 3);
    expect(kinds()).toEqual(['everywhere']);
    expect(await weights()).toEqual(normal);
  });

  it('one slow instance: that instance ejected (drain) in its backend, its datacenter kept', async () => {
    const { watch, kinds, records } = await freshWatch();
    const [b1] = datacenterInstances('dc-b');
    await setFaults(b1!, { latencyMs: 800 });
    await tickUntil(watch, () => kinds().includes('eject'), 20);
    await tickUntil(watch, () => false, 3);
    expect(kinds()).toEqual(['eject']);
    expect(records[0]!.decision).toMatchObject({ dc: 'dc-b', instance: b1!.name });
    const state = await lab.haproxy!.command('show servers state checkout_dc_b');
    const row = state
      .split('\n')
      .find((l) => l.split(' ')[3] === b1!.name)!
      .split(' ');
    expect(Number(row[6]) & 0x08).toBe(0x08); // drain
    expect(await weights()).toEqual(normal);
    await lab.haproxy!.command(`set server checkout_dc_b/${b1!.name} state ready`);
  });

  it('that flaps (fast for less than the recovery dwell, again and again): drained once, no oscillation', async () => {
    const { watch, kinds } = await freshWatch();
    // Fast spells of 4 s: healthy for a moment once the 3 s window has passed, never for the 6 s dwell.
    for (const [latencyMs, seconds] of [
      [800, 5],
      [0, 4],
      [800, 3],
      [0, 4],
      [800, 3],
    ] as const) {
      await slow('dc-a', latencyMs);
      await tickUntil(watch, () => false, seconds);
    }
    expect(kinds()).toEqual(['drain']);
    await slow('dc-a', 0);
    await tickUntil(watch, () => kinds().includes('restored'), 60);
    // Drained once, then warmed up step by step to restored: how many steps depends on what the drain
    // kept (a partial drain when the others looked busy skips the 5% step), never a second drain.
    const [first, ...rest] = kinds();
    expect(first).toBe('drain');
    expect(rest.at(-1)).toBe('restored');
    expect(rest.slice(0, -1).length).toBeGreaterThanOrEqual(2);
    expect(new Set(rest.slice(0, -1))).toEqual(new Set(['warm']));
    expect(await weights()).toEqual(normal);
  });
});
