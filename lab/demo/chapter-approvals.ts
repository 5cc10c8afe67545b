/** Chapter: a writer tries to lower the bar and merge a drain unreviewed; nothing runs, and the next pull request carries the change. */
import type { GitHubDouble } from '../github-double/index.js';
import { sleep } from '../wait.js';
import { indent } from './chapter-pull-request.js';
import type { Chapter } from './chapter.js';

const quietDrain = `apiVersion: zeroops.dev/v1
kind: TrafficShift
metadata: { name: drain-quietly, service: checkout }
spec:
  weights: { dc-a: 0% }
  steps: 1
  reason: nobody will notice
`;

const lastCheck = (github: GitHubDouble, number: number, name: string) =>
  github
    .checkRuns(github.pull(number).head.sha)
    .filter((c) => c.name === name)
    .at(-1);

export const approvalsChapter: Chapter = {
  name: 'approvals',
  title: 'A writer tries to lower the bar: the policy governs its own changes',
  needs: ['start'],
  async run(context) {
    const github = context.lab!.github!;
    github.setPermission('dave', 'write');
    const config = context.files['.zeroops/config.yaml']!.replace(
      /defaultApprovals: \d+/,
      'defaultApprovals: 0',
    ).replace('requireOwner: true', 'requireOwner: false');
    const { number } = await github.openPullRequest({
      title: 'Tidy the policy',
      branch: 'tidy-policy',
      author: 'carol',
      files: { '.zeroops/config.yaml': config, 'tasks/drain-quietly.yaml': quietDrain },
    });
    console.log(
      `carol opens #${number}: it sets defaultApprovals to 0 in .zeroops/config.yaml and adds a drain of dc-a.`,
    );
    const plan = lastCheck(github, number, 'ZeroOps plan');
    console.log(`"ZeroOps plan" → ${plan?.title}. The governed file is planned like a task:`);
    console.log(
      indent(
        (plan?.summary ?? '')
          .split('\n')
          .filter((l) => l.startsWith('| `.zeroops'))
          .join('\n'),
      ),
    );
    const approval = lastCheck(github, number, 'ZeroOps approval');
    console.log(`"ZeroOps approval" → ${approval?.conclusion}: ${approval?.title}.`);
    await github.merge(number, 'carol');
    console.log('carol merges it anyway, without a review (the repository has no branch protection):\n');
    console.log(indent(await answer(github, number)));
    console.log(
      `\nHAProxy still sends dc-a its full weight: ${await weightOf(context.lab!.haproxy!.command.bind(context.lab!.haproxy!), 'dc-a')}.`,
    );

    const next = await github.openPullRequest({
      title: 'A drain',
      branch: 'next-drain',
      author: 'dave',
      files: { 'tasks/drain-later.yaml': quietDrain.replace('drain-quietly', 'drain-later') },
    });
    await github.review(next.number, 'carol', 'APPROVED');
    const carried = lastCheck(github, next.number, 'ZeroOps approval');
    console.log(
      `\ndave opens #${next.number} with a drain and carol approves it. The unapproved policy is still on main, so #${next.number} carries it:`,
    );
    console.log(
      indent(
        (carried?.summary ?? '')
          .split('\n')
          .filter((l) => l.startsWith('| `'))
          .join('\n'),
      ),
    );
  },
};

async function answer(github: GitHubDouble, number: number): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const said = github
      .comments(number)
      .map((c) => c.body)
      .find((b) => b.startsWith('⛔') || b.startsWith('🚀'));
    if (said) return said;
    await sleep(100);
  }
  return '(no answer)';
}

const weightOf = async (command: (c: string) => Promise<string>, dc: string) =>
  (await command(`get weight checkout_stable/${dc}`)).split(' ')[0];
