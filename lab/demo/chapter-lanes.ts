/**
 * Chapter: three canaries at once. A lane that would serve the users of another is refused on the
 * pull request, at its line; then the three-version story runs for real through the fleet and
 * HAProxy, and the traffic each lane receives is shown from the users' side.
 */
import type { LoadGenerator } from '../components/load-generator.js';
import { labLaneRollout } from '../lane-rollout.js';
import { sleep } from '../wait.js';
import { indent } from './chapter-pull-request.js';
import type { Chapter, DemoContext } from './chapter.js';
import { follow, mergeReviewed } from './chapter-execute.js';

export const lanesChapter: Chapter = {
  name: 'lanes',
  needs: ['pull-request'],
  title: 'Several canaries at once: refused where they overlap, then three lanes live side by side',
  async run(context) {
    await refusedAtItsLine(context);
    await threeVersions(context);
  },
};

async function refusedAtItsLine(context: DemoContext): Promise<void> {
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
}

/** A lane holding each step 15 s. */
const lane = (name: string, spec: string) => labLaneRollout(name, spec, '15s');

const story = [
  {
    name: 'canary-v2-0',
    says: 'v2.0 brings feature A to 5% of users',
    manifest: lane('canary-v2-0', '  version: v2.0.0\n  features: [A]\n  steps: [5%]'),
  },
  {
    name: 'canary-v2-1',
    says: 'v2.1 (A and B) takes over v2.0’s users: the same people, none added',
    manifest: lane('canary-v2-1', '  version: v2.1.0\n  features: [A, B]\n  replaces: canary-v2-0\n  steps: [5%]'),
  },
  {
    name: 'canary-v2-2',
    says: 'v2.2 (C alone) runs beside it, on 10% of the users who have never had A or B',
    manifest: lane(
      'canary-v2-2',
      '  version: v2.2.0\n  features: [C]\n  audience: { exclude: { features: [A, B] } }\n  steps: [10%]',
    ),
  },
];

async function threeVersions(context: DemoContext): Promise<void> {
  const lab = context.lab!;
  const github = lab.github!;
  console.log(
    '\nNow for real. checkout moves to the fleet (the lab’s stand-in for an orchestrator), and HAProxy gets\n' +
      'its lane route table: each merged Rollout becomes a lane of its own, judged against the stable\n' +
      'version on the same audience.',
  );
  const config = context.files['.zeroops/config.yaml']!.replace(
    /(\n\s*)socket: (\S+)/,
    `$1socket: $2$1lanes: { routeTable: ${lab.haproxy!.routeTablePath}, slots: ${lab.haproxy!.laneSlots} }`,
  ).replace(/\n(\s*)haproxy:/, `\n$1fleet: { url: "${lab.fleet!.url}" }\n$1haproxy:`);
  const service = context.files['services/checkout.yaml']!.replace(/provider: haproxy/, 'provider: fleet');
  const moved = { '.zeroops/config.yaml': config, 'services/checkout.yaml': service };
  const { number: move } = await github.openPullRequest({
    title: 'checkout deploys through the fleet',
    branch: 'fleet',
    files: moved,
    author: 'carol',
  });
  for (const owner of ['alice', 'bob']) await github.review(move, owner, 'APPROVED');
  await github.merge(move, 'carol');
  Object.assign(context.files, moved);
  console.log(`carol's #${move} makes the move (config and service are governed files): alice and bob approve it.`);
  const answer = () => github.comments(move).at(-1)?.body ?? '';
  for (let i = 0; i < 80 && !answer().startsWith('🔐'); i++) await sleep(250);
  console.log(indent(answer().split('\n')[0]!));
  for (const step of story) {
    console.log(`\n▶ ${step.says}.`);
    const number = await mergeReviewed(github, step.name, step.manifest, `Canary ${step.name}`, ['alice', 'bob']);
    await follow(github, step.name, undefined, { quiet: true });
    console.log(`  ${github.comments(number).at(-1)?.body.split('\n')[0]}`);
    await printLanes(lab.load!);
  }
  const last = github
    .checkRuns()
    .filter((c) => c.name === `ZeroOps run: ${story.at(-1)!.name}`)
    .at(-1)!;
  console.log(`\nThe run's check run ends with the lanes as they stand:\n`);
  console.log(indent((last.text ?? '').slice((last.text ?? '').indexOf('### Lanes')).trim()));
}

/** What the load generator's users received over two rounds of the population, by version and features. */
async function printLanes(load: LoadGenerator): Promise<void> {
  load.clearReceipts();
  load.setRate(400);
  await load.next(2000);
  load.setRate(80);
  const served = new Map<string, number>();
  for (const receipt of load.receipts().values()) {
    const key = `${[...receipt.versions].sort().join('+')} ${[...receipt.features].sort().join(',') || '(stable)'}`;
    served.set(key, (served.get(key) ?? 0) + 1);
  }
  console.log('  What the users received (users per version, from the load generator):');
  for (const [key, users] of [...served].sort((a, b) => b[1] - a[1]))
    console.log(`    ${key.padEnd(22)} ${String(users).padStart(5)} ${'█'.repeat(Math.ceil(users / 25))}`);
}
