/**
 * The patrol's whole loop through the bot, on the lab: a deploy merged through a pull request brings
 * a goroutine leak to three real instances; the patrol files the incident (the function the
 * profiles show growing, its file and line, the curve, the change it came with); a reader's
 * `/zeroops remediate` is refused, a writer's runs a rolling restart that is then verified; the
 * self-healing pull request is proposed; closing the issue drafts the postmortem. Then, with the
 * autonomy the self-healing PR grants merged, the next leak is remediated without anyone asking.
 */
import { jest } from '@jest/globals';
import type { GitHubDouble } from '../../lab/github-double/index.js';
import { deployTask, patrolFiles } from '../../lab/patrol-service.js';
import { sleep, waitFor } from '../../lab/wait.js';
import { mergeApproved, runCheckOf, startWorld, type World } from '../support/e2e-world.js';

jest.setTimeout(600_000);

let world: World;
let github: GitHubDouble;
const leakingInstances = ['checkout-a1', 'checkout-b1', 'checkout-c1'];

beforeAll(async () => {
  world = await startWorld();
  github = world.lab.github!;
  await github.state.git.commit('main', patrolFiles(world.lab, 'confirm'), 'Put checkout under the patrol');
});
afterAll(async () => {
  if (process.env.SHOWCASE_DEBUG) {
    for (const issue of github.issues())
      console.log(`#${issue.number} ${issue.title}\n${issue.body}\n${commentsOn(issue.number).join('\n---\n')}`);
    console.log(
      github
        .checkRuns()
        .map((c) => `${c.name}: ${c.status} ${c.conclusion} ${c.title}`)
        .join('\n'),
    );
  }
  await world?.stop();
});

/** An open incident whose title matches, once its body is written (it is filed first, then written up). */
const incidentIssue = (title: RegExp) =>
  github.issues().find((i) => title.test(i.title) && i.state === 'open' && i.body.includes('### Evidence'));
const commentsOn = (number: number) => github.comments(number).map((c) => c.body);
const pullTitled = (title: RegExp) => [...github.state.pulls.values()].find((p) => title.test(p.title));

async function deployed(name: string, version: string): Promise<number> {
  const number = await mergeApproved(world, name, deployTask(name, version, 'v1.0.0', leakingInstances));
  const check = await waitFor(`the run of ${name}`, () => {
    const c = runCheckOf(world, name);
    return c?.status === 'completed' ? c : undefined;
  });
  expect(check.conclusion).toBe('success');
  return number;
}

describe('a goroutine leak, from the deploy that brings it to the postmortem', () => {
  let deployPull: number;
  let issueNumber: number;

  it('files one incident naming the leaking function, its file, the version and the change, with the curve', async () => {
    deployPull = await deployed('deploy-v1-3', 'v1.3.0');
    const issue = await waitFor('the incident', () => incidentIssue(/Goroutine leak/));
    issueNumber = issue.number;
    expect(issue.title).toMatch(
      /Goroutine leak in checkout v1\.3\.0: `main\.\(\*notifier\)\.watch` holds [\d,]+ goroutines/,
    );
    expect(issue.body).toContain('main.(*notifier).watch');
    expect(issue.body).toMatch(/notifier\.go:\d+/);
    expect(issue.body).toContain(`since #${deployPull}`);
    expect(issue.body).toContain('xychart-beta');
    expect(issue.labels).toEqual(expect.arrayContaining(['incident']));
    // Inspected again and again, it stays one issue.
    await sleep(12_000);
    expect(github.issues().filter((i) => /Goroutine leak/.test(i.title))).toHaveLength(1);
    expect(commentsOn(issueNumber).join('\n')).toContain('/zeroops remediate rolling-restart');
  });

  it("refuses a reader's remediation and runs a writer's, then verifies it worked", async () => {
    await github.comment(issueNumber, 'mallory', '/zeroops remediate rolling-restart');
    await waitFor('the refusal', () => commentsOn(issueNumber).find((b) => /mallory/.test(b) && /write/.test(b)));
    expect(runCheckOf(world, `remediate-${issueNumber}-rolling-restart-1`)).toBeUndefined();

    await github.comment(issueNumber, 'alice', '/zeroops remediate rolling-restart');
    await waitFor('the remediation run', () => commentsOn(issueNumber).find((b) => b.startsWith('▶ @alice')));
    const verified = await waitFor('the verification', () =>
      commentsOn(issueNumber).find((b) => b.includes('✅ **rolling-restart worked**')),
    );
    expect(verified).toMatch(/goroutines/);
    const restarts = github
      .checkRuns()
      .filter((c) => c.name.startsWith('ZeroOps run: ') && /restart/.test(c.name))
      .at(-1);
    expect(restarts).toMatchObject({ status: 'completed', conclusion: 'success' });
  });

  it('proposes the self-healing pull request, and drafts the postmortem when the issue is closed', async () => {
    const selfHealing = await waitFor('the self-healing pull request', () =>
      pullTitled(/Let ZeroOps rolling-restart checkout on its own for a goroutine-leak/),
    );
    const config = (await github.files(selfHealing.head.ref))['.zeroops/config.yaml']!;
    expect(config).toMatch(/goroutine-leak/);
    expect(config).toMatch(/auto/);

    await github.closeIssue(issueNumber, 'alice');
    const postmortem = await waitFor('the postmortem pull request', () => pullTitled(/[Pp]ostmortem/));
    const files = await github.files(postmortem.head.ref);
    const path = Object.keys(files).find((p) => p.startsWith('postmortems/'))!;
    expect(path).toMatch(/^postmortems\/\d{4}-\d\d-\d\d-goroutine-leak.*\.md$/);
    expect(files[path]).toContain('main.(*notifier).watch');
    expect(files[path]).toMatch(/#\d+/);

    // An admin approves the autonomy the incident earned; the next leak is remediated on its own.
    await github.review(selfHealing.number, 'bob', 'APPROVED');
    await github.merge(selfHealing.number, 'bob');
    await deployed('deploy-v1-3-1', 'v1.3.1');
    const next = await waitFor('the second incident', () => incidentIssue(/Goroutine leak in checkout v1\.3\.1/));
    await waitFor('the remediation ZeroOps starts on its own', () =>
      commentsOn(next.number).find((b) => b.startsWith('▶ ZeroOps runs, as the policy allows,')),
    );
    await waitFor('its verification', () =>
      commentsOn(next.number).find((b) => b.includes('✅ **rolling-restart worked**')),
    );
  });
});
