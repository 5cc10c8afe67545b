/**
 * The closed loop on the lab: a PR draining dc-a is planned, approved by an owner, merged and
 * executed through the real HAProxy, watched by real Prometheus, reported on the PR.
 */
import { jest } from '@jest/globals';
import { drainTask, startWorld, type World } from '../support/e2e-world.js';
import { eventually, sleep } from '../support/lab.js';

jest.setTimeout(180_000);

let world: World;
beforeAll(async () => { world = await startWorld(); });
afterAll(() => world?.stop());

const github = () => world.lab.github!;
const runCheck = (name: string) => github().checkRuns().find((c) => c.name === `ZeroOps run: ${name}`);
const weight = async (dc: string) => Number((await world.lab.haproxy!.command(`get weight checkout_stable/${dc}`)).split(' ')[0]);

describe('TrafficShift end to end', () => {
  it('drains dc-a after an owner approves and the PR is merged', async () => {
    const { number } = await github().openPullRequest({ title: 'Drain dc-a', branch: 'drain', files: { 'tasks/drain-dc-a.yaml': drainTask() }, author: 'carol' });
    const head = github().pull(number).head.sha;
    expect(github().checkRuns(head).map((c) => [c.name, c.conclusion])).toEqual([['ZeroOps plan', 'success'], ['ZeroOps approval', 'action_required']]);
    await github().review(number, 'alice', 'APPROVED');
    expect(github().checkRuns(head).filter((c) => c.name === 'ZeroOps approval').at(-1)?.conclusion).toBe('success');
    await github().merge(number, 'carol');
    expect(await eventually(() => runCheck('drain-dc-a')?.status === 'completed', 60_000)).toBe(true);
    expect(runCheck('drain-dc-a')).toMatchObject({ conclusion: 'success' });
    expect(await weight('dc-a')).toBe(0);
    const mark = world.lab.load!.mark();
    await sleep(1500);
    const after = world.lab.load!.since(mark);
    expect(after.total).toBeGreaterThan(50);
    expect(after.byDc['dc-a']).toBeUndefined();
    expect(github().comments(number).map((c) => c.body).join('\n')).toContain('Run of `drain-dc-a` ✅ succeeded.');
    expect(github().violations).toEqual([]);
  });
});
