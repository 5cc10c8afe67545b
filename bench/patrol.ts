/**
 * The patrol on the lab, with ZeroOps running as in production (queue, schedulers, GitHub double):
 *   - false incidents over a healthy run: traffic in a cycle, a garbage collector's sawtooth on every
 *     instance and a rolling restart halfway (the goal is 0);
 *   - fault onset → incident filed: a goroutine leak switched on in one datacenter, timed until its
 *     issue exists, over several runs;
 *   - patrol cost: series read and judged per second by one worker (Prometheus reads included, no
 *     profile waits), and the diagnosis alone on the same signals.
 * `npm run bench -- patrol [--healthy-minutes N] [--runs N]`.
 */
import { inspect } from '../src/app/inspect.js';
import { diagnose } from '../src/diagnose/diagnose.js';
import { loadDocuments } from '../src/manifest/load.js';
import { signalPlan } from '../src/patrol/service-signals.js';
import { HttpProfiles } from '../src/providers/pprof/http-profiles.js';
import { PrometheusSource } from '../src/providers/prometheus/prometheus-source.js';
import { restartInstance, setFaults } from '../lab/components/sample-service.js';
import { patrolConfig, patrolFiles, patrolService } from '../lab/patrol-service.js';
import { sleep, waitFor } from '../lab/wait.js';
import { startWorld, type World } from '../test/support/e2e-world.js';
import { median, quantile, table } from './stats.js';

const flag = (name: string, fallback: number) => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
};

const incidents = (world: World) => world.lab.github!.issues().filter((i) => i.labels.includes('incident'));
const notices = (world: World) => world.lab.github!.issues().filter((i) => !i.labels.includes('incident'));

async function healthyRun(world: World, minutes: number): Promise<string[][]> {
  const { lab } = world;
  const before = incidents(world).length;
  await Promise.all(lab.instances.map((i) => setFaults(i, { gcSawtoothBytesPerSec: 2 ** 20 })));
  lab.load!.cycle({ periodSeconds: 120, min: 40, max: 160 });
  const started = Date.now();
  let seen = 0;
  const half = Date.now() + (minutes * 60_000) / 2;
  const end = Date.now() + minutes * 60_000;
  let restarted = false;
  while (Date.now() < end) {
    if (!restarted && Date.now() >= half) {
      restarted = true;
      for (const instance of lab.instances) {
        await restartInstance(instance, { warmUpSeconds: 5 });
        await setFaults(instance, { gcSawtoothBytesPerSec: 2 ** 20 });
        await sleep(2000);
      }
    }
    for (const issue of incidents(world).slice(before + seen)) {
      seen++;
      process.stdout.write(
        `\n  ✗ false incident at ${Math.round((Date.now() - started) / 1000)} s: #${issue.number} ${issue.title}\n`,
      );
    }
    process.stdout.write(`\r  healthy run: ${Math.ceil((end - Date.now()) / 1000)} s left, ${seen} incidents `);
    await sleep(1000);
  }
  process.stdout.write('\n');
  lab.load!.setRate(80);
  await Promise.all(lab.instances.map((i) => setFaults(i, {})));
  const found = incidents(world).slice(before);
  return [
    ['healthy run', `${minutes} min: cycle 40–160 req/s, GC sawtooth 1 MiB/s, rolling restart at half-time`],
    ['false incidents', `${found.length}${found.length ? ` (${found.map((i) => i.title).join('; ')})` : ''}`],
    ['notices (monitoring gaps)', String(notices(world).length)],
  ];
}

async function onsetToIncident(world: World, runs: number): Promise<string[][]> {
  const { lab } = world;
  const github = lab.github!;
  const seconds: number[] = [];
  let missed = 0;
  for (let run = 0; run < runs; run++) {
    const dc = ['a', 'b', 'c'][run % 3]!;
    const leaking = lab.instances.filter((i) => i.name.startsWith(`checkout-${dc}`));
    const known = new Set(github.issues().map((i) => i.number));
    const onset = Date.now();
    await Promise.all(leaking.map((i) => setFaults(i, { goroutineLeakPerSec: 40 })));
    const issue = await waitFor(
      `incident of run ${run + 1}`,
      () => github.issues().find((i) => !known.has(i.number) && /Goroutine leak/.test(i.title)),
      240,
    ).catch((error: Error) => console.log(`  run ${run + 1}: ${error.message}`));
    if (!issue) {
      missed++;
      for (const i of github.issues())
        console.log(`    #${i.number} ${i.state} [${i.labels.join(', ')}] ${i.title.slice(0, 100)}`);
      for (const instance of leaking) await restartInstance(instance, {});
      continue;
    }
    seconds.push((Date.now() - onset) / 1000);
    console.log(`  run ${run + 1}: #${issue.number} after ${seconds.at(-1)!.toFixed(1)} s — ${issue.title}`);
    for (const instance of leaking) await restartInstance(instance, {});
    await github.closeIssue(issue.number, 'alice');
    // The next run starts once the leak has left the inspection window.
    await sleep(65_000);
  }
  return [
    [
      'onset → incident filed',
      `p50 ${median(seconds).toFixed(1)} s, max ${Math.max(...seconds).toFixed(1)} s over ${seconds.length} runs${missed ? `; ${missed} not filed within 240 s` : ''}`,
    ],
    ['  (inspections every 5 s over 60 s; two profiles 3 s apart)', ''],
  ];
}

async function patrolCost(world: World): Promise<string[][]> {
  const { lab } = world;
  const loaded = loadDocuments([
    { path: 'services/checkout.yaml', text: patrolService({ window: '300s', everything: true }) },
    { path: '.zeroops/config.yaml', text: patrolConfig(lab) },
  ]);
  const service = loaded.services[0]!.manifest;
  const config = loaded.configs[0]!.manifest;
  const source = new PrometheusSource(lab.prometheus!.url, 5000);
  const deps = { metricsFor: () => source, profiles: new HttpProfiles(), profileSeconds: 0, clock: () => new Date() };
  const rates: number[] = [];
  const cpuRates: number[] = [];
  let seriesCount = 0;
  for (let i = 0; i < 20; i++) {
    const inspection = service.spec.inspections![i % service.spec.inspections!.length]!;
    const started = performance.now();
    const result = await inspect(deps, { service, config, inspection });
    const elapsed = (performance.now() - started) / 1000;
    seriesCount = result.signals.series.length;
    rates.push(seriesCount / elapsed);
    const cpu = process.cpuUsage();
    for (let k = 0; k < 10; k++) diagnose(result.signals, Date.now() / 1000);
    const cpuSeconds = (process.cpuUsage(cpu).user + process.cpuUsage(cpu).system) / 1e6 / 10;
    cpuRates.push(seriesCount / Math.max(cpuSeconds, 1e-6));
  }
  return [
    [
      'series per inspection',
      `${seriesCount} (${lab.instances.length} instances × ${signalPlan(service).queries.length} metrics, ` +
        '300 s window at 1 s)',
    ],
    ['series/s per worker, read + judged', `p50 ${median(rates).toFixed(0)}, p10 ${quantile(rates, 0.1).toFixed(0)}`],
    ['series/s per CPU second, diagnosis alone', `p50 ${median(cpuRates).toFixed(0)}`],
  ];
}

export async function patrolBench(): Promise<void> {
  const minutes = flag('--healthy-minutes', 10);
  const runs = flag('--runs', 5);
  console.log(`\n## Patrol on the lab\n`);
  const world = await startWorld();
  try {
    const github = world.lab.github!;
    await github.state.git.commit(
      'main',
      patrolFiles(world.lab, 'observe', { everything: true }),
      'Put checkout under the patrol',
    );
    // ZeroOps watches a repository once it hears from it.
    const { number } = await github.openPullRequest({
      title: 'Hello',
      branch: 'hello',
      files: { 'README.md': '# ops\n\nPatrolled.\n' },
      author: 'carol',
    });
    await github.settled();
    console.log(`  the bot heard from the ops repo (#${number}); inspections are scheduled within 5 s`);
    await sleep(8000);
    const rows = [['figure', 'value'], ...(await healthyRun(world, minutes))];
    rows.push(...(await onsetToIncident(world, runs)));
    rows.push(...(await patrolCost(world)));
    console.log(`\n${table(rows)}\n`);
  } finally {
    await world.stop();
  }
}
