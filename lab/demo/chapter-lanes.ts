/** Chapter: three canaries at once; a lane that would serve the users of another is refused on the pull request. */
import { indent } from './chapter-pull-request.js';
import type { Chapter } from './chapter.js';

export const lanesChapter: Chapter = {
  name: 'lanes',
  needs: ['pull-request'],
  title: 'Several canaries at once: a lane over another lane’s users is refused, at its line',
  async run(context) {
    const github = context.lab!.github!;
    const number = context.pullNumber!;
    const path = 'tasks/canary-v1-2.yaml';
    const original = context.tasks[path]!;
    const overlapping = original.replace(/\n\s*# Not the users[^\n]*\n\s*exclude: \{ features: \[A, B\] \}/, '');
    console.log(
      'v1.1 takes over v1.0’s beta users (A and B); v1.2 brings C alone to iOS ≥ 17 users in cn-east.\n' +
        `carol pushes ${path} without its exclusion of the users who have A or B.`,
    );
    await github.push(number, { [path]: overlapping });
    const [refused] = github.checkRuns(github.pull(number).head.sha);
    console.log(`\nCheck run → ${refused?.conclusion}: ${refused?.title}. On the diff:`);
    for (const a of refused?.annotations ?? [])
      console.log(indent(`${a.path}:${a.start_line}:${a.start_column} ${a.annotation_level}: ${a.message}`));
    await github.push(number, { [path]: original });
    const [accepted] = github.checkRuns(github.pull(number).head.sha);
    console.log(`\ncarol puts the exclusion back: the check is ${accepted?.conclusion}. The comment's lane map:\n`);
    const body = github.comments(number)[0]?.body ?? '';
    console.log(indent(body.slice(body.indexOf('### Canary lanes')).trim()));
  },
};
