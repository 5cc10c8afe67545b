/** `/zeroops` comments on a merged pull request, on the embedded store with a forge kept in memory. */
import { handleCommand, type CommandDeps } from '../../../src/app/handle-command.js';
import { aPlan, aRun, aStep } from '../../support/builders.js';
import { embeddedStorePerTest, quietLog } from '../../support/embedded-store.js';
import { FakeForge } from '../../support/fake-forge.js';

const storeOf = embeddedStorePerTest('handle-command-');
const repo = { owner: 'acme', repo: 'ops' };
let forge: FakeForge;
let scheduled: string[];
let deps: CommandDeps;
let comments = 0;

beforeEach(() => {
  forge = new FakeForge();
  forge.permissions.set('alice', 'write').set('bob', 'admin').set('mallory', 'read');
  forge.pulls.set(1, { author: 'carol', headSha: 'h', baseSha: 'b', merged: true, mergeSha: 'm' });
  scheduled = [];
  deps = {
    forge,
    store: storeOf(),
    scheduler: { later: async (id) => void scheduled.push(id) },
    reporter: { changed: async () => {} },
    clock: () => new Date('2026-12-01T10:00:00Z'),
    log: quietLog,
  };
});

const say = (author: string, body: string) =>
  handleCommand(deps, { repo, number: 1, commentId: ++comments, author, body });
const lastReply = () => forge.said(1).at(-1)!;

describe('/zeroops status', () => {
  it("lists each run of the pull request with its progress and reason, and reacts with 'eyes'", async () => {
    await storeOf().createRun(
      aRun({
        status: 'paused',
        reason: 'paused by @alice',
        steps: [
          { id: 'one', status: 'succeeded', attempts: 1, evidence: [] },
          { id: 'two', status: 'pending', attempts: 0, evidence: [] },
        ],
      }),
    );
    await say('bob', '/zeroops status');
    expect(lastReply()).toBe('> /zeroops status\n\n@bob - `task-1`: **paused**, 1/2 steps — paused by @alice');
    expect(forge.reactions.at(-1)?.reaction).toBe('eyes');
  });

  it('says when the pull request has no runs', async () => {
    await say('alice', '/zeroops status');
    expect(lastReply()).toBe('> /zeroops status\n\n@alice this pull request has no runs.');
  });
});

describe('steering', () => {
  it('obeys only people with write access, and says so to the others', async () => {
    const { run } = await storeOf().createRun(aRun({ status: 'running' }));
    await say('mallory', '/zeroops abort');
    expect(lastReply()).toBe(
      '> /zeroops abort\n\n@mallory only people with write access to acme/ops can steer runs; nothing was done.',
    );
    expect((await storeOf().run(run.id))?.status).toBe('running');
    expect(forge.reactions.at(-1)?.reaction).toBe('-1');
  });

  it('pauses and resumes a run, answering with its new state and queueing it again', async () => {
    const { run } = await storeOf().createRun(aRun({ status: 'running' }));
    await say('alice', '/zeroops pause');
    expect(lastReply()).toBe('> /zeroops pause\n\n@alice `task-1`: pause done; the run is now paused.');
    await say('alice', '/zeroops pause');
    expect(lastReply()).toBe('> /zeroops pause\n\n@alice `task-1`: not done — the run is already paused.');
    await say('alice', '/zeroops resume');
    expect((await storeOf().run(run.id))?.status).toBe('running');
    expect(scheduled).toEqual([run.id, run.id]);
    expect((await storeOf().events(run.id)).map((e) => [e.type, e.actor])).toEqual([
      ['run-paused', 'alice'],
      ['run-resumed', 'alice'],
    ]);
  });

  it('answers an unknown verb with the list of commands, and a finished run with nothing to do', async () => {
    await say('alice', '/zeroops restart-everything');
    expect(lastReply()).toBe(
      '> /zeroops restart-everything\n\n@alice I do not know `restart-everything`. Commands: `/zeroops pause`, ' +
        '`resume`, `abort`, `rollback`, `approve-step <step>`, `status`; on an incident, `remediate <option>` or ' +
        '`failover <datacenter>`; anywhere, `ask <question>`; on an issue, a request in words, e.g. ' +
        '`/zeroops restart checkout`.',
    );
    await storeOf().createRun(aRun({ status: 'succeeded' }));
    await say('alice', '/zeroops rollback');
    expect(lastReply()).toBe('> /zeroops rollback\n\n@alice no run of this pull request is in progress.');
  });

  it('lets an owner who did not write the change approve a waiting step, and not the author', async () => {
    const plan = aPlan([aStep('one'), aStep('two', { approval: 'check the dashboards first' })], {
      approvals: { required: 1, ownerRequired: true, owners: ['alice'], source: 'test' },
    });
    const { run } = await storeOf().createRun(
      aRun({
        plan,
        status: 'waiting',
        steps: [
          { id: 'one', status: 'succeeded', attempts: 1, evidence: [] },
          { id: 'two', status: 'pending', attempts: 0, evidence: [] },
        ],
      }),
    );
    forge.permissions.set('carol', 'write');
    await say('carol', '/zeroops approve-step two');
    expect(lastReply()).toContain('approving a step follows the review rules, and @carol wrote the change');
    await say('bob', '/zeroops approve-step two');
    expect(lastReply()).toContain('it needs an owner of service checkout: @alice');
    await say('alice', '/zeroops approve-step two');
    expect(lastReply()).toBe(
      '> /zeroops approve-step two\n\n@alice `task-1`: approve-step two done; the run is now running.',
    );
    expect((await storeOf().run(run.id))?.steps[1]?.approvedBy).toBe('alice');
  });

  const waitingAt = (task: string, step: 'one' | 'two') => {
    const base = aPlan([aStep('one', { approval: 'look first' }), aStep('two', { approval: 'check the dashboards' })]);
    const plan = { ...base, task: { ...base.task, name: task } };
    return aRun({
      plan,
      status: 'waiting',
      steps: [
        { id: 'one', status: step === 'one' ? 'pending' : 'succeeded', attempts: 0, evidence: [] },
        { id: 'two', status: 'pending', attempts: 0, evidence: [] },
      ],
    });
  };

  it('approves only the step a run has reached, and asks which run when several wait for one', async () => {
    const early = (await storeOf().createRun(waitingAt('early', 'one'))).run;
    await say('bob', '/zeroops approve-step two');
    expect(lastReply()).toBe(
      '> /zeroops approve-step two\n\n@bob `early`: step two is not waiting for approval: the run is at step one, ' +
        'and asks when it gets there; nothing was done.',
    );
    expect((await storeOf().run(early.id))?.steps[1]?.approvedBy).toBeUndefined();

    const first = (await storeOf().createRun(waitingAt('drop-a', 'two'))).run;
    const second = (await storeOf().createRun(waitingAt('drop-b', 'two'))).run;
    await say('bob', '/zeroops approve-step two');
    expect(lastReply()).toContain(
      '2 runs wait for approval of step two: approve each on its own, `/zeroops approve-step drop-a/two` or ' +
        '`/zeroops approve-step drop-b/two`; nothing was done.',
    );
    await say('bob', '/zeroops approve-step drop-b/two');
    expect(lastReply()).toBe(
      '> /zeroops approve-step drop-b/two\n\n@bob `drop-b`: approve-step two done; the run is now running.',
    );
    expect((await storeOf().run(second.id))?.steps[1]?.approvedBy).toBe('bob');
    expect((await storeOf().run(first.id))?.steps[1]?.approvedBy).toBeUndefined();
    forge.permissions.set('ci[bot]', 'write');
    await say('ci[bot]', '/zeroops approve-step drop-a/two');
    expect(lastReply()).toContain('bots cannot approve steps; nothing was done.');
    await say('bob', '/zeroops approve-step nobody/two');
    expect(lastReply()).toContain('no run of this pull request is task `nobody`; nothing was done.');
  });

  it('asks what an approval asks of a rollback past an approved step, and of resuming another’s pause', async () => {
    forge.permissions.set('carol', 'write').set('dave', 'write');
    const approvedRun = waitingAt('replace', 'two');
    approvedRun.steps[0] = { ...approvedRun.steps[0]!, approvedBy: 'alice' };
    approvedRun.plan.approvals = { required: 1, ownerRequired: true, owners: ['alice'], source: 'test' };
    const { run } = await storeOf().createRun(approvedRun);
    await say('carol', '/zeroops rollback');
    expect(lastReply()).toContain(
      'a rollback undoes approved steps: one (@alice), so it follows the review rules, and @carol wrote the change',
    );
    await say('dave', '/zeroops pause');
    await say('alice', '/zeroops resume'); // an owner may resume what dave paused
    expect((await storeOf().run(run.id))?.status).toBe('waiting');
    await say('alice', '/zeroops pause');
    await say('dave', '/zeroops resume');
    expect(lastReply()).toContain('resuming what @alice paused is a judgment, so it follows the review rules');
    expect((await storeOf().run(run.id))?.status).toBe('paused');
    await say('alice', '/zeroops resume');
    await say('alice', '/zeroops rollback');
    expect((await storeOf().run(run.id))?.status).toBe('rolling_back');
  });

  it('reads a command from the first line only: one quoted further down is not obeyed', async () => {
    const { run } = await storeOf().createRun(waitingAt('drop-a', 'two'));
    await say('bob', '/zeroops how do I approve this?\n```\n/zeroops approve-step two\n```');
    await say('bob', '/zeroops\napprove-step two');
    expect((await storeOf().run(run.id))?.steps[1]?.approvedBy).toBeUndefined();
    // The first line is the command, whatever follows it.
    await say('bob', '/zeroops approve-step two\nThe dashboards look fine.');
    expect((await storeOf().run(run.id))?.steps[1]?.approvedBy).toBe('bob');
  });
});

describe('/zeroops failover on a watch incident', () => {
  it('passes a writer’s datacenter to the watch, refuses readers and bots, and asks which datacenter', async () => {
    const asked: string[] = [];
    deps.failover = async (issue, dc, by) => {
      asked.push(`${issue.number} ${dc} ${by}`);
      return `▶ ${dc} will be drained at the next scrape`;
    };
    await say('alice', '/zeroops failover dc-a');
    expect(asked).toEqual(['1 dc-a alice']);
    expect(lastReply()).toBe('> /zeroops failover dc-a\n\n@alice ▶ dc-a will be drained at the next scrape');
    expect(forge.reactions.at(-1)?.reaction).toBe('rocket');
    await say('mallory', '/zeroops failover dc-a');
    forge.permissions.set('deploy-bot[bot]', 'write');
    await say('deploy-bot[bot]', '/zeroops failover dc-a');
    expect(lastReply()).toBe(
      '> /zeroops failover dc-a\n\n@deploy-bot[bot] bots cannot ask for a failover; nothing was done.',
    );
    await say('alice', '/zeroops failover');
    expect(lastReply()).toMatch(/^> \/zeroops failover\n\n@alice which datacenter\? Commands:/);
    expect(asked).toEqual(['1 dc-a alice']);
  });
});

describe('questions and requests in words', () => {
  it('answers `ask` on a pull request or an issue from the case library', async () => {
    const asked: string[] = [];
    deps.ask = async (_repo, question) => (asked.push(question), '1 run(s) and 0 incident(s) since 2026-09-04:');
    await say('alice', '/zeroops ask which runs failed in the last month?');
    expect(asked).toEqual(['which runs failed in the last month?']);
    expect(lastReply()).toBe(
      '> /zeroops ask which runs failed in the last month?\n\n@alice 1 run(s) and 0 incident(s) since 2026-09-04:',
    );
    expect(forge.reactions.at(-1)?.reaction).toBe('eyes');
  });

  it('takes words on an issue as a request, and on a pull request only the commands', async () => {
    const requests: string[] = [];
    deps.request = async (ask) => (requests.push(ask.text), { reply: 'opened #9: Restart checkout', opened: 9 });
    await handleCommand(deps, {
      repo,
      number: 5,
      commentId: 50,
      author: 'alice',
      body: '/zeroops 重启 checkout',
      onPullRequest: false,
    });
    await handleCommand(deps, {
      repo,
      number: 1,
      commentId: 51,
      author: 'alice',
      body: '/zeroops restart checkout',
      onPullRequest: true,
    });
    expect(requests).toEqual(['重启 checkout']);
    expect(forge.said(5).at(-1)).toBe('> /zeroops 重启 checkout\n\n@alice opened #9: Restart checkout');
    expect(forge.reactions.find((r) => r.commentId === 50)?.reaction).toBe('rocket');
  });

  it('does not take requests from people without write access, nor from bots', async () => {
    const requests: string[] = [];
    deps.request = async (ask) => (requests.push(ask.text), { reply: 'opened', opened: 1 });
    forge.permissions.set('ci[bot]', 'write');
    await handleCommand(deps, {
      repo,
      number: 5,
      commentId: 60,
      author: 'mallory',
      body: '/zeroops drain dc-a',
      onPullRequest: false,
    });
    await handleCommand(deps, {
      repo,
      number: 5,
      commentId: 61,
      author: 'ci[bot]',
      body: '/zeroops drain dc-a',
      onPullRequest: false,
    });
    expect(requests).toEqual([]);
    expect(forge.said(5).at(-1)).toBe('> /zeroops drain dc-a\n\n@ci[bot] bots cannot ask for tasks; nothing was done.');
  });
});
