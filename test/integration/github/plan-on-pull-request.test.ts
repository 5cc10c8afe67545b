/**
 * The plan on a pull request, driven by GitHub's official example payloads through an HTTP-level
 * GitHub double: the check run's conclusion, summary and annotations, and the upserted comment.
 */
import { readFile } from 'node:fs/promises';
import type { Probot } from 'probot';
import { githubDouble, resetGithubDouble, type DoubleState } from '../../support/github-double.js';
import { templateRepoDir, templateRepoFiles } from '../../support/ops-repo.js';
import { testProbot } from '../../support/probot.js';
import { examplePayload } from '../../support/webhook-examples.js';

const opened = examplePayload('pull_request', 'opened');
const prState = (base: Record<string, string>, head: Record<string, string>): DoubleState => ({
  owner: opened.repository.owner.login,
  repo: opened.repository.name,
  number: opened.number,
  baseSha: opened.pull_request.base.sha,
  headSha: opened.pull_request.head.sha,
  base,
  head,
});

let probot: Probot;
let baseRepo: Record<string, string>;
let delivery = 0;

beforeAll(async () => {
  const files = await templateRepoFiles();
  baseRepo = Object.fromEntries(files.filter((f) => !f.path.startsWith('tasks/')).map((f) => [f.path, f.text]));
  baseRepo['README.md'] = '# ops\n';
});
beforeEach(async () => {
  probot = await testProbot();
});
afterEach(() => resetGithubDouble());

const receive = (name: string, payload: object, id = `delivery-${++delivery}`) =>
  probot.receive({ id, name, payload } as never);
const withTasks = async (...names: string[]) => ({
  ...baseRepo,
  ...Object.fromEntries(
    await Promise.all(names.map(async (n) => [`tasks/${n}`, await readFile(`${templateRepoDir}tasks/${n}`, 'utf8')])),
  ),
});

describe('plan on pull request', () => {
  it('publishes a successful plan check and one comment for the example tasks', async () => {
    const double = githubDouble(
      prState(baseRepo, await withTasks('canary-v1-0.yaml', 'canary-v1-1.yaml', 'drain-dc-a.yaml')),
    );
    await receive('pull_request', opened);
    expect(double.unexpected).toEqual([]);
    expect(double.checkRuns).toHaveLength(1);
    const check = double.checkRuns[0]!.body;
    expect(check).toMatchObject({
      name: 'ZeroOps plan',
      head_sha: opened.pull_request.head.sha,
      status: 'completed',
      conclusion: 'success',
    });
    expect(check.output.title).toBe('3 plan(s) ready');
    expect(check.output.summary).toContain(
      '| `checkout-v1-1` | Rollout | checkout / production | 7 | low | 1 incl. an owner (alice, bob) |',
    );
    expect(check.output.text).toContain('### 🟡 `drain-dc-a` — TrafficShift of checkout in production');
    expect(double.commentsCreated).toHaveLength(1);
    expect(double.commentsCreated[0]).toMatch(/^<!-- zeroops:plan -->\n## ZeroOps plan for ec26c3e/);
    // v1.1 takes over v1.0's users: one lane is left, and the plan says who it serves.
    for (const text of [check.output.text, double.commentsCreated[0]]) {
      expect(text).toContain('### Canary lanes of checkout (production) once this is merged');
      expect(text).toContain(
        '| checkout-v1-1 | v1.1.0 | A, B | tagged beta (taken over) | every bucket (100%) | takes ' +
          "over checkout-v1-0's users |",
      );
    }
  });

  it('fails the check on a lane that would serve the users of another, annotated at its audience', async () => {
    const double = githubDouble(
      prState(await withTasks('canary-v1-0.yaml', 'canary-v1-1.yaml'), {
        ...(await withTasks('canary-v1-0.yaml', 'canary-v1-1.yaml')),
        'tasks/canary-v1-2.yaml': (await readFile(`${templateRepoDir}tasks/canary-v1-2.yaml`, 'utf8')).replace(
          /\n\s*# Not the users[^\n]*\n\s*exclude: \{ features: \[A, B\] \}/,
          '',
        ),
      }),
    );
    await receive('pull_request', opened);
    const check = double.checkRuns[0]!.body;
    expect(check.conclusion).toBe('failure');
    expect(check.output.annotations).toEqual([
      expect.objectContaining({
        path: 'tasks/canary-v1-2.yaml',
        title: 'spec.audience (lane-overlap)',
        message: expect.stringMatching(
          new RegExp(
            String.raw`^beta users in cn-east on ios >=17 would be in both checkout-v1-1 \(v1\.1\.0, A and B\) ` +
              String.raw`and checkout-v1-2 \(v1\.2\.0, C\): some would lose A and B\. To keep the lanes apart, ` +
              String.raw`exclude the users who have been served A and B`,
          ),
        ),
      }),
    ]);
  });

  it('fails the check with annotations on the offending lines', async () => {
    const head = {
      ...baseRepo,
      'tasks/broken.yaml':
        'apiVersion: zeroops.dev/v1\nkind: Rollout\nmetadata:\n  name: broken\n  service: checkout\nspec:\n  version: v2\n  steps: [5%, 150%]\n  analysis:\n    - { metric: latency_p59, max: 300ms }\n',
    };
    const double = githubDouble(prState(baseRepo, head));
    await receive('pull_request', opened);
    const check = double.checkRuns[0]!.body;
    expect(check.conclusion).toBe('failure');
    expect(check.output.annotations).toEqual([
      {
        path: 'tasks/broken.yaml',
        start_line: 8,
        end_line: 8,
        start_column: 15,
        end_column: 15,
        annotation_level: 'failure',
        title: 'spec.steps[1] (rollout-steps)',
        message: '150% is over 100%',
      },
      expect.objectContaining({
        path: 'tasks/broken.yaml',
        start_line: 10,
        start_column: 17,
        message: "service 'checkout' has no metric 'latency_p59' (did you mean latency_p99?)",
      }),
    ]);
    expect(check.output.summary).toContain('tasks/broken.yaml:8:15 error spec.steps[1]: 150% is over 100%');
  });

  it('sends annotations 50 per request, appending the rest with updates', async () => {
    const steps = Array.from({ length: 120 }, (_, i) => `${101 + i}%`).join(', ');
    const head = {
      ...baseRepo,
      'tasks/many.yaml': `apiVersion: zeroops.dev/v1\nkind: Rollout\nmetadata:\n  name: many\n  service: checkout\nspec:\n  version: v2\n  steps: [${steps}]\n`,
    };
    const double = githubDouble(prState(baseRepo, head));
    await receive('pull_request', opened);
    expect(double.checkRuns[0]!.body.output.annotations).toHaveLength(50);
    expect(double.checkUpdates.map((u) => [u.id, u.body.output.annotations.length])).toEqual([
      [1000, 50],
      [1000, 20],
    ]);
    expect(double.checkUpdates[0]!.body.output.summary).toEqual(double.checkRuns[0]!.body.output.summary);
  });

  it('updates its comment in place on the next push instead of posting another', async () => {
    const state = prState(baseRepo, await withTasks('restart-checkout.yaml'));
    state.comments = [
      { id: 7, body: '<!-- zeroops:plan -->\nold plan', user: { login: 'zeroops[bot]', type: 'Bot' } },
      { id: 8, body: '<!-- zeroops:plan -->\nquoted by a person', user: { login: 'alice', type: 'User' } },
    ];
    const double = githubDouble(state);
    await receive('pull_request', examplePayload('pull_request', 'synchronize'));
    expect(double.commentsCreated).toEqual([]);
    expect(double.commentsUpdated.map((c) => c.id)).toEqual([7]);
    expect(double.commentsUpdated[0]!.body).toContain('restart-checkout');
  });

  it('gives a neutral check and no comment when no manifest changed', async () => {
    const double = githubDouble(prState(baseRepo, { ...baseRepo, 'README.md': '# ops, edited\n' }));
    await receive('pull_request', opened);
    expect(double.checkRuns.map((c) => [c.body.conclusion, c.body.output.title])).toEqual([
      ['neutral', 'Nothing to plan'],
    ]);
    expect(double.commentsCreated).toEqual([]);
    expect(double.unexpected).toEqual([]);
  });

  it('does nothing twice for a redelivered event', async () => {
    const double = githubDouble(prState(baseRepo, await withTasks('drain-dc-a.yaml')));
    await receive('pull_request', opened, 'same-delivery');
    await receive('pull_request', opened, 'same-delivery');
    await Promise.all([receive('pull_request', opened, 'concurrent'), receive('pull_request', opened, 'concurrent')]);
    expect(double.checkRuns).toHaveLength(2);
  });

  it('plans with the policy of the base branch, not the one the pull request brings', async () => {
    const lowered = baseRepo['.zeroops/config.yaml']!.replace('defaultApprovals: 1', 'defaultApprovals: 0').replace(
      'requireOwner: true',
      'requireOwner: false',
    );
    const double = githubDouble(
      prState(baseRepo, { ...(await withTasks('drain-dc-a.yaml')), '.zeroops/config.yaml': lowered }),
    );
    await receive('pull_request', opened);
    expect(double.checkRuns[0]!.body.output.summary).toContain(
      '| `drain-dc-a` | TrafficShift | checkout / production | 2 | medium | 1 incl. an owner (alice, bob) |',
    );
  });

  it('survives hostile manifests: an alias bomb and a huge file become findings, not a crash', async () => {
    const bomb =
      'a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n';
    const huge = `apiVersion: zeroops.dev/v1\nkind: Runbook\nmetadata: { name: huge, service: checkout }\nspec:\n  steps:\n${'    - { name: s, action: { provider: webhook, operation: call, params: { url: "http://127.0.0.1:1/" } } }\n'.repeat(3000)}`;
    const double = githubDouble(prState(baseRepo, { ...baseRepo, 'tasks/bomb.yaml': bomb, 'tasks/huge.yaml': huge }));
    await receive('pull_request', opened);
    const check = double.checkRuns[0]!.body;
    expect(check.conclusion).toBe('failure');
    expect(check.output.summary).toContain('tasks/bomb.yaml:1:1 error yaml: too many aliases (*name)');
    expect(check.output.summary.length).toBeLessThanOrEqual(65535);
    expect(check.output.summary).toContain('cut here');
  });

  it('re-plans when a person re-runs the plan check', async () => {
    const suite = examplePayload('check_suite', 'rerequested');
    const double = githubDouble(prState(baseRepo, await withTasks('drain-dc-a.yaml')));
    await receive('check_suite', suite);
    expect(suite.check_suite.pull_requests[0].number).toBe(opened.number);
    expect(double.checkRuns.map((c) => c.body.conclusion)).toEqual(['success']);
  });
});
