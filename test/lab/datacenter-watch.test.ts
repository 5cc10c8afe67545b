/**
 * The datacenter watch on the lab, on a compressed clock: dc-a's instances slow from their normal
 * few ms to 800 ms over 15 s while the load generator sends real traffic through HAProxy; the watch
 * drains dc-a (traffic there near 0 at the load generator), keeps probing it, and once it is fast
 * again warms it back 5 → 25 → 50 → 100 % to its original weight.
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
  enterAfterMs: 3000,
  recoveryDwellMs: 8000,
  maxRecoveryDwellMs: 60_000,
  minDrainedMs: 5000,
  warmStepHoldMs: 3000,
  warmSteps: [0.05, 0.25, 0.5, 1],
  overrideTtlMs: 600_000,
};

let lab: Lab;
beforeAll(async () => {
  lab = await startLab({ components: ['prometheus', 'load'], loadRate: 100 });
});
afterAll(() => lab?.stop());

/** Ticks once a second until `done` says so (or the time runs out). */
async function tickUntil(watch: DatacenterWatch, done: () => boolean, seconds: number, during?: () => Promise<void>) {
  for (let i = 0; i < seconds && !done(); i++) {
    await watch.tick();
    await during?.();
    await sleep(1000);
  }
}

const weights = () => poolWeights(lab, Object.keys(normal));

describe('a datacenter that turns slow, on the lab', () => {
  it('is drained, probed while out, warmed back up and restored to its original weight', async () => {
    const records: WatchRecord[] = [];
    const { watch } = watchOnLab(lab, {
      record: (entry) => void records.push(entry),
      overrides: { window: '5s', timing },
    });
    const dcA = lab.instances.filter((i) => i.dc === 'dc-a' && i.pool === 'datacenter');
    const kinds = () => records.map((r) => r.decision.kind);

    await tickUntil(watch, () => false, 8); // a baseline of calm scrapes
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
    expect(kinds()).toEqual(['drain', 'warm', 'warm', 'warm', 'warm', 'restored']);
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
});
