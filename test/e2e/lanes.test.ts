/**
 * Several canaries at once, end to end on the lab: Rollouts planned on pull requests, approved,
 * merged and executed as lanes through the fleet and HAProxy, judged against their baselines on
 * real Prometheus — asserted on what the load generator's users actually received.
 */
import { jest } from '@jest/globals';
import { setFaults } from '../../lab/components/sample-service.js';
import { labLaneRollout } from '../../lab/lane-rollout.js';
import { eventually } from '../support/lab.js';
import { removeServer, serversOf } from '../../src/providers/haproxy/dynamic-servers.js';
import { laneBackendName } from '../../src/providers/haproxy/lane-routing-config.js';
import { labService, mergeApproved, runCheckOf, startWorld, type World } from '../support/e2e-world.js';

jest.setTimeout(240_000);

let world: World;
beforeAll(async () => {
  world = await startWorld({ stableVersion: 'v0.9.0' });
  await world.lab.github!.state.git.commit(
    'main',
    { 'services/checkout.yaml': labService().replace('deploy: { provider: haproxy }', 'deploy: { provider: fleet }') },
    'checkout deploys through the fleet',
  );
});
afterAll(() => world?.stop());

const github = () => world.lab.github!;
const runCheck = (name: string) => runCheckOf(world, name);
/** Waits for the run's check run to complete; says where the run stands when it does not. */
async function finished(name: string, ms = 90_000): Promise<boolean> {
  if (await eventually(() => runCheck(name)?.status === 'completed', ms)) return true;
  const check = runCheck(name);
  throw new Error(`run of ${name} did not finish: ${check?.title ?? 'no check run'}\n${check?.text ?? ''}`);
}

/** A lane holding each step 12 s (it waits past that for its four samples when it must). */
const rollout = (name: string, spec: string) => labLaneRollout(name, spec, '12s');

/** Who was served which version over a round of the population. */
async function served(): Promise<Map<string, string>> {
  world.lab.load!.clearReceipts();
  world.lab.load!.setRate(400);
  await world.lab.load!.next(1000); // one round: every user once, in order
  world.lab.load!.setRate(80);
  return new Map([...world.lab.load!.receipts()].map(([id, r]) => [id, [...r.versions].sort().join('+')]));
}
const usersOn = (receipts: Map<string, string>, version: string) =>
  [...receipts]
    .filter(([, v]) => v === version)
    .map(([id]) => id)
    .sort();

async function openPull(name: string, files: Record<string, string>) {
  return github().openPullRequest({ title: name, branch: name, files, author: 'carol' });
}
const planCheck = (number: number) =>
  github()
    .checkRuns(github().pull(number).head.sha)
    .filter((c) => c.name === 'ZeroOps plan')
    .at(-1);
const comments = (number: number) =>
  github()
    .comments(number)
    .map((c) => c.body)
    .join('\n---\n');

describe('canary lanes, end to end', () => {
  let onV10: string[];

  it('runs v1.0 as a 5% lane, and v1.1 takes over exactly its users', async () => {
    await mergeApproved(world, 'v1-0', rollout('v1-0', '  version: v1.0.0\n  features: [A]\n  steps: [5%]'));
    expect(await finished('v1-0')).toBe(true);
    expect(runCheck('v1-0')).toMatchObject({ conclusion: 'success' });
    expect(runCheck('v1-0')!.text).toMatch(
      /\| \*\*v1-0\*\* \| v1\.0\.0 \| A \| everyone \| buckets 0–499 \(5%\) \| ✓ /,
    );
    onV10 = usersOn(await served(), 'v1.0.0');
    expect(onV10.length).toBeGreaterThan(20);
    expect(onV10.length).toBeLessThan(90);

    const { number } = await openPull('v1-1', {
      'tasks/v1-1.yaml': rollout('v1-1', '  version: v1.1.0\n  features: [A, B]\n  replaces: v1-0\n  steps: [5%]'),
    });
    expect(planCheck(number)?.conclusion).toBe('success');
    expect(comments(number)).toContain("takes over v1-0's users");
    await github().review(number, 'alice', 'APPROVED');
    await github().merge(number, 'carol');
    expect(await finished('v1-1')).toBe(true);
    expect(runCheck('v1-1')).toMatchObject({ conclusion: 'success' });
    const receipts = await served();
    expect(usersOn(receipts, 'v1.1.0')).toEqual(onV10);
    expect(usersOn(receipts, 'v1.0.0')).toEqual([]);
    expect(world.lab.fleet!.instances().map((i) => i.name)).not.toContain('checkout-v1-0-1');
  });

  it('refuses an overlapping audience on the pull request, in words, and accepts disjoint ones', async () => {
    const overlapping = await openPull('overlap', {
      'tasks/v1-3.yaml': rollout('v1-3', '  version: v1.3.0\n  features: [D]\n  steps: [5%]'),
    });
    expect(planCheck(overlapping.number)?.conclusion).toBe('failure');
    expect(comments(overlapping.number)).toMatch(/tasks\/v1-3\.yaml:\d+.*would be in both v1-1 .* and v1-3/s);

    const disjoint = await openPull('disjoint', {
      'tasks/eu.yaml': rollout(
        'eu',
        '  version: v2.0.0\n  audience: { regions: [cn-east], buckets: 5000-9999 }\n  steps: [10%]',
      ),
      'tasks/us.yaml': rollout(
        'us',
        '  version: v2.0.0\n  audience: { regions: [us-west], buckets: 5000-9999 }\n  steps: [10%]',
      ),
      'tasks/new-ios.yaml': rollout(
        'new-ios',
        '  version: v2.1.0\n  audience: { os: { ios: ">=17" }, buckets: 1000-4999 }\n  steps: [10%]',
      ),
      'tasks/old-ios.yaml': rollout(
        'old-ios',
        '  version: v2.1.0\n  audience: { os: { ios: "<17" }, buckets: 1000-4999 }\n  steps: [10%]',
      ),
    });
    expect(planCheck(disjoint.number)?.conclusion).toBe('success');
    expect(comments(disjoint.number)).not.toContain('would be in both');
  });

  it('runs v1.2 beside v1.1 on users who have never been served A or B', async () => {
    await mergeApproved(
      world,
      'v1-2',
      rollout(
        'v1-2',
        '  version: v1.2.0\n  features: [C]\n  audience: { exclude: { features: [A, B] } }\n  steps: [10%]',
      ),
    );
    expect(await finished('v1-2')).toBe(true);
    expect(runCheck('v1-2')).toMatchObject({ conclusion: 'success' });
    const receipts = await served();
    const onV12 = usersOn(receipts, 'v1.2.0');
    expect(onV12.length).toBeGreaterThan(20);
    expect(onV12.filter((id) => onV10.includes(id))).toEqual([]);
    expect(usersOn(receipts, 'v1.1.0')).toEqual(onV10);
  });

  it('gets the lanes back by itself after a HAProxy reload drops their servers', async () => {
    const socket = world.lab.haproxy!.socketPath;
    const slots = [1, 2, 3, 4].map((slot) => laneBackendName('checkout', slot));
    const held = await Promise.all(slots.map((backend) => serversOf(socket, backend)));
    const backend = slots[held.findIndex((servers) => servers.includes('checkout-v1-1-1'))]!;
    await removeServer(socket, backend, 'checkout-v1-1-1'); // what a reload does
    const back = () => serversOf(socket, backend).then((servers) => servers.includes('checkout-v1-1-1'));
    expect(await eventually(back, 15_000)).toBe(true);
    expect(usersOn(await served(), 'v1.1.0')).toEqual(onV10);
  });

  it('rolls back only the lane with a 5xx regression, while the other lanes keep serving', async () => {
    await mergeApproved(
      world,
      'v2-0',
      rollout('v2-0', '  version: v2.0.0\n  audience: { buckets: 5000-9999 }\n  steps: [10%, 20%]'),
    );
    expect(await eventually(() => /⏳ `lane-10`/.test(runCheck('v2-0')?.text ?? ''), 30_000)).toBe(true);
    const before = await served();
    expect(usersOn(before, 'v2.0.0').length).toBeGreaterThan(10);
    const lane = world.lab.fleet!.instances().find((i) => i.name === 'checkout-v2-0-1')!;
    await setFaults(lane, { errorRatio: 0.5 });
    expect(await finished('v2-0')).toBe(true);
    expect(runCheck('v2-0')).toMatchObject({
      conclusion: 'failure',
      title: expect.stringMatching(/^rolled back: gate breached during lane-\d+: lane_error_share = [\d.]+/),
    });
    const after = await served();
    expect(usersOn(after, 'v2.0.0')).toEqual([]);
    expect(usersOn(after, 'v1.1.0')).toEqual(onV10);
    expect(usersOn(after, 'v1.2.0')).toEqual(usersOn(before, 'v1.2.0'));
    // The check run completes first; the incident follows it.
    const incidentOf = () => [...github().state.issues.values()].find((i) => i.title.includes('v2-0'));
    expect(await eventually(async () => incidentOf() !== undefined, 20_000)).toBe(true);
    const incident = incidentOf()!;
    expect(incident.body).toContain('**Lane:** `v2-0` alone was rolled back');
    expect(incident.body).toMatch(/lane_error_share = [\d.]+ .*worse than the baseline/);
  });

  it('pauses a lane whose metrics cannot be read, and never rolls it back for that', async () => {
    const number = await mergeApproved(
      world,
      'v3-0',
      rollout('v3-0', '  version: v3.0.0\n  audience: { buckets: 5000-9999 }\n  steps: [10%]'),
    );
    expect(await eventually(() => /⏳ `lane-10`/.test(runCheck('v3-0')?.text ?? ''), 30_000)).toBe(true);
    const prometheus = world.lab.prometheus!.pid;
    process.kill(prometheus, 'SIGSTOP');
    try {
      expect(
        await eventually(() => /^paused: no reliable metric data/.test(runCheck('v3-0')?.title ?? ''), 30_000),
      ).toBe(true);
      expect(usersOn(await served(), 'v3.0.0').length).toBeGreaterThan(10);
    } finally {
      process.kill(prometheus, 'SIGCONT');
    }
    await github().comment(number, 'alice', '/zeroops resume');
    expect(await finished('v3-0')).toBe(true);
    expect(runCheck('v3-0')).toMatchObject({ conclusion: 'success' });
  });
});
