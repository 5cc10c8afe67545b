// `npm run bench [-- name...]`: prints figures. Benchmarks never pass or fail on time.
import { closedLoop } from './closed-loop.js';
import { failoverBench } from './failover.js';
import { labStart } from './lab-start.js';
import { lanesBench } from './lanes.js';
import { schemaChangeBench } from './schema-change.js';
import { patrolBench } from './patrol.js';
import { planThroughput } from './plan-throughput.js';
import { webhookLatency } from './webhook-latency.js';
import { requestsBench } from './requests.js';

const benchmarks: Record<string, () => Promise<void>> = {
  plan: planThroughput,
  webhook: webhookLatency,
  lab: labStart,
  loop: closedLoop,
  patrol: patrolBench,
  lanes: lanesBench,
  schema: schemaChangeBench,
  failover: failoverBench,
  requests: () => requestsBench(),
};

// Benchmark names; a flag's value (`--runs 3`) is not one.
const args = process.argv.slice(2);
const chosen = args.filter((a, i) => !a.startsWith('-') && !args[i - 1]?.startsWith('--'));
for (const name of chosen.length ? chosen : Object.keys(benchmarks)) {
  const bench = benchmarks[name];
  if (!bench) {
    console.error(`unknown benchmark '${name}'; known: ${Object.keys(benchmarks).join(', ')}`);
    process.exitCode = 2;
    continue;
  }
  await bench();
}
