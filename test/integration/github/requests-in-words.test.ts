/**
 * Requests in words, through the GitHub double (which checks every call against GitHub's API
 * description) and a local double of an OpenAI-compatible endpoint: `/zeroops <words>` on an issue
 * opens a pull request with the task, in English and in Chinese; an ambiguous request is a question
 * and opens nothing; what the parser does not read goes to the model, whose task is checked like
 * any other; and the plan on the opened pull request shows what earlier runs say.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { GitHubDouble } from '../../../lab/github-double/index.js';
import { handleCommand } from '../../../src/app/handle-command.js';
import { planChange } from '../../../src/app/plan-change.js';
import { requestTask, type RequestDeps } from '../../../src/app/request-task.js';
import { GitHubForge } from '../../../src/forge/github/github-forge.js';
import { OpenAITaskWriter } from '../../../src/providers/llm/openai-task-writer.js';
import { aPlan, aRun, aStep } from '../../support/builders.js';
import { embeddedStorePerTest, quietLog } from '../../support/embedded-store.js';
import { templateRepoFiles, templateScripts } from '../../support/ops-repo.js';
import { forgeOnDouble } from '../../support/double-forge.js';

const repo = { owner: 'acme', repo: 'ops' };
const storeOf = embeddedStorePerTest('requests-');
let dir: string;
let double: GitHubDouble;
let forge: GitHubForge;
let model: Server;
let modelURL: string;
/** What the model double answers next, and the requests it was sent. */
let modelAnswer: unknown;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the JSON requests the double received
const modelRequests: Record<string, any>[] = [];
let issue: number;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zeroops-requests-'));
  const files = Object.fromEntries(
    [...(await templateRepoFiles()), ...(await templateScripts())].map((f) => [f.path, f.text]),
  );
  double = await GitHubDouble.start({ dir, files });
  double.setPermission('alice', 'write');
  forge = await forgeOnDouble(double);
  issue = await forge.createIssue(repo, { title: 'Ops requests', body: 'ask here', labels: [] });
  model = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      modelRequests.push({ url: req.url, body: JSON.parse(text) });
      const content = JSON.stringify(modelAnswer);
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          id: 'chatcmpl-1',
          object: 'chat.completion',
          created: 1_764_700_000,
          model: 'qwen2.5:7b',
          choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop', logprobs: null }],
        }),
      );
    });
  });
  await new Promise<void>((resolve) => model.listen(0, '127.0.0.1', resolve));
  modelURL = `http://127.0.0.1:${(model.address() as { port: number }).port}/v1`;
});
afterEach(() => expect(double.violations).toEqual([]));
afterAll(async () => {
  await double?.stop();
  await new Promise((resolve) => model?.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

const clock = () => new Date('2026-12-03T07:30:00Z');
const offline = (): RequestDeps => ({ forge, clock });
const ask = (deps: RequestDeps, text: string) => requestTask(deps, { repo, number: issue, by: 'alice', text });
const pullOf = (number: number) => double.state.pulls.get(number)!;
const fileIn = (number: number, path: string) => forge.readFile(repo, path, pullOf(number).head.sha);

describe('requests in words, offline', () => {
  it('opens a pull request with the edited Rollout for a Chinese request', async () => {
    const outcome = await ask(offline(), '将 v1.2 灰度比例扩大至 50%');
    expect(outcome.reply).toMatch(/^opened #\d+: Canary v1\.2\.0 of checkout to 50% \(`tasks\/canary-v1-2.yaml`/);
    const pull = pullOf(outcome.opened!);
    expect(pull).toMatchObject({
      state: 'open',
      base: { ref: 'main' },
      head: { ref: 'zeroops/request/alice/checkout-v1-2' },
    });
    expect(pull.body).toContain('Asked by @alice on #');
    expect(parse((await fileIn(outcome.opened!, 'tasks/canary-v1-2.yaml'))!).spec.steps).toEqual(['5%', '25%', '50%']);
  });

  it('opens a pull request with a new TrafficShift for an English request', async () => {
    const outcome = await ask(offline(), 'drain dc-b, its p99 doubled');
    expect(outcome.opened).toBeDefined();
    const text = await fileIn(outcome.opened!, 'tasks/drain-dc-b-20261203-0730.yaml');
    expect(parse(text!)).toMatchObject({
      kind: 'TrafficShift',
      metadata: { service: 'checkout' },
      spec: { template: 'dc-failover@1', weights: { 'dc-b': '0%' } },
    });
  });

  it('asks instead of guessing, and opens nothing', async () => {
    const before = double.state.pulls.size;
    expect((await ask(offline(), 'expand the canary to 20%')).reply).toMatch(/^which canary\? `checkout-v1-1`/);
    expect((await ask(offline(), 'drain dc-a and restart checkout')).reply).toMatch(/which one\?/);
    expect((await ask(offline(), 'add an index on orders')).reply).toMatch(/^I could not read this as a task/);
    expect(double.state.pulls.size).toBe(before);
  });

  it('says why a request that breaks a lane rule opens nothing', async () => {
    const outcome = await ask(offline(), 'expand the v1.1 canary to 20%');
    expect(outcome.opened).toBeUndefined();
    expect(outcome.reply).toMatch(
      /does not pass the checks, so nothing was opened:\n- tasks\/canary-v1-1.yaml:\d+:\d+ error spec.steps/,
    );
  });

  it('answers a comment on the issue, reacting with a rocket when it opened a pull request', async () => {
    await forge.comment(repo, issue, '/zeroops restart checkout in dc-c');
    const comment = double.state.comments.at(-1)!;
    const store = storeOf();
    await handleCommand(
      {
        forge,
        store,
        scheduler: { later: async () => {} },
        reporter: { changed: async () => {} },
        clock,
        log: quietLog,
        request: (a) => requestTask(offline(), a),
      },
      { repo, number: issue, commentId: comment.id, author: 'alice', body: comment.body, onPullRequest: false },
    );
    const reply = double.state.comments.at(-1)!;
    expect(reply.body).toMatch(/^> \/zeroops restart checkout in dc-c\n\n@alice opened #\d+: Restart checkout in dc-c/);
    expect(double.state.comments.find((c) => c.id === comment.id)?.reactions).toContain('rocket');
  });
});

describe('who may approve what was asked for', () => {
  it("does not count the requester's own review: ZeroOps opened it, they wrote it", async () => {
    const store = storeOf();
    double.setPermission('bob', 'write');
    const outcome = await requestTask(
      { forge, clock, store },
      { repo, number: issue, by: 'alice', text: 'restore dc-c' },
    );
    const pull = pullOf(outcome.opened!);
    const review = (reviewer: string) =>
      double.state.reviews.push({
        id: double.state.id(),
        pullNumber: pull.number,
        user: double.state.user(reviewer),
        state: 'APPROVED',
        body: '',
        commitId: pull.head.sha,
        submittedAt: '2026-12-03T07:40:00Z',
      });
    const ref = { ...repo, number: pull.number, headSha: pull.head.sha, baseSha: pull.base.sha, baseRef: 'main' };
    const approvalAfterPlan = async () => {
      await planChange(
        { forge, log: quietLog, store, clock },
        { ...ref, defaultBranch: 'main' },
        { author: 'zeroops[bot]' },
      );
      return double
        .checkRuns(pull.head.sha)
        .filter((c) => c.name === 'ZeroOps approval')
        .at(-1)!;
    };
    review('alice');
    const alone = await approvalAfterPlan();
    expect(alone.conclusion).not.toBe('success');
    expect(alone.summary).not.toMatch(/\| ✅ approved \| @alice/);
    review('bob');
    const withBob = await approvalAfterPlan();
    expect(withBob.summary).toMatch(/\| ✅ approved \| @bob \|/);
  });
});

describe('requests in words, through a language model', () => {
  const writer = () => new OpenAITaskWriter({ baseURL: modelURL, model: 'qwen2.5:7b', log: quietLog });

  it("sends what the parser cannot read to the model, with the task schemas; proposes the model's task", async () => {
    modelAnswer = {
      manifest: {
        apiVersion: 'zeroops.dev/v1',
        kind: 'Restart',
        metadata: { name: 'cycle-checkout', service: 'checkout' },
        spec: { template: 'rolling-restart@1', batchSize: 2, reason: 'cycle the pods two at a time' },
      },
    };
    const outcome = await ask({ forge, clock, writer: writer() }, 'cycle every checkout pod, two at a time');
    expect(outcome.reply).toMatch(/^opened #\d+: Restart cycle-checkout .*read by qwen2.5:7b \(language model\)/);
    expect(parse((await fileIn(outcome.opened!, 'tasks/cycle-checkout.yaml'))!).spec.batchSize).toBe(2);
    const sent = modelRequests.at(-1)!;
    expect(sent.url).toBe('/v1/chat/completions');
    expect(sent.body.response_format.type).toBe('json_schema');
    expect(sent.body.response_format.json_schema.schema.properties.manifest.anyOf).toHaveLength(7);
    expect(sent.body.messages[0].content).toContain('"name":"checkout","datacenters":["dc-a","dc-b","dc-c"]');
  });

  it("checks the model's task like any other: a service that does not exist opens nothing", async () => {
    modelAnswer = {
      manifest: {
        apiVersion: 'zeroops.dev/v1',
        kind: 'Restart',
        metadata: { name: 'x', service: 'billing' },
        spec: {},
      },
    };
    const before = double.state.pulls.size;
    const outcome = await ask({ forge, clock, writer: writer() }, 'cycle billing');
    expect(outcome.reply).toMatch(/does not pass the checks[\s\S]*metadata.service/);
    expect(double.state.pulls.size).toBe(before);
  });

  it("passes the model's question on", async () => {
    modelAnswer = { question: 'which database: shop or analytics?' };
    expect((await ask({ forge, clock, writer: writer() }, 'vacuum the big table')).reply).toBe(
      'which database: shop or analytics? Nothing was opened; ask again with it.',
    );
  });
});

describe('the plan shows what history says', () => {
  it('names the earlier Rollouts of checkout that rolled back on the same gate, with links', async () => {
    const store = storeOf();
    const rollout = (n: number) =>
      aPlan([aStep('canary-20')], {
        task: { name: `checkout-v1-${n}`, kind: 'Rollout', service: 'checkout', env: 'production', file: 't', line: 1 },
        summary: `Canary v1.${n}.0 of checkout through 20% → 100%`,
        filled: [{ field: 'spec.interval', value: '10m', from: 'template canary@2' }],
      });
    for (const n of [3, 4])
      await store.createRun(
        aRun({
          id: `run-${n}`,
          key: `key-${n}`,
          repo,
          pullNumber: 100 + n,
          plan: rollout(n),
          status: 'rolled_back',
          finishedAt: `2026-11-2${n}T10:00:00Z`,
          steps: [
            {
              id: 'canary-20',
              status: 'failed',
              attempts: 1,
              evidence: [{ at: 't', metric: 'latency_p95', value: 0.52, limit: '≤ 0.3', verdict: 'breach' }],
            },
          ],
        }),
      );
    const outcome = await ask(offline(), 'set the v1.2 canary to 25%');
    const pull = pullOf(outcome.opened!);
    await planChange(
      { forge, log: quietLog, store, clock },
      {
        ...repo,
        number: pull.number,
        headSha: pull.head.sha,
        baseSha: pull.base.sha,
        baseRef: 'main',
        defaultBranch: 'main',
      },
    );
    const plan = double.state.comments.filter((c) => c.issueNumber === pull.number).at(-1)!.body;
    expect(plan).toContain('### What history says');
    expect(plan).toContain('the last 2 Rollout run(s) of checkout: 2 rolled back.');
    expect(plan).toContain('breached `latency_p95` (#104, #103); this plan gates on it (latency_p95 ≤ 300ms');
  });
});
