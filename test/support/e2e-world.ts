/**
 * The end-to-end world: the lab (Redis, Prometheus, HAProxy, the fleet, traffic, the GitHub double)
 * and ZeroOps running against it in this process, with an ops repo whose config points at the lab.
 */
import { startLab, type Lab } from '../../lab/lab.js';
import { labServiceHead } from '../../lab/patrol-service.js';
import { startZeroOpsOnLab } from '../../lab/zeroops-on-lab.js';
import type { Runtime } from '../../src/main/runtime.js';
import { templateRepoFiles, templateScripts } from './ops-repo.js';

export interface World {
  lab: Lab;
  runtime: Runtime;
  dataDir: string;
  stop(): Promise<void>;
}

/** The lab's service. Its queries take each gate's window; the tasks here use 3 s so gates react within seconds. */
export function labService(): string {
  return `${labServiceHead}  metrics:
    error_rate:
      query: (sum(rate(http_requests_total{job="checkout",code=~"5.."}[$window])) or vector(0)) / clamp_min(sum(rate(http_requests_total{job="checkout"}[$window])), 1e-9)
      unit: ratio
`;
}

export function labConfig(lab: Lab): string {
  return `apiVersion: zeroops.dev/v1
kind: Config
spec:
  defaultEnv: production
  providers:
    prometheus: { url: "${lab.prometheus!.url}" }
    haproxy:
      socket: "${lab.haproxy!.socketPath}"
      lanes: { routeTable: "${lab.haproxy!.routeTablePath}", slots: ${lab.haproxy!.laneSlots} }
    fleet: { url: "${lab.fleet!.url}" }
    webhook: { secretEnv: [CI_HOOK_SECRET] }
  policy: { defaultApprovals: 1, requireOwner: true }
`;
}

export const drainTask = (name = 'drain-dc-a', interval = '2s') => `apiVersion: zeroops.dev/v1
kind: TrafficShift
metadata: { name: ${name}, service: checkout }
spec:
  weights: { dc-a: 0% }
  steps: 2
  interval: ${interval}
  reason: e2e
  analysis:
    - { metric: error_rate, max: 5%, window: 3s }
`;

export async function startWorld(options: { concurrency?: number; stableVersion?: string } = {}): Promise<World> {
  const templates = Object.fromEntries(
    [...(await templateRepoFiles()).filter((f) => f.path.startsWith('templates/')), ...(await templateScripts())].map(
      (f) => [f.path, f.text],
    ),
  );
  const lab = await startLab({
    loadRate: 80,
    seedRows: 1000,
    stableVersion: options.stableVersion,
    githubFiles: { 'README.md': '# ops\n', ...templates },
  });
  const github = lab.github!;
  await github.state.git.commit(
    'main',
    { 'services/checkout.yaml': labService(), '.zeroops/config.yaml': labConfig(lab) },
    'Point the ops repo at the lab',
  );
  for (const [user, permission] of [
    ['alice', 'write'],
    ['bob', 'admin'],
    ['carol', 'write'],
    ['mallory', 'read'],
  ] as const)
    github.setPermission(user, permission);
  const zeroops = await startZeroOpsOnLab(lab, { concurrency: options.concurrency });
  return {
    lab,
    runtime: zeroops.runtime,
    dataDir: zeroops.dataDir,
    async stop() {
      await zeroops.stop();
      await lab.stop();
    },
  };
}

/** The latest check run of a task's run on the GitHub double. */
export const runCheckOf = (world: World, task: string) =>
  world.lab
    .github!.checkRuns()
    .filter((c) => c.name === `ZeroOps run: ${task}`)
    .at(-1);

/** A pull request with one task file, approved by an owner and merged by its author. */
export async function mergeApproved(world: World, name: string, manifest: string): Promise<number> {
  const github = world.lab.github!;
  const { number } = await github.openPullRequest({
    title: name,
    branch: name,
    files: { [`tasks/${name}.yaml`]: manifest },
    author: 'carol',
  });
  await github.review(number, 'alice', 'APPROVED');
  await github.merge(number, 'carol');
  return number;
}
