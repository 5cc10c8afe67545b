/**
 * The datacenter watch's incidents, through the Forge port: one issue per episode, rewritten as
 * decisions follow, resolved at the original weight. The watch runs for real on scripted scrapes.
 */
import { FailoverIncidents } from '../../../src/app/failover-incidents.js';
import { DatacenterWatch } from '../../../src/app/watch-datacenters.js';
import { weightsFor } from '../../../src/failover/capacity.js';
import { defaultThresholds, type DatacenterSample } from '../../../src/failover/signals.js';
import { defaultTiming } from '../../../src/failover/watch-machine.js';
import type { Autonomy } from '../../../src/policy/autonomy.js';
import { FakeForge } from '../../support/fake-forge.js';

const repo = { owner: 'acme', repo: 'ops' };
const dcs = ['dc-a', 'dc-b', 'dc-c'];

/** p99 per datacenter at second t (100 ms unless said). */
type Shape = (dc: string, t: number) => number | undefined;

async function run(
  shape: Shape,
  seconds: number,
  options: { capacity?: Record<string, number>; autonomy?: Autonomy } = {},
) {
  const forge = new FakeForge();
  const incidents = new FailoverIncidents(forge, repo, 'checkout', { owners: ['carol'], headSha: 'main-head' });
  let t = 0;
  const sample = (dc: string): DatacenterSample => {
    const p99Ms = (shape(dc, t) ?? 100) * (1 + ((t * 7 + dc.length) % 5) / 100);
    return { dc, p99Ms, errorRatio: 0.001, timeoutRatio: 0, rps: 100, instances: [] };
  };
  const normal = { 'dc-a': 100, 'dc-b': 100, 'dc-c': 100 };
  const watch = new DatacenterWatch({
    read: async () => ({ at: t * 1000, samples: dcs.map(sample), queries: { latency: 'histogram_quantile(0.99, …)' } }),
    apply: async (keep) =>
      Object.entries(weightsFor(normal, keep)).map(([dc, weight]) => ({
        dc,
        weight,
        command: `set weight checkout_stable/${dc} ${weight}`,
      })),
    eject: async () => undefined,
    probe: async () => undefined,
    record: () => undefined,
    confirmed: () => [],
    autonomy: options.autonomy ?? 'auto',
    capacity: { capacityRps: options.capacity ?? {}, headroom: 1, maxUtilisation: 0.8 },
    thresholds: defaultThresholds,
    timing: defaultTiming,
  });
  for (; t <= seconds; t += 5) await incidents.update(await watch.tick());
  return { forge, incidents };
}

describe('the datacenter watch’s incidents', () => {
  it('opens one issue at the drain, follows the warm-up in place, and resolves it at the original weight', async () => {
    const { forge, incidents } = await run((dc, t) => (dc === 'dc-a' && t >= 60 && t < 200 ? 800 : undefined), 500);
    expect(forge.issues).toHaveLength(1);
    const [issue] = forge.issues;
    expect(issue!.title).toBe('[resolved] checkout: dc-a degraded, serving again');
    expect(issue!.labels).toEqual(['zeroops', 'incident', 'service:checkout', 'class:datacenter-degraded', 'resolved']);
    expect(issue!.body).toContain('| dc-a | p99 | 8');
    expect(issue!.body).toContain('| own baseline |');
    expect(issue!.body).toContain('Capacity check: the others can carry all of its load.');
    expect(issue!.body).toContain('xychart-beta');
    const timeline = issue!.body.split('### Timeline')[1]!;
    expect(timeline.match(/warm-up step/g)).toHaveLength(4);
    expect(timeline).toContain('`set weight checkout_stable/dc-a 0`');
    expect(timeline).toContain('dc-a restored to its original weight');
    expect(forge.comments.map((c) => c.body)).toEqual([
      '@carol: checkout: dc-a degraded, at 0 % of its traffic. This issue follows it as it goes.',
      'Resolved: [resolved] checkout: dc-a degraded, serving again.',
    ]);
    expect(incidents.openIssues()).toEqual({});
    // The same story as a check run on the default branch's approved commit.
    const [check] = forge.checks;
    expect(check).toMatchObject({ name: 'ZeroOps datacenter watch: checkout', headSha: 'main-head' });
    expect(check!.updates[0]).toMatchObject({
      status: 'in_progress',
      title: 'checkout: dc-a degraded, at 0 % of its traffic',
    });
    expect(check!.updates[0]!.summary).toMatch(
      /The weight override expires at .*\n\nThe incident, with its timeline: #100\./,
    );
    expect(check!.updates.at(-1)).toMatchObject({ status: 'completed', conclusion: 'success' });
  });

  it('says a partial drain and what the others can take, and when the override expires', async () => {
    const tight = { 'dc-b': 150, 'dc-c': 150 };
    const { forge, incidents } = await run((dc, t) => (dc === 'dc-a' && t >= 60 ? 800 : undefined), 200, {
      capacity: tight,
    });
    const [issue] = forge.issues;
    expect(issue!.title).toBe('checkout: dc-a degraded, at 60 % of its traffic');
    expect(issue!.body).toContain('the others can carry only part of its load, so dc-a keeps 60 %');
    expect(issue!.body).toContain('- dc-b: 100 req/s of 150 (inventory), room for 20 at 80 %');
    expect(issue!.body).toMatch(/The weight override expires at 1970-01-01T01:01:\d\dZ: the watch then decides again/);
    expect(incidents.openIssues()).toEqual({ 'dc-a': issue!.number });
  });

  it('files "every datacenter" as an incident without moving traffic, resolved when it passes', async () => {
    const { forge } = await run((_dc, t) => (t >= 60 && t < 120 ? 800 : undefined), 200);
    expect(forge.issues).toHaveLength(1);
    expect(forge.issues[0]!.title).toBe('[resolved] checkout: latency up in every datacenter (no failover)');
    expect(forge.issues[0]!.body).toContain('No traffic was moved.');
    expect(forge.issues[0]!.body).not.toContain('set weight');
  });

  it('asks under confirm autonomy, naming the command', async () => {
    const { forge } = await run((dc, t) => (dc === 'dc-a' && t >= 60 ? 800 : undefined), 150, { autonomy: 'confirm' });
    expect(forge.issues[0]!.body).toContain('comment `/zeroops failover dc-a` to drain it');
  });
});
