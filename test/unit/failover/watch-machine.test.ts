/** The datacenter watch, scrape by scrape on virtual time: drain, probe, warm up, and not flap. */
import { seededRandom } from '../../../lab/components/load-generator.js';
import { weightsFor, type CapacityFacts } from '../../../src/failover/capacity.js';
import { defaultThresholds, type DatacenterSample, type Tick } from '../../../src/failover/signals.js';
import {
  defaultTiming,
  initialWatchState,
  watchStep,
  type Decision,
  type WatchState,
} from '../../../src/failover/watch-machine.js';
import type { Autonomy } from '../../../src/policy/autonomy.js';

const dcs = ['dc-a', 'dc-b', 'dc-c'];
const scrapeMs = 5000;
const roomy: CapacityFacts = { capacityRps: {}, headroom: 1, maxUtilisation: 0.8 };

interface Shape {
  /** p99 of each datacenter (ms) at second t; 100 ms when unsaid. */
  p99?: (dc: string, t: number) => number | undefined;
  errors?: (dc: string, t: number) => number | undefined;
  instanceP99?: (dc: string, instance: string, t: number) => number | undefined;
}

function sampleAt(shape: Shape, t: number, random: () => number): DatacenterSample[] {
  return dcs.map((dc) => {
    const noise = () => 1 + (random() - 0.5) * 0.1;
    const instances = ['1', '2', '3'].map((i) => ({
      name: `${dc}-${i}`,
      p99Ms: (shape.instanceP99?.(dc, `${dc}-${i}`, t) ?? shape.p99?.(dc, t) ?? 100) * noise(),
      errorRatio: 0.001,
    }));
    return {
      dc,
      p99Ms: Math.max(...instances.map((i) => i.p99Ms)),
      errorRatio: shape.errors?.(dc, t) ?? 0.001,
      timeoutRatio: 0,
      rps: 100,
      instances,
    };
  });
}

/** Runs the watch over `seconds` of virtual time; returns every decision with its second. */
function simulate(
  shape: Shape,
  seconds: number,
  options: {
    autonomy?: Autonomy;
    capacity?: CapacityFacts;
    confirmAt?: number;
    state?: WatchState;
    timing?: Partial<typeof defaultTiming>;
  } = {},
) {
  const random = seededRandom(7);
  let state = options.state ?? initialWatchState();
  const decisions: (Decision & { t: number })[] = [];
  const shares: { t: number; keep: number }[] = [];
  for (let t = 0; t <= seconds; t += scrapeMs / 1000) {
    const tick: Tick = { at: t * 1000, samples: sampleAt(shape, t, random), queries: {} };
    const step = watchStep(state, {
      tick,
      autonomy: options.autonomy ?? 'auto',
      confirmed: options.confirmAt !== undefined && t >= options.confirmAt ? ['dc-a'] : [],
      capacity: options.capacity ?? roomy,
      thresholds: defaultThresholds,
      timing: { ...defaultTiming, ...options.timing },
    });
    state = step.state;
    decisions.push(...step.decisions.map((d) => ({ ...d, t })));
    shares.push({ t, keep: step.keep['dc-a'] ?? 1 });
  }
  return { decisions, shares, state, flips: countFlips(shares.map((s) => s.keep)) };
}

/** A drain, the four warm-up steps, and back at the original weight. */
const fullRecovery = ['drain dc-a', 'warm dc-a', 'warm dc-a', 'warm dc-a', 'warm dc-a', 'restored dc-a'];
const countFlips = (keeps: number[]) => keeps.filter((k, i) => i > 0 && k !== keeps[i - 1]).length;
const kinds = (decisions: Decision[]) => decisions.map((d) => `${d.kind}${'dc' in d ? ` ${d.dc}` : ''}`);

/** dc-a climbs from 100 to 800 ms over three minutes from t=120, stays there, recovers at `healAt`. */
const slowDcA =
  (healAt = Infinity): Shape['p99'] =>
  (dc, t) => {
    if (dc !== 'dc-a' || t < 120 || t >= healAt) return undefined;
    return 100 + Math.min(1, (t - 120) / 180) * 700;
  };

describe('a datacenter that turns slow', () => {
  it('is drained once it stays degraded, with the evidence of its own past and its peers', () => {
    const { decisions } = simulate({ p99: slowDcA() }, 600);
    const drain = decisions.find((d) => d.kind === 'drain');
    expect(drain).toMatchObject({ dc: 'dc-a', keep: 0 });
    // 2 × 100 ms is crossed ~26 s after the onset; entering needs 10 s of degradation more.
    expect(drain!.t).toBeGreaterThan(120);
    expect(drain!.t).toBeLessThanOrEqual(120 + 26 + 10 + 2 * 5);
    const evidence = (drain as Extract<Decision, { kind: 'drain' }>).evidence;
    expect(evidence.map((e) => e.against).sort()).toEqual(['own baseline', 'peers now']);
    expect(evidence[0]).toMatchObject({ metric: 'p99', reference: expect.closeTo(100, -1) });
    expect(kinds(decisions)).toEqual(['drain dc-a']);
  });

  it('is warmed back 5 → 25 → 50 → 100 % after holding healthy, and the flips are one drain, one recovery', () => {
    const { decisions, flips } = simulate({ p99: slowDcA(400) }, 900);
    expect(kinds(decisions)).toEqual(fullRecovery);
    const warm = decisions.filter((d): d is Extract<Decision, { kind: 'warm' }> & { t: number } => d.kind === 'warm');
    expect(warm.map((w) => w.keep)).toEqual([0.05, 0.25, 0.5, 1]);
    expect(warm[0]!.t - 400).toBeGreaterThanOrEqual(defaultTiming.recoveryDwellMs / 1000);
    expect(flips).toBe(5); // down to 0, then the four warm-up steps
  });

  it('that recovers for 20 s and relapses, over and over, stays drained: no oscillation', () => {
    const flapping: Shape['p99'] = (dc, t) =>
      dc === 'dc-a' && t >= 120 && !(t >= 200 && (t - 200) % 40 < 20) ? 800 : undefined;
    const { decisions, flips } = simulate({ p99: flapping }, 900);
    expect(kinds(decisions)).toEqual(['drain dc-a']);
    expect(flips).toBe(1);
  });

  it('that relapses during the warm-up is drained again, and waits twice as long the next time', () => {
    const relapsing: Shape['p99'] = (dc, t) =>
      dc === 'dc-a' && ((t >= 120 && t < 300) || (t >= 375 && t < 400)) ? 800 : undefined;
    const { decisions } = simulate({ p99: relapsing }, 1200);
    expect(kinds(decisions).slice(0, 3)).toEqual(['drain dc-a', 'warm dc-a', 'relapse dc-a']);
    const relapse = decisions.find((d) => d.kind === 'relapse') as Extract<Decision, { kind: 'relapse' }> & {
      t: number;
    };
    expect(relapse.nextDwellMs).toBe(2 * defaultTiming.recoveryDwellMs);
    const nextWarm = decisions.find((d) => d.kind === 'warm' && d.t > relapse.t)!;
    expect(nextWarm.t - 400).toBeGreaterThanOrEqual(120);
    expect(kinds(decisions).at(-1)).toBe('restored dc-a');
  });

  it('is drained only partly when the others cannot carry its traffic, and says what they can take', () => {
    const tight: CapacityFacts = { capacityRps: { 'dc-b': 150, 'dc-c': 150 }, headroom: 1, maxUtilisation: 0.8 };
    const { decisions, shares } = simulate({ p99: slowDcA() }, 400, { capacity: tight });
    const drain = decisions.find((d) => d.kind === 'drain') as Extract<Decision, { kind: 'drain' }>;
    // Each peer runs 100 of 150 req/s: 20 more each at 80 %, so 40 of dc-a's 100 move.
    expect(drain.keep).toBeCloseTo(0.6, 2);
    expect(drain.plan.basis).toEqual([
      'dc-b: 100 req/s of 150 (inventory), room for 20 at 80 %',
      'dc-c: 100 req/s of 150 (inventory), room for 20 at 80 %',
    ]);
    expect(shares.at(-1)!.keep).toBeCloseTo(0.6, 2);
  });

  it('has its override decided again when it expires: renewed while still slow, never while healthy', () => {
    const { decisions } = simulate({ p99: slowDcA() }, 1500, { timing: { overrideTtlMs: 600_000 } });
    expect(kinds(decisions)).toEqual(['drain dc-a', 'renew dc-a', 'renew dc-a']);
    const [drain, first, second] = decisions as (Decision & { t: number; expiresAt: number })[];
    expect(first!.t * 1000).toBeGreaterThanOrEqual(drain!.expiresAt);
    expect(second!.expiresAt - first!.expiresAt).toBe(600_000);
    const healed = simulate({ p99: slowDcA(400) }, 1500, { timing: { overrideTtlMs: 600_000 } });
    expect(kinds(healed.decisions)).not.toContain('renew dc-a');
  });

  it('slow since the watch began (no baseline of its own): drained, and not warmed while still slow', () => {
    const slowFromStart: Shape['p99'] = (dc, t) => (dc === 'dc-a' && t < 600 ? 800 : undefined);
    const stillSlow = simulate({ p99: slowFromStart }, 550);
    expect(kinds(stillSlow.decisions)).toEqual(['drain dc-a']);
    const healed = simulate({ p99: slowFromStart }, 1000);
    expect(kinds(healed.decisions)).toEqual(fullRecovery);
  });

  it('moves nothing when the others have no room at all, and says so once', () => {
    const full: CapacityFacts = { capacityRps: { 'dc-b': 100, 'dc-c': 100 }, headroom: 1, maxUtilisation: 0.8 };
    const { decisions, flips } = simulate({ p99: slowDcA() }, 600, { capacity: full });
    expect(kinds(decisions)).toEqual(['cannot-drain dc-a']);
    expect(flips).toBe(0);
  });

  it('under observe, records and asks nobody; a confirmation does not move it either', () => {
    const { decisions } = simulate({ p99: slowDcA() }, 500, { autonomy: 'observe', confirmAt: 400 });
    expect(kinds(decisions)).toEqual(['ask dc-a']);
    expect(decisions[0]).toMatchObject({ autonomy: 'observe' });
  });

  it('waits for a person under confirm autonomy: asks once, drains on /zeroops failover', () => {
    const { decisions } = simulate({ p99: slowDcA() }, 500, { autonomy: 'confirm', confirmAt: 400 });
    expect(kinds(decisions)).toEqual(['ask dc-a', 'drain dc-a']);
    expect(decisions[1]!.t).toBe(400);
  });
});

describe('what is not a datacenter failover', () => {
  it('latency up in every datacenter: one incident, no drain', () => {
    const { decisions, flips } = simulate({ p99: (_dc, t) => (t >= 120 ? 800 : undefined) }, 400);
    expect(kinds(decisions)).toEqual(['everywhere']);
    expect(flips).toBe(0);
  });

  it('one slow instance: that instance ejected, its datacenter kept', () => {
    const { decisions, flips } = simulate(
      { instanceP99: (_dc, instance, t) => (instance === 'dc-a-2' && t >= 120 ? 800 : undefined) },
      400,
    );
    expect(decisions.map((d) => d.kind)).toEqual(['eject']);
    expect(decisions[0]).toMatchObject({ dc: 'dc-a', instance: 'dc-a-2', applied: true });
    expect(flips).toBe(0);
    const asked = simulate(
      { instanceP99: (_dc, instance, t) => (instance === 'dc-a-2' && t >= 120 ? 800 : undefined) },
      400,
      { autonomy: 'confirm' },
    );
    expect(asked.decisions[0]).toMatchObject({ kind: 'eject', applied: false });
  });

  it('a datacenter whose instances slow one after the other: drained, no instance ejected on the way', () => {
    const staggered: Shape['instanceP99'] = (dc, instance, t) =>
      dc === 'dc-a' && t >= 120 + 5 * (Number(instance.at(-1)) - 1) ? 800 : undefined;
    const { decisions } = simulate({ instanceP99: staggered }, 300);
    expect(kinds(decisions)).toEqual(['drain dc-a']);
  });

  it('a datacenter that rises to where its peers always run is not drained', () => {
    const levels: Shape['p99'] = (dc, t) => (dc === 'dc-a' ? (t >= 120 ? 200 : 50) : 200);
    const { decisions } = simulate({ p99: levels }, 400);
    expect(decisions).toEqual([]);
  });

  it('a slow spell never becomes the baseline: the degraded samples are not learned', () => {
    const { state } = simulate({ p99: slowDcA() }, 600);
    expect(Math.max(...state.history['dc-a']!.map((c) => c.p99Ms))).toBeLessThan(250);
  });
});

describe('weights for the shares', () => {
  it('gives a drained datacenter 0 and spreads its share over the others by their weights', () => {
    expect(weightsFor({ 'dc-a': 100, 'dc-b': 100, 'dc-c': 100 }, { 'dc-a': 0 })).toEqual({
      'dc-a': 0,
      'dc-b': 150,
      'dc-c': 150,
    });
    expect(weightsFor({ 'dc-a': 100, 'dc-b': 50 }, { 'dc-a': 0.5 })).toEqual({ 'dc-a': 50, 'dc-b': 100 });
  });

  it('keeps a small share at weight ≥ 1 and stays within HAProxy’s 256', () => {
    const w = weightsFor({ 'dc-a': 200, 'dc-b': 200 }, { 'dc-a': 0.001 });
    expect(w['dc-a']).toBe(1);
    expect(w['dc-b']).toBeLessThanOrEqual(256);
    expect(weightsFor({ 'dc-a': 100, 'dc-b': 100 }, {})).toEqual({ 'dc-a': 100, 'dc-b': 100 });
  });
});
