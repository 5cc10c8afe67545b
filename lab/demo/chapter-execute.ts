/** Chapters: approve, merge and execute a drain of dc-a for real; then a drain that breaches its gate and rolls back. */
import { setFaults } from '../components/sample-service.js';
import type { GitHubDouble } from '../github-double/index.js';
import { sleep } from '../wait.js';
import { indent } from './chapter-pull-request.js';
import type { Chapter, DemoContext } from './chapter.js';
import { printSplit } from './chapter-traffic.js';

const drain = (name: string) => `apiVersion: zeroops.dev/v1
kind: TrafficShift
metadata: { name: ${name}, service: checkout }
spec:
  template: dc-failover@1
  weights: { dc-a: 0% }
  interval: 4s
  reason: P99 latency in dc-a jumped
`;

export async function mergeReviewed(
  github: GitHubDouble,
  name: string,
  manifest: string,
  title = `Drain dc-a (${name})`,
  reviewers = ['alice'],
): Promise<number> {
  const { number } = await github.openPullRequest({
    title,
    branch: name,
    files: { [`tasks/${name}.yaml`]: manifest },
    author: 'carol',
  });
  const head = github.pull(number).head.sha;
  const approval = () =>
    github
      .checkRuns(head)
      .filter((c) => c.name === 'ZeroOps approval')
      .at(-1);
  console.log(
    `carol opens #${number} with tasks/${name}.yaml. "ZeroOps approval" → ${approval()?.conclusion}: ${approval()?.title}.`,
  );
  for (const reviewer of reviewers) await github.review(number, reviewer, 'APPROVED');
  console.log(
    `${reviewers.join(' and ')} (owners of checkout) approve. ` +
      `"ZeroOps approval" → ${approval()?.conclusion}: ${approval()?.title}.`,
  );
  await github.merge(number, 'carol');
  console.log('carol merges. ZeroOps re-checks the policy itself and starts the run:\n');
  return number;
}

/** Print the run's check run title each time it changes, until the run is over. */
export async function follow(
  github: GitHubDouble,
  name: string,
  whileRunning?: (title: string) => Promise<void>,
  { quiet = false } = {},
): Promise<void> {
  let last = '';
  for (let i = 0; i < 600; i++) {
    const check = github
      .checkRuns()
      .filter((c) => c.name === `ZeroOps run: ${name}`)
      .at(-1);
    const title = check?.title ?? '';
    if (title && title !== last) {
      console.log(`  ⟳ ZeroOps run: ${name} — ${title}`);
      last = title;
      await whileRunning?.(title);
    }
    if (check?.status === 'completed') {
      console.log(`\n  Check run completed: ${check.conclusion}.${quiet ? '' : `\n${indent(check.text ?? '')}`}`);
      return;
    }
    await sleep(250);
  }
  throw new Error(`the run of ${name} did not finish in time`);
}

export const drainChapter: Chapter = {
  name: 'drain',
  needs: ['start'],
  title: 'A reviewed drain of dc-a is merged, and ZeroOps carries it out',
  async run(context: DemoContext) {
    const github = context.lab!.github!;
    const number = await mergeReviewed(github, 'drain-dc-a-now', drain('drain-dc-a-now'));
    await follow(github, 'drain-dc-a-now');
    console.log('\nThe traffic now, per datacenter:');
    await printSplit(context.lab!.load!, 3);
    console.log(`\nThe comment on #${number}: ${github.comments(number).at(-1)?.body.split('\n')[0]}`);
  },
};

export const breachChapter: Chapter = {
  name: 'breach',
  needs: ['start'],
  title: 'dc-b starts failing during the next drain: the gate breaches, ZeroOps rolls back and files an incident',
  async run(context: DemoContext) {
    const lab = context.lab!;
    for (const dc of ['dc-a', 'dc-b', 'dc-c']) await lab.haproxy!.command(`set weight checkout_stable/${dc} 100`);
    console.log('(dc-a is put back to full weight to start afresh.)\n');
    const github = lab.github!;
    await mergeReviewed(github, 'drain-dc-a-again', drain('drain-dc-a-again'));
    let injected = false;
    const dcB = lab.instances.filter((i) => i.dc === 'dc-b');
    try {
      await follow(github, 'drain-dc-a-again', async (title) => {
        if (injected || title !== 'running') return;
        injected = true;
        await sleep(1500);
        for (const instance of dcB) await setFaults(instance, { errorRatio: 0.5 });
        console.log('  ⚡ dc-b starts answering half of its requests with 500s');
      });
    } finally {
      for (const instance of dcB) await setFaults(instance, {});
    }
    const weights = [];
    for (const dc of ['dc-a', 'dc-b', 'dc-c'])
      weights.push(`${dc}=${(await lab.haproxy!.command(`get weight checkout_stable/${dc}`)).split(' ')[0]}`);
    console.log(`\nHAProxy weights after the rollback: ${weights.join(', ')} (as before the run).`);
    let incident = [...github.state.issues.values()].at(-1);
    for (let i = 0; i < 40 && !incident; i++, await sleep(250)) incident = [...github.state.issues.values()].at(-1);
    if (incident)
      console.log(
        `\nIncident issue #${incident.number} "${incident.title}" [${incident.labels.join(', ')}]:\n${indent(incident.body.split('\n').slice(0, 12).join('\n'))}`,
      );
  },
};
