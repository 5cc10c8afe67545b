/**
 * Chapter: dc-a turns slow; the datacenter watch drains it under the autonomy policy, keeps probing
 * it, and warms it back 5 → 25 → 50 → 100 % once it is fast again. On a compressed clock (a scrape
 * a second, a recovery dwell of 8 s, steps of 3 s); the live split is the load generator's.
 */
import { setFaults } from '../components/sample-service.js';
import { sleep } from '../wait.js';
import { watchOnLab } from '../watch-on-lab.js';
import { printSplit } from './chapter-traffic.js';
import type { WatchRecord } from '../../src/app/watch-datacenters.js';
import type { Decision } from '../../src/failover/watch-machine.js';
import { defaultTiming } from '../../src/failover/watch-machine.js';
import type { Chapter } from './chapter.js';
import { withProgress } from './progress.js';

const timing = {
  ...defaultTiming,
  enterAfterMs: 3000,
  recoveryDwellMs: 8000,
  minDrainedMs: 5000,
  warmStepHoldMs: 3000,
};

export const failoverChapter: Chapter = {
  name: 'failover',
  needs: ['start'],
  title: 'A datacenter that turns slow: drained by itself, probed, warmed back up',
  async run(context) {
    const lab = context.lab!;
    const records: WatchRecord[] = [];
    const { watch } = watchOnLab(lab, {
      record: (r) => void records.push(r),
      overrides: { window: '5s', timing, everyMs: 1000 },
    });
    const curve: number[] = [];
    const tick = async () => {
      const step = await watch.tick();
      curve.push(step.tick.samples.find((s) => s.dc === 'dc-a')?.p99Ms ?? NaN);
      await sleep(1000);
      return step;
    };
    const dcA = lab.instances.filter((i) => i.pool === 'datacenter' && i.dc === 'dc-a');

    console.log('The split before, as the load generator sees it over 2 s:');
    await printSplit(lab.load!, 2);
    await withProgress('the watch learns each datacenter’s normal latency', async (note) => {
      for (let i = 0; i < 6; i++) await tick();
      note('6 calm scrapes: each datacenter has a baseline');
    });

    await Promise.all(dcA.map((i) => setFaults(i, { latencyMs: 800 })));
    console.log(`\ndc-a's instances (${dcA.map((i) => i.name).join(', ')}) now answer in 800 ms.`);
    const drained = await withProgress('the watch reads every datacenter each scrape', async (note) => {
      for (let i = 0; i < 60 && !records.some((r) => r.decision.kind === 'drain'); i++) await tick();
      const drain = records.find((r) => r.decision.kind === 'drain');
      if (!drain) throw new Error('the watch did not drain dc-a within a minute');
      note('dc-a judged degraded for 3 s: drained (autonomy auto)');
      return drain;
    });
    printDecision(drained);
    await sleep(1000);
    console.log('\nThe split now (responses already under way to dc-a finish; no new ones go there):');
    await printSplit(lab.load!, 2);
    console.log('ZeroOps keeps sending its own probe requests to dc-a’s servers, so its curve goes on.');

    await Promise.all(dcA.map((i) => setFaults(i, {})));
    console.log('\ndc-a is fast again. The watch waits for it to hold (8 s here, 60 s by default), then warms it up:');
    await withProgress('warm-up', async (note) => {
      let seen = records.length;
      for (let i = 0; i < 90 && !records.some((r) => r.decision.kind === 'restored'); i++) {
        await tick();
        for (const r of records.slice(seen)) note(describe(r.decision));
        seen = records.length;
      }
    });
    if (!records.some((r) => r.decision.kind === 'restored')) throw new Error('dc-a was not restored');
    console.log('\nThe split after the warm-up, back to the original weights:');
    await printSplit(lab.load!, 2);
    console.log(`dc-a's p99 each scrape (ms), as the watch read it:\n  ${sparkline(curve)}`);
  },
};

function printDecision(record: WatchRecord): void {
  const drain = record.decision as Extract<Decision, { kind: 'drain' }>;
  console.log('\nThe evidence behind the decision:');
  const value = (metric: string, v: number) => (metric === 'p99' ? `${v.toFixed(0)} ms` : `${(v * 100).toFixed(2)} %`);
  for (const e of drain.evidence)
    console.log(
      `  ${e.dc} ${e.metric} ${value(e.metric, e.value)} against its ${e.against} (${value(e.metric, e.reference)}): ` +
        `limit ${value(e.metric, e.limit)}`,
    );
  for (const line of drain.plan.basis) console.log(`  capacity: ${line}`);
  console.log(`  query: ${record.queries.latency}`);
  console.log('HAProxy commands sent (weight 0 and drain: connections finish; never maint):');
  for (const change of record.changes) console.log(`  ${change.command}`);
  console.log(
    `The override expires at ${new Date(drain.expiresAt).toISOString()}: decided again then, on what the watch sees.`,
  );
}

function describe(d: Decision): string {
  if (d.kind === 'warm') return `warm-up step ${d.step + 1}: dc-a at ${Math.round(d.keep * 100)} % of its traffic`;
  if (d.kind === 'restored') return 'dc-a held healthy at 100 %: back at its original weight';
  if (d.kind === 'relapse') return `dc-a relapsed: drained again, next dwell ${d.nextDwellMs / 1000} s`;
  return d.kind;
}

function sparkline(values: number[]): string {
  const bars = '▁▂▃▄▅▆▇█';
  const finite = values.filter(Number.isFinite);
  const max = Math.max(1, ...finite);
  return (
    values.map((v) => (Number.isFinite(v) ? bars[Math.min(7, Math.floor((v / max) * 7.999))] : ' ')).join('') +
    `  (max ${max.toFixed(0)} ms)`
  );
}
