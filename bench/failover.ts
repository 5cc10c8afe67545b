/**
 * The datacenter watch on the lab, beside real traffic (100 req/s through HAProxy; every instance
 * answers in ~100 ms): dc-a turns to 800 ms at once, then in a second run flaps.
 *   - onset → detected (the first scrape judged dc-a degraded), goal ≤ 30 s;
 *   - decision → weights applied at HAProxy, goal ≤ 2 s;
 *   - onset → dc-a below 5 % of the responses at the load generator, goal ≤ 40 s;
 *   - weight changes of dc-a while it flaps (slow 30 s, then fast 20 s / slow 20 s three times,
 *     then fast), goal: one drain, one recovery.
 * `npm run bench -- failover`.
 */
import { join } from 'node:path';
import { startLab, type Lab } from '../lab/lab.js';
import { setFaults } from '../lab/components/sample-service.js';
import type { Counters } from '../lab/components/load-generator.js';
import { sleep } from '../lab/wait.js';
import { poolWeights, splitOf, watchOnLab } from '../lab/watch-on-lab.js';
import type { WatchRecord } from '../src/app/watch-datacenters.js';
import { defaultTiming } from '../src/failover/watch-machine.js';
import { HAProxyTraffic } from '../src/providers/haproxy/traffic.js';
import { table } from './stats.js';

const normalMs = 100;
const slowMs = 800;

export async function failoverBench(): Promise<void> {
  const lab = await startLab({ components: ['prometheus', 'load'], loadRate: 100 });
  try {
    await setLatency(lab, undefined, normalMs);
    await sleep(5000); // the series fill at the normal latency
    const onset = await onsetRun(lab);
    await setLatency(lab, 'dc-a', normalMs);
    await lab.haproxy!.command(`set server ${lab.haproxy!.stableBackend}/dc-a state ready`);
    await lab.haproxy!.command(`set weight ${lab.haproxy!.stableBackend}/dc-a 100`);
    await lab.haproxy!.command(`set weight ${lab.haproxy!.stableBackend}/dc-b 100`);
    await lab.haproxy!.command(`set weight ${lab.haproxy!.stableBackend}/dc-c 100`);
    const flapping = await flappingRun(lab);
    print(onset, flapping);
  } finally {
    await lab.stop();
  }
}

async function setLatency(lab: Lab, dc: string | undefined, latencyMs: number) {
  const instances = lab.instances.filter((i) => i.pool === 'datacenter' && (dc === undefined || i.dc === dc));
  await Promise.all(instances.map((i) => setFaults(i, { latencyMs })));
}

/** Production settings (a scrape every 5 s, degraded for 10 s before a drain). */
async function onsetRun(lab: Lab) {
  const records: WatchRecord[] = [];
  const { watch, settings } = watchOnLab(lab, { record: (r) => void records.push(r), overrides: { window: '10s' } });
  for (let i = 0; i < 4; i++) {
    await watch.tick(); // the baseline
    await sleep(settings.everyMs);
  }
  const split = splitWatcher(lab);
  const onset = Date.now();
  await setLatency(lab, 'dc-a', slowMs);
  let detected: number | undefined;
  let decided: { at: number; applyMs: number } | undefined;
  while (!decided && Date.now() - onset < 120_000) {
    const started = Date.now();
    const step = await watch.tick();
    if (detected === undefined && step.judgement.datacenters.includes('dc-a')) detected = Date.now();
    if (step.decisions.some((d) => d.kind === 'drain')) decided = { at: started, applyMs: step.applyMs };
    await sleep(Math.max(0, settings.everyMs - (Date.now() - started)));
  }
  const below = await split.firstBelow('dc-a', 0.05, onset, 60_000);
  split.stop();
  return {
    detectedS: detected === undefined ? NaN : (detected - onset) / 1000,
    decisionToWeightsMs: decided?.applyMs ?? NaN,
    decidedS: decided ? (decided.at - onset) / 1000 : NaN,
    belowS: below === undefined ? NaN : (below - onset) / 1000,
    evidence: records.find((r) => r.decision.kind === 'drain'),
  };
}

/** A compressed clock, so a flap of 20 s is shorter than the recovery dwell (30 s here). */
async function flappingRun(lab: Lab) {
  const timing = {
    ...defaultTiming,
    enterAfterMs: 4000,
    recoveryDwellMs: 30_000,
    minDrainedMs: 10_000,
    warmStepHoldMs: 5000,
  };
  const records: WatchRecord[] = [];
  const { watch } = watchOnLab(lab, { record: (r) => void records.push(r), overrides: { window: '5s', timing } });
  const journalFrom = (await commandsOf(lab)).length;
  const plan: [number, number][] = [
    [slowMs, 30],
    [normalMs, 20],
    [slowMs, 20],
    [normalMs, 20],
    [slowMs, 20],
    [normalMs, 20],
    [slowMs, 20],
  ];
  for (let i = 0; i < 5; i++) {
    await watch.tick();
    await sleep(2000);
  }
  for (const [latency, seconds] of plan) {
    await setLatency(lab, 'dc-a', latency);
    for (const until = Date.now() + seconds * 1000; Date.now() < until;) {
      await watch.tick();
      await sleep(2000);
    }
  }
  await setLatency(lab, 'dc-a', normalMs);
  const until = Date.now() + 150_000;
  while (!records.some((r) => r.decision.kind === 'restored') && Date.now() < until) {
    await watch.tick();
    await sleep(2000);
  }
  const dcA = (await commandsOf(lab)).slice(journalFrom).filter((c) => c.includes('/dc-a '));
  const weights = dcA.filter((c) => c.startsWith('set weight')).map((c) => Number(c.split(' ').at(-1)));
  return {
    weights,
    drains: weights.filter((w) => w === 0).length,
    recoveries: weights.filter((w) => w === 100).length,
    restored: records.some((r) => r.decision.kind === 'restored'),
    final: await poolWeights(lab, ['dc-a', 'dc-b', 'dc-c']),
  };
}

/** The commands the watch sent to HAProxy, from its journal. */
async function commandsOf(lab: Lab): Promise<string[]> {
  const state = join(lab.dir, `${lab.haproxy!.stableBackend}-watch.json`);
  return new HAProxyTraffic(lab.haproxy!.socketPath, state).journal();
}

/** The load generator's split over the last second, sampled every 250 ms. */
function splitWatcher(lab: Lab) {
  const samples: { at: number; counters: Counters }[] = [];
  const timer = setInterval(() => samples.push({ at: Date.now(), counters: lab.load!.mark() }), 250);
  return {
    async firstBelow(dc: string, share: number, after: number, withinMs: number): Promise<number | undefined> {
      const deadline = Date.now() + withinMs;
      for (;;) {
        for (let i = 4; i < samples.length; i++) {
          if (samples[i]!.at <= after + 1000) continue;
          const inWindow = diffCounters(samples[i]!.counters, samples[i - 4]!.counters);
          if (inWindow.total > 0 && (splitOf(inWindow)[dc] ?? 0) < share) return samples[i]!.at;
        }
        if (Date.now() > deadline) return undefined;
        await sleep(500);
      }
    },
    stop: () => clearInterval(timer),
  };
}

function diffCounters(now: Counters, then: Counters): Counters {
  const byDc = Object.fromEntries(Object.entries(now.byDc).map(([dc, n]) => [dc, n - (then.byDc[dc] ?? 0)]));
  return { ...now, total: now.total - then.total, byDc };
}

function print(onset: Awaited<ReturnType<typeof onsetRun>>, flapping: Awaited<ReturnType<typeof flappingRun>>) {
  const s = (v: number) => (Number.isFinite(v) ? `${v.toFixed(1)} s` : 'never');
  console.log('\n## Datacenter watch (dc-a from ~100 ms to 800 ms at once; 100 req/s through HAProxy)\n');
  console.log(
    table([
      ['', 'measured', 'goal'],
      ['onset → detected', s(onset.detectedS), '≤ 30 s'],
      ['onset → drain decided', s(onset.decidedS), '—'],
      ['decision → weights applied at HAProxy', `${onset.decisionToWeightsMs.toFixed(1)} ms`, '≤ 2 s'],
      ['onset → dc-a below 5 % at the load generator', s(onset.belowS), '≤ 40 s'],
      [
        'flapping dc-a: weight changes',
        `${flapping.weights.join(' → ') || 'none'} (drains ${flapping.drains}, back to 100: ${flapping.recoveries})`,
        'one drain, one recovery',
      ],
    ]),
  );
  console.log(
    `\nScrapes every 5 s over a 10 s window, degraded for 10 s before the drain (the defaults). The flapping run ` +
      `used a compressed clock (recovery dwell 30 s, steps of 5 s); restored: ${flapping.restored ? 'yes' : 'no'}, ` +
      `final weights ${JSON.stringify(flapping.final)}.`,
  );
}
