/**
 * Chapter: a person asks in their own words on an issue; ZeroOps writes the task, opens a pull
 * request with it, and the plan there shows what earlier runs of the same kind say.
 */
import { sleep } from '../wait.js';
import { indent } from './chapter-pull-request.js';
import type { Chapter } from './chapter.js';

export const askChapter: Chapter = {
  name: 'ask',
  needs: ['start', 'breach'],
  title: 'Asking in words: a request on an issue becomes a planned pull request, with what history says',
  async run(context) {
    const github = context.lab!.github!;
    const issue = github.openIssue({ title: 'Ops requests', body: 'Ask ZeroOps here.', author: 'carol' });
    const ask = async (words: string) => {
      const before = github.comments(issue).length;
      console.log(`carol comments on issue #${issue}: ${words}`);
      const asked = Date.now();
      await github.comment(issue, 'carol', words);
      await github.settled();
      let reply = github.comments(issue)[before + 1];
      for (let i = 0; i < 40 && !reply; i++, await sleep(250)) reply = github.comments(issue)[before + 1];
      console.log(`ZeroOps answers in ${Date.now() - asked} ms:\n${indent(reply?.body ?? '(no answer)')}\n`);
      return reply?.body ?? '';
    };
    await ask('/zeroops expand the canary to 20%');
    const answer = await ask('/zeroops 将 dc-b 的流量切走');
    const opened = Number(/opened #(\d+)/.exec(answer)?.[1]);
    if (!opened) return;
    await github.settled();
    const head = github.pull(opened).head.sha;
    let check = github.checkRuns(head).find((c) => c.name === 'ZeroOps plan');
    for (let i = 0; i < 40 && !check?.conclusion; i++, await sleep(250))
      check = github.checkRuns(head).find((c) => c.name === 'ZeroOps plan');
    console.log(`Pull request #${opened} "${github.pull(opened).title}": "ZeroOps plan" → ${check?.conclusion}.`);
    const plan = github.comments(opened).at(-1)?.body ?? '';
    const history = plan.slice(plan.indexOf('### What history says')).split('\n### ')[0]!;
    console.log(`\nIts plan comment, what history says:\n${indent(history.trim() || '(no earlier runs)')}`);
  },
};
