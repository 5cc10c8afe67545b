/**
 * The closed loop on the lab: PRs are planned, approved by review, merged and executed through the
 * real HAProxy, watched by real Prometheus, steered by comments and reported on the PR.
 */
import { jest } from '@jest/globals';
import { setFaults } from '../../lab/components/sample-service.js';
import { drainTask, runCheckOf, startWorld, type World } from '../support/e2e-world.js';
import { eventually } from '../support/lab.js';
import { Queue } from 'bullmq';
import { connectRedis, mergeQueueName } from '../../src/queue/queues.js';

jest.setTimeout(180_000);

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world?.stop());

const github = () => world.lab.github!;
const runCheck = (name: string) => runCheckOf(world, name);
const weight = async (dc: string) =>
  Number((await world.lab.haproxy!.command(`get weight checkout_stable/${dc}`)).split(' ')[0]);
const resetWeights = async () => {
  for (const dc of ['dc-a', 'dc-b', 'dc-c']) await world.lab.haproxy!.command(`set weight checkout_stable/${dc} 100`);
};
const finished = (name: string) => eventually(() => runCheck(name)?.status === 'completed', 60_000);
const comments = (number: number) =>
  github()
    .comments(number)
    .map((c) => c.body)
    .join('\n---\n');

async function approvedPull(file: string, branch: string): Promise<number> {
  const { number } = await github().openPullRequest({
    title: branch,
    branch,
    files: { [`tasks/${branch}.yaml`]: file },
    author: 'carol',
  });
  await github().review(number, 'alice', 'APPROVED');
  return number;
}

describe('TrafficShift end to end', () => {
  beforeEach(resetWeights);

  it('drains dc-a after an owner approves and the PR is merged', async () => {
    const { number } = await github().openPullRequest({
      title: 'Drain dc-a',
      branch: 'drain',
      files: { 'tasks/drain-dc-a.yaml': drainTask() },
      author: 'carol',
    });
    const head = github().pull(number).head.sha;
    expect(
      github()
        .checkRuns(head)
        .map((c) => [c.name, c.conclusion]),
    ).toEqual([
      ['ZeroOps plan', 'success'],
      ['ZeroOps approval', 'action_required'],
    ]);
    await github().review(number, 'alice', 'APPROVED');
    expect(
      github()
        .checkRuns(head)
        .filter((c) => c.name === 'ZeroOps approval')
        .at(-1)?.conclusion,
    ).toBe('success');
    await github().merge(number, 'carol');
    expect(await finished('drain-dc-a')).toBe(true);
    expect(runCheck('drain-dc-a')).toMatchObject({ conclusion: 'success' });
    expect(runCheck('drain-dc-a')!.text).toMatch(/✓ error_rate = [\d.e-]+ \(≤ 5% over 3s\)/);
    expect(await weight('dc-a')).toBe(0);
    const after = await world.lab.load!.next(100);
    expect(after.byDc['dc-a']).toBeUndefined();
    expect(comments(number)).toContain('Run of `drain-dc-a` ✅ succeeded.');
    expect(github().violations).toEqual([]);
  });

  it('restores the weights and opens an incident when errors in dc-b breach the gate', async () => {
    const number = await approvedPull(drainTask('drain-breach', '6s'), 'drain-breach');
    await github().merge(number, 'carol');
    expect(await eventually(async () => (await weight('dc-a')) === 50, 20_000)).toBe(true);
    const dcB = world.lab.instances.filter((i) => i.dc === 'dc-b');
    for (const instance of dcB) await setFaults(instance, { errorRatio: 0.9 });
    try {
      expect(await finished('drain-breach')).toBe(true);
    } finally {
      for (const instance of dcB) await setFaults(instance, {});
    }
    expect(runCheck('drain-breach')).toMatchObject({
      conclusion: 'failure',
      title: expect.stringMatching(
        /^rolled back: gate breached during shift-\d: error_rate = [\d.]+ \(limit ≤ 5% over 3s\)/,
      ),
    });
    expect([await weight('dc-a'), await weight('dc-b'), await weight('dc-c')]).toEqual([100, 100, 100]);
    // The check run completes first; the final comment and the incident follow it.
    const incidentOf = () => [...github().state.issues.values()].find((i) => i.title.includes('drain-breach'));
    expect(await eventually(async () => incidentOf() !== undefined, 20_000)).toBe(true);
    const incident = incidentOf()!;
    expect(incident.labels).toEqual(['zeroops', 'incident', 'severity:sev3', 'service:checkout']);
    expect(incident.body).toMatch(/### Evidence\n\n- \S+ `shift-\d` error_rate = [\d.]+ \(limit ≤ 5% over 3s\)/);
    expect(incident.body).toContain('All 1 rollback step(s) succeeded');
  });

  it('executes nothing without the required approval, or after a push that changed the plan, and says why', async () => {
    const unapproved = await github().openPullRequest({
      title: 'no review',
      branch: 'unapproved',
      files: { 'tasks/unapproved.yaml': drainTask('drain-unapproved') },
      author: 'carol',
    });
    await github().review(unapproved.number, 'mallory', 'APPROVED');
    await github().merge(unapproved.number, 'carol');
    expect(await eventually(() => comments(unapproved.number).includes('⛔'), 20_000)).toBe(true);
    expect(comments(unapproved.number)).toMatch(
      /⛔ ZeroOps did not execute:\n\n- `drain-unapproved`: not approved: 1 more approval\(s\) \(0 of 1\); an approval from an owner of service checkout: @alice, @bob; not counted: @mallory has no write access/,
    );

    const changed = await approvedPull(drainTask('drain-changed'), 'changed');
    await github().push(changed, { 'tasks/changed.yaml': drainTask('drain-changed', '3s') }, 'carol');
    expect(
      github()
        .checkRuns(github().pull(changed).head.sha)
        .find((c) => c.name === 'ZeroOps approval')?.conclusion,
    ).toBe('action_required');
    await github().merge(changed, 'carol');
    expect(await eventually(() => comments(changed).includes('⛔'), 20_000)).toBe(true);
    expect(comments(changed)).toContain('@alice approved an earlier plan of drain-changed');
    // Each merge's ⛔ answer is written once ZeroOps decided: no run can start after it.
    expect(runCheck('drain-unapproved')).toBeUndefined();
    expect(runCheck('drain-changed')).toBeUndefined();
    expect(await weight('dc-a')).toBe(100);
  });

  it('starts exactly one run when the same merge is delivered 50 times, concurrently too', async () => {
    const number = await approvedPull(drainTask('drain-once'), 'once');
    const merge = await github().merge(number, 'carol');
    await Promise.all(Array.from({ length: 49 }, (_, i) => github().redeliver(merge, { sameId: i % 2 === 0 })));
    expect(await finished('drain-once')).toBe(true);
    // Every delivery has been answered; wait until no merge job is left to handle, then count.
    const connection = connectRedis(world.lab.redis!.url);
    const merges = new Queue(mergeQueueName, { connection });
    try {
      const idle = async () => {
        const counts = await merges.getJobCounts('wait', 'active', 'delayed', 'prioritized');
        return Object.values(counts).every((n) => n === 0);
      };
      expect(await eventually(idle, 10_000)).toBe(true);
    } finally {
      await merges.close();
      connection.disconnect();
    }
    expect(
      github()
        .checkRuns()
        .filter((c) => c.name === 'ZeroOps run: drain-once'),
    ).toHaveLength(1);
    expect(
      github()
        .comments(number)
        .filter((c) => c.body.startsWith('🚀')),
    ).toHaveLength(1);
  });

  it('pauses, resumes and aborts by comment, and refuses a comment from someone without write access', async () => {
    const number = await approvedPull(drainTask('drain-steer', '20s'), 'steer');
    await github().merge(number, 'carol');
    expect(await eventually(() => runCheck('drain-steer')?.title === 'running', 20_000)).toBe(true);
    await github().comment(number, 'mallory', '/zeroops abort');
    expect(comments(number)).toContain(
      '@mallory only people with write access to acme/ops can steer runs; nothing was done.',
    );
    await github().comment(number, 'alice', '/zeroops pause');
    expect(runCheck('drain-steer')?.title).toBe('paused: paused by @alice');
    await github().comment(number, 'bob', '/zeroops resume');
    expect(runCheck('drain-steer')?.title).toBe('running');
    await github().comment(number, 'alice', '/zeroops abort');
    expect(await finished('drain-steer')).toBe(true);
    expect(runCheck('drain-steer')).toMatchObject({
      conclusion: 'cancelled',
      title: 'aborted: aborted by @alice; nothing was undone',
    });
    const reactions = github()
      .state.comments.filter((c) => c.issueNumber === number && c.body.startsWith('/zeroops'))
      .map((c) => [c.user.login, c.reactions]);
    expect(reactions).toEqual([
      ['mallory', ['-1']],
      ['alice', ['+1']],
      ['bob', ['+1']],
      ['alice', ['+1']],
    ]);
  });

  it('pauses instead of rolling back when Prometheus stops answering during a gate', async () => {
    const number = await approvedPull(drainTask('drain-blind', '30s'), 'blind');
    await github().merge(number, 'carol');
    expect(await eventually(async () => (await weight('dc-a')) === 50, 20_000)).toBe(true);
    process.kill(world.lab.prometheus!.pid, 'SIGSTOP');
    try {
      expect(
        await eventually(() => /^paused: no reliable metric data/.test(runCheck('drain-blind')?.title ?? ''), 30_000),
      ).toBe(true);
      expect(await weight('dc-a')).toBe(50);
    } finally {
      process.kill(world.lab.prometheus!.pid, 'SIGCONT');
    }
    expect(runCheck('drain-blind')?.title).toContain('error_rate: timeout');
    await github().comment(number, 'alice', '/zeroops rollback');
    expect(await finished('drain-blind')).toBe(true);
    expect(await weight('dc-a')).toBe(100);
  });

  it('finishes a run once when Redis restarts empty while it holds a step: the store is the truth', async () => {
    const number = await approvedPull(drainTask('drain-redis', '6s'), 'redis-lost');
    await github().merge(number, 'carol');
    expect(await eventually(async () => (await weight('dc-a')) === 50, 20_000)).toBe(true);
    await world.lab.redis!.restartEmpty();
    expect(await finished('drain-redis')).toBe(true);
    expect(runCheck('drain-redis')).toMatchObject({ conclusion: 'success' });
    expect(await weight('dc-a')).toBe(0);
    const [run] = await world.runtime.store.runs({ pullNumber: number });
    const started = (await world.runtime.store.events(run!.id))
      .filter((e) => e.type === 'step-started')
      .map((e) => e.data.step);
    expect(started).toEqual(['shift-1', 'shift-2']);
    expect(
      github()
        .checkRuns()
        .filter((c) => c.name === 'ZeroOps run: drain-redis'),
    ).toHaveLength(1);
  });

  it('exposes its own metrics, health and readiness', async () => {
    const base = `http://127.0.0.1:${world.runtime.port}`;
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/zeroops_webhooks_total\{event="pull_request_review.submitted"\} \d+/);
    expect(metrics).toMatch(/zeroops_runs_finished_total\{status="rolled_back"\} [1-9]/);
    expect(metrics).toMatch(/zeroops_step_duration_seconds_count\{kind="TrafficShift"\} [1-9]/);
    expect(metrics).toMatch(/zeroops_queue_jobs\{queue="zeroops-runs",state="waiting"\} \d+/);
    for (const path of ['/healthz', '/readyz']) expect((await fetch(`${base}${path}`)).status).toBe(200);
  });
});
