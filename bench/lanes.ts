/**
 * Canary lanes on the lab, through the whole product (GitHub double, queues, real HAProxy, fleet
 * and Prometheus):
 *   - a 5xx regression (half the answers) starts in a 5% lane that has been healthy for a while:
 *     onset → that lane rolled back, over several runs;
 *   - on the same recorded stream of the lane's error share, when Flagger's and Argo Rollouts'
 *     documented rules at their defaults would have rolled back (bench/incumbent-rules.ts), as a
 *     ratio — the fault is taken to last as recorded after ZeroOps removed it, since only their
 *     rollback would have ended it;
 *   - users moved between lanes while a lane grows 5 → 20 → 60% beside another (goal 0).
 * `npm run bench -- lanes [--runs N]`.
 */
import { setFaults } from '../lab/components/sample-service.js';
import { labLaneRollout } from '../lab/lane-rollout.js';
import { sleep } from '../lab/wait.js';
import { laneBackendsIn } from '../src/providers/lanes/lane-backends.js';
import { PrometheusSource } from '../src/providers/prometheus/prometheus-source.js';
import { labService, mergeApproved, startWorld, type World } from '../test/support/e2e-world.js';
import { eventually } from '../test/support/lab.js';
import { incumbentRules, rollbackTime, type ErrorStream } from './incumbent-rules.js';
import { median, quantile, table } from './stats.js';

const flag = (name: string, fallback: number) => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
};

/** The lab's compressed time: 1 s scrapes, so a sample is 3 s (ZeroOps' default is 60 s on 15 s scrapes). */
const lane = (name: string, spec: string, interval = '10m') => labLaneRollout(name, spec, interval);

const checkOf = (world: World, name: string) =>
  world.lab.github!.checkRuns().find((c) => c.name === `ZeroOps run: ${name}`);

interface Round {
  /** Onset → the lane's run rolled back, seconds. */
  zeroops: number;
  /** The lane's error share, seconds since the lane started serving. */
  stream: ErrorStream;
  onsetAt: number;
}

async function regressionRound(world: World, name: string, healthySeconds: number): Promise<Round> {
  await mergeApproved(world, name, lane(name, '  version: v2.0.0\n  steps: [5%, 20%]'));
  await eventually(() => /⏳ `lane-5`/.test(checkOf(world, name)?.text ?? ''), 60_000, 100);
  const servingSince = Date.now();
  await sleep(healthySeconds * 1000);
  const instance = world.lab.fleet!.instances().find((i) => i.name === `checkout-${name}-1`);
  if (!instance)
    throw new Error(
      `no instance of ${name}: ${world.lab
        .fleet!.instances()
        .map((i) => i.name)
        .join()}; ${checkOf(world, name)?.text}`,
    );
  const backends = (await laneBackendsIn(world.runtime.store)({ service: 'checkout', env: 'production', lane: name }))!;
  const onset = Date.now();
  await setFaults(instance, { errorRatio: 0.5 });
  await eventually(() => checkOf(world, name)?.status === 'completed', 120_000, 50);
  const run = (await world.runtime.store.runs({ repo: 'ops' })).find((r) => r.plan.task.name === name)!;
  if (run.status !== 'rolled_back') throw new Error(`${name} ended ${run.status}: ${run.reason}`);
  const rolledBackAt = Date.parse(run.finishedAt!);
  const stream = await recordedShare(world, backends.lane, servingSince, rolledBackAt);
  return { zeroops: (rolledBackAt - onset) / 1000, stream, onsetAt: (onset - servingSince) / 1000 };
}

/** The lane backend's 5xx share, one value a second (3 s rate window), from Prometheus. */
async function recordedShare(world: World, backend: string, from: number, to: number): Promise<ErrorStream> {
  const prometheus = new PrometheusSource(world.lab.prometheus!.url);
  const query =
    `sum(rate(haproxy_backend_http_responses_total{proxy="${backend}",code="5xx"}[3s]))` +
    ` / sum(rate(haproxy_backend_http_responses_total{proxy="${backend}"}[3s]))`;
  const [series] = await prometheus.range(query, Math.floor(from / 1000), Math.ceil(to / 1000), 1);
  // The first 3 s look back to before the lane served (a reused backend's earlier lane): left out.
  return (series?.points ?? [])
    .map(([t, v]) => [t - from / 1000, v] as const)
    .filter(([t, v]) => t >= 3 && Number.isFinite(v));
}

/** The stream as it would have gone on without ZeroOps: the level recorded since onset, for an hour. */
function withoutRollback({ stream, onsetAt }: Round): ErrorStream {
  const after = stream.filter(([t]) => t >= onsetAt + 3).map(([, v]) => v);
  const level = after.length ? median(after) : 0.5;
  const end = stream.at(-1)?.[0] ?? onsetAt;
  const tail = Array.from({ length: 3600 }, (_, i) => [end + i + 1, level] as const);
  return [...stream, ...tail];
}

/** Users whose version changed other than from stable to the growing lane, as it grows beside another. */
async function usersMovedWhileGrowing(world: World): Promise<{ moved: number; grew: number; steps: string }> {
  const beside = '  version: v3.0.0\n  features: [X]\n  audience: { buckets: 5000-9999 }\n  steps: [10%]';
  await mergeApproved(world, 'beside', lane('beside', beside, '15s'));
  await eventually(() => checkOf(world, 'beside')?.status === 'completed', 120_000, 100);
  await mergeApproved(
    world,
    'grows',
    // At 60% it reaches beside's buckets (5000–5499): their users stay where they are.
    lane('grows', '  version: v4.0.0\n  audience: { exclude: { features: [X] } }\n  steps: [5%, 20%, 60%]', '15s'),
  );
  const served = async () => {
    world.lab.load!.clearReceipts();
    world.lab.load!.setRate(400);
    await world.lab.load!.next(2000);
    world.lab.load!.setRate(80);
    return new Map([...world.lab.load!.receipts()].map(([id, r]) => [id, [...r.versions].sort().join('+')]));
  };
  const snapshots: Map<string, string>[] = [];
  for (const percent of [5, 20, 60]) {
    await eventually(() => new RegExp(`⏳ \`lane-${percent}\``).test(checkOf(world, 'grows')?.text ?? ''), 60_000, 100);
    snapshots.push(await served());
  }
  let moved = 0;
  let grew = 0;
  for (let i = 1; i < snapshots.length; i++) {
    for (const [user, before] of snapshots[i - 1]!) {
      const after = snapshots[i]!.get(user);
      if (after === undefined || after === before) continue;
      if (before === 'v0.9.0' && after === 'v4.0.0') grew++;
      else moved++;
    }
  }
  const counts = snapshots.map((s) => [...s.values()].filter((v) => v === 'v4.0.0').length);
  return { moved, grew, steps: counts.join(' → ') };
}

export async function lanesBench(): Promise<void> {
  const runs = flag('--runs', 5);
  const world = await startWorld({ stableVersion: 'v0.9.0' });
  const rounds: Round[] = [];
  let growth: Awaited<ReturnType<typeof usersMovedWhileGrowing>>;
  try {
    await world.lab.github!.state.git.commit(
      'main',
      {
        'services/checkout.yaml': labService().replace('deploy: { provider: haproxy }', 'deploy: { provider: fleet }'),
      },
      'checkout deploys through the fleet',
    );
    for (let i = 0; i < runs; i++) {
      rounds.push(await regressionRound(world, `regress-${i}`, 20 + 7 * i));
      await sleep(5000); // the rolled-back lane's errors leave the rate windows before the next lane
    }
    growth = await usersMovedWhileGrowing(world);
  } finally {
    await world.stop();
  }
  const ours = rounds.map((r) => r.zeroops);
  const rows: string[][] = [
    ['5xx regression (50%) in a 5% lane: onset → rolled back', 'p50', 'p90', 'vs ZeroOps (p50)'],
    ['ZeroOps (lab: 3 s samples, 4+ a side, p < 0.02, +1 point)', s(median(ours)), s(quantile(ours, 0.9)), '1×'],
  ];
  for (const rule of incumbentRules) {
    // Every phase of their measurement clock against the onset, one per second of an interval.
    const times = rounds.flatMap((round) => {
      const stream = withoutRollback(round);
      return Array.from({ length: rule.intervalSeconds }, (_, phase) => rollbackTime(rule, stream, phase + 1))
        .filter((t): t is number => t !== undefined)
        .map((t) => t - round.onsetAt);
    });
    rows.push([rule.name, s(median(times)), s(quantile(times, 0.9)), `${(median(times) / median(ours)).toFixed(1)}×`]);
  }
  console.log(`\n## Canary lanes on the lab (${runs} regressions, each after 20 s or more of healthy traffic)\n`);
  console.log(table(rows));
  console.log(
    `\nA lane grows 5% → 20% → 60% beside another lane: ${growth!.moved} users moved between lanes ` +
      `(${growth!.grew} joined it from stable; users it served: ${growth!.steps}).`,
  );
}

const s = (seconds: number) => `${seconds.toFixed(1)} s`;
