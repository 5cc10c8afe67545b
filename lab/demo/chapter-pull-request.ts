/** Chapter: a developer opens a pull request with the example tasks; ZeroOps plans it. */
import type { Chapter } from './chapter.js';

export const pullRequestChapter: Chapter = {
  name: 'pull-request',
  needs: ['start'],
  title: 'A developer opens a pull request; ZeroOps answers with a plan',
  async run(context) {
    const github = context.lab!.github!;
    console.log(
      `carol opens a pull request adding ${Object.keys(context.tasks).length} tasks: ${Object.keys(context.tasks).join(', ')}.`,
    );
    const started = Date.now();
    const { number } = await github.openPullRequest({
      title: 'Checkout: canaries, a restart, a schema change, dc-a failover',
      branch: 'ops/examples',
      files: context.tasks,
      author: 'carol',
    });
    context.pullNumber = number;
    const [check] = github.checkRuns(github.pull(number).head.sha);
    console.log(
      `\nPull request #${number}: check run "${check?.name}" → ${check?.conclusion} in ${Date.now() - started} ms: ${check?.title}\n`,
    );
    console.log(indent(check?.summary ?? ''));
    const comment = github.comments(number)[0];
    console.log(`The bot's comment on #${number} (${comment?.body.length} characters) begins:\n`);
    console.log(indent(comment?.body.split('\n').slice(1, 40).join('\n') ?? ''));
    console.log(
      `\n  … the full plans: test/fixtures/plans/*.md. GitHub API calls checked against GitHub's description: ${github.requests.length}, violations: ${github.violations.length}.`,
    );
  },
};

export const indent = (text: string) =>
  text
    .split('\n')
    .map((line) => `  │ ${line}`)
    .join('\n');
