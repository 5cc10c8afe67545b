/**
 * Chapter: a deploy brings a goroutine leak; the patrol finds it, names the function, proposes a
 * rolling restart, runs it when a person confirms, checks it worked, proposes the autonomy that
 * would have saved the wait, and drafts the postmortem when the issue is closed.
 */
import type { GitHubDouble } from '../github-double/index.js';
import { deployTask, patrolFiles } from '../patrol-service.js';
import { waitFor } from '../wait.js';
import { indent } from './chapter-pull-request.js';
import type { Chapter } from './chapter.js';
import { withProgress } from './progress.js';

const leaking = ['checkout-a1', 'checkout-b1', 'checkout-c1'];

const latestComment = (github: GitHubDouble, issue: number, match: (body: string) => boolean) =>
  github
    .comments(issue)
    .map((c) => c.body)
    .filter(match)
    .at(-1);

export const patrolChapter: Chapter = {
  name: 'patrol',
  needs: ['start'],
  title: 'The patrol: a leak after a deploy, found, explained, remediated, written up',
  async run(context) {
    const lab = context.lab!;
    const github = lab.github!;
    // Governed files (service, template, config) change through a reviewed pull request, like any change.
    const { number: setup } = await github.openPullRequest({
      title: 'Put checkout under the patrol',
      branch: 'patrol-checkout',
      files: patrolFiles(lab, 'confirm'),
      author: 'carol',
    });
    await github.review(setup, 'alice', 'APPROVED');
    await github.review(setup, 'bob', 'APPROVED');
    const approval = github
      .checkRuns(github.pull(setup).head.sha)
      .filter((c) => c.name === 'ZeroOps approval')
      .at(-1);
    if (approval?.conclusion !== 'success') throw new Error(`#${setup} is not approved: ${approval?.title}`);
    await github.merge(setup, 'carol');
    console.log(`carol's #${setup}, approved by alice and bob, puts checkout under the patrol: its goroutines`);
    console.log('are inspected every 5 s over the last minute (compressed time: the lab scrapes every second),');
    console.log('and the policy says a person confirms a remediation.\n');

    const name = 'deploy-v1-3';
    const { number: deployPull } = await github.openPullRequest({
      title: 'Deploy checkout v1.3.0 to one instance per datacenter',
      branch: name,
      files: { [`tasks/${name}.yaml`]: deployTask(name, 'v1.3.0', 'v1.0.0', leaking) },
      author: 'carol',
    });
    await github.review(deployPull, 'alice', 'APPROVED');
    await github.merge(deployPull, 'carol');
    console.log(`carol's #${deployPull} deploys v1.3.0 to ${leaking.join(', ')}; alice approved, carol merged.`);
    console.log('v1.3.0 starts a watcher goroutine per request that never ends.\n');

    const issue = await withProgress('the patrol inspects checkout', async (note) => {
      const found = await waitFor(
        'the incident',
        // Filed first, then written up: shown once written.
        () =>
          github
            .issues()
            .find((i) => i.state === 'open' && /Goroutine leak/.test(i.title) && i.body.includes('### Evidence')),
        180,
      );
      note(`incident #${found.number} filed`);
      return found;
    });
    console.log(`\nIssue #${issue.number}: ${issue.title}\n  labels: ${issue.labels.join(', ')}\n`);
    console.log(indent((issue.body ?? '').split('\n').slice(0, 45).join('\n')));
    console.log('  │ …\n');

    await github.comment(issue.number, 'mallory', '/zeroops remediate rolling-restart');
    console.log(`mallory (read access) comments /zeroops remediate rolling-restart. ZeroOps answers:`);
    console.log(indent(latestComment(github, issue.number, (b) => b.includes('@mallory')) ?? '(no answer)'));
    await github.comment(issue.number, 'alice', '/zeroops remediate rolling-restart');
    console.log('alice (write access) asks for the same:\n');
    const verdict = await withProgress('rolling restart, then a look at the goroutines afterwards', async (note) => {
      await waitFor('the run', () => latestComment(github, issue.number, (b) => b.startsWith('▶ @alice')));
      note('run started, three instances at a time, gated on errors');
      const done = await waitFor(
        'the verification',
        () => latestComment(github, issue.number, (b) => /^(✅|❌|⚠)/.test(b)),
        120,
      );
      note('verified');
      return done;
    });
    console.log(indent(verdict));

    const selfHealing = await waitFor('the self-healing pull request', () =>
      [...github.state.pulls.values()].find((p) => p.title.startsWith('Let ZeroOps')),
    );
    console.log(`\nZeroOps proposes #${selfHealing.number}: "${selfHealing.title}" — merge it and next time`);
    console.log('the same restart runs without waiting for anyone (an admin must approve it).\n');

    await github.closeIssue(issue.number, 'alice');
    const postmortem = await waitFor('the postmortem', () =>
      [...github.state.pulls.values()].find((p) => p.title.startsWith('Postmortem:')),
    );
    const files = await github.files(postmortem.head.ref);
    const path = Object.keys(files).find((p) => p.startsWith('postmortems/'))!;
    console.log(`alice closes #${issue.number}; ZeroOps drafts the postmortem as #${postmortem.number} (${path}):\n`);
    console.log(indent(files[path]!.split('\n').slice(0, 30).join('\n')));
    console.log('  │ …');
  },
};
