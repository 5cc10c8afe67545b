/** Chapter: a push with a mistake gets a failing check with annotations on the exact lines. */
import { indent } from './chapter-pull-request.js';
import type { Chapter } from './chapter.js';

export const mistakeChapter: Chapter = {
  name: 'mistake',
  needs: ['pull-request'],
  title: 'A push with a mistake: the check fails on the exact line',
  async run(context) {
    const github = context.lab!.github!;
    const number = context.pullNumber!;
    const path = 'tasks/drain-dc-a.yaml';
    const broken = context.tasks[path]!.replace('weights: { dc-a: 0% }', 'weights: { dc-d: 0% }').replace(
      'dc-failover@1',
      'dc-failover@3',
    );
    console.log(
      `carol pushes a change to ${path}: a datacenter that does not exist, and a template version that does not exist.`,
    );
    await github.push(number, { [path]: broken });
    const [check] = github.checkRuns(github.pull(number).head.sha);
    console.log(`\nCheck run → ${check?.conclusion}: ${check?.title}. Annotations on the diff:`);
    for (const a of check?.annotations ?? [])
      console.log(indent(`${a.path}:${a.start_line}:${a.start_column} ${a.annotation_level}: ${a.message}`));
    console.log(`\nThe comment was updated in place: ${github.comments(number).length} comment on the pull request.`);
    await github.push(number, { [path]: context.tasks[path]! });
    console.log(`carol fixes it; the check is ${github.checkRuns(github.pull(number).head.sha)[0]?.conclusion} again.`);
  },
};
