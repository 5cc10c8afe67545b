/**
 * The closed loop on the lab: webhook-to-run-start latency, steps per second with 1 and 4 workers,
 * and how long a gate breach takes to become a completed rollback.
 */
import { setFaults } from '../lab/components/sample-service.js';
import { drainTask, startWorld, type World } from '../test/support/e2e-world.js';
import { eventually, sleep } from '../test/support/lab.js';
import { median, ms, quantile, table } from './stats.js';

async function mergeApproved(
  world: World,
  name: string,
  manifest: string,
): Promise<{ number: number; mergedAt: number }> {
  const github = world.lab.github!;
  const { number } = await github.openPullRequest({
    title: name,
    branch: name,
    files: { [`tasks/${name}.yaml`]: manifest },
    author: 'carol',
  });
  await github.review(number, 'alice', 'APPROVED');
  const mergedAt = performance.now();
  await github.merge(number, 'carol');
  return { number, mergedAt };
}

/** A real provider call that changes nothing: HAProxy is asked for a server's state, which is already ready. */
const readyCheck =
  '{ provider: haproxy, operation: set-server-state, params: { state: ready, servers: [{ backend: checkout_dc_a, server: checkout-a1 }] } }';

const runbook = (name: string, steps: number) => `apiVersion: zeroops.dev/v1
kind: Runbook
metadata: { name: ${name}, service: checkout }
spec:
  steps:
${Array.from({ length: steps }, (_, i) => `    - { name: s${i}, action: ${readyCheck} }`).join('\n')}
`;

const checkOf = (world: World, name: string) =>
  world.lab.github!.checkRuns().find((c) => c.name === `ZeroOps run: ${name}`);

async function runStartLatency(world: World): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < 10; i++) {
    const name = `latency-${i}`;
    const { mergedAt } = await mergeApproved(world, name, runbook(name, 1));
    await eventually(() => checkOf(world, name) !== undefined, 30_000, 5);
    latencies.push(performance.now() - mergedAt);
  }
  return latencies;
}

async function stepsPerSecond(concurrency: number): Promise<number> {
  const world = await startWorld({ concurrency });
  try {
    const runs = 8;
    const steps = 20;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: runs }, (_, i) =>
        mergeApproved(world, `throughput-${i}`, runbook(`throughput-${i}`, steps)),
      ),
    );
    await eventually(
      () =>
        Array.from({ length: runs }, (_, i) => checkOf(world, `throughput-${i}`)).every(
          (c) => c?.status === 'completed',
        ),
      300_000,
      50,
    );
    return (runs * steps) / ((performance.now() - started) / 1000);
  } finally {
    await world.stop();
  }
}

async function breachToRollback(world: World): Promise<{ detect: number[]; rollback: number[] }> {
  const detect: number[] = [];
  const rollback: number[] = [];
  const dcB = world.lab.instances.filter((i) => i.dc === 'dc-b');
  for (let i = 0; i < 3; i++) {
    for (const dc of ['dc-a', 'dc-b', 'dc-c']) await world.lab.haproxy!.command(`set weight checkout_stable/${dc} 100`);
    await sleep(4000); // let the error rate of the previous round leave the 3 s query window
    const name = `breach-${i}`;
    await mergeApproved(world, name, drainTask(name, '20s'));
    await eventually(() => checkOf(world, name)?.title === 'running', 30_000, 20);
    const injected = Date.now();
    for (const instance of dcB) await setFaults(instance, { errorRatio: 0.9 });
    await eventually(() => checkOf(world, name)?.status === 'completed', 60_000, 20);
    for (const instance of dcB) await setFaults(instance, {});
    const run = (await world.runtime.store.runs({ repo: 'ops' })).find((r) => r.plan.task.name === name)!;
    const breachedAt = Date.parse(run.steps.flatMap((s) => s.evidence).find((e) => e.verdict === 'breach')!.at);
    detect.push(breachedAt - injected);
    rollback.push(Date.parse(run.finishedAt!) - breachedAt);
  }
  return { detect, rollback };
}

export async function closedLoop(): Promise<void> {
  const world = await startWorld();
  let latencies: number[];
  let breach: { detect: number[]; rollback: number[] };
  try {
    latencies = await runStartLatency(world);
    breach = await breachToRollback(world);
  } finally {
    await world.stop();
  }
  const one = await stepsPerSecond(1);
  const four = await stepsPerSecond(4);
  console.log(
    '\n## Closed loop on the lab (GitHub double, real Redis, Prometheus and HAProxy; embedded SQLite store)\n',
  );
  console.log(
    table([
      ['figure', 'p50', 'p90 / note'],
      ['merge webhook → run check run created (10 merges)', ms(median(latencies)), ms(quantile(latencies, 0.9))],
      [
        'fault injected → gate breach seen (gate checks every 1 s, 3 s rate window)',
        ms(median(breach.detect)),
        `${breach.detect.length} runs`,
      ],
      ['gate breach seen → rollback completed', ms(median(breach.rollback)), ms(Math.max(...breach.rollback))],
      ['steps per second, 1 worker (8 runs × 20 steps)', one.toFixed(1), ''],
      ['steps per second, 4 workers (8 runs × 20 steps)', four.toFixed(1), `${(four / one).toFixed(2)}× one worker`],
    ]),
  );
}
