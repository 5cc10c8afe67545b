/**
 * Templates from experience through the GitHub double: after tasks written by hand three times and
 * an SOP dropped in sops/, ZeroOps opens a template proposal for each, once; a proposal people
 * closed is not opened again.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { GitHubDouble } from '../../../lab/github-double/index.js';
import { createServer } from 'node:http';
import { proposeTemplates } from '../../../src/app/propose-templates.js';
import { OpenAITaskWriter } from '../../../src/providers/llm/openai-task-writer.js';
import { GitHubForge } from '../../../src/forge/github/github-forge.js';
import { embeddedStorePerTest, quietLog } from '../../support/embedded-store.js';
import { templateRepoFiles, templateScripts } from '../../support/ops-repo.js';
import { forgeOnDouble } from '../../support/double-forge.js';

const repo = { owner: 'acme', repo: 'ops' };
const storeOf = embeddedStorePerTest('template-proposals-');
let dir: string;
let double: GitHubDouble;
let forge: GitHubForge;

const restart = (name: string) =>
  `apiVersion: zeroops.dev/v1\nkind: Restart\nmetadata: { name: ${name}, service: checkout }\n` +
  `spec:\n  batchSize: 2\n  interval: 45s\n  reason: asked on #${name.length}\n`;
const sop =
  '# Scale checkout for a sale\n\nKind: Scale\n\n' +
  '## Steps\n- wait 2 minutes between datacenters\n\n## Checks\n- error_rate below 1%\n';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zeroops-template-proposals-'));
  const files = Object.fromEntries(
    [...(await templateRepoFiles()), ...(await templateScripts())]
      .filter((f) => !f.path.startsWith('tasks/restart'))
      .map((f) => [f.path, f.text]),
  );
  double = await GitHubDouble.start({ dir, files });
  forge = await forgeOnDouble(double);
});
afterEach(() => expect(double.violations).toEqual([]));
afterAll(async () => {
  await double?.stop();
  await rm(dir, { recursive: true, force: true });
});

it('proposes a template after the third hand-written task, and one from an SOP, each once', async () => {
  const deps = { forge, store: storeOf(), log: quietLog };
  await double.pushBranch('main', { 'tasks/r1.yaml': restart('r1'), 'tasks/r2.yaml': restart('r2') });
  expect(await proposeTemplates(deps, repo)).toEqual([]);

  await double.pushBranch('main', { 'tasks/r3.yaml': restart('r3'), 'sops/scale-for-sale.md': sop });
  const opened = await proposeTemplates(deps, repo);
  expect(opened).toHaveLength(2);
  const [learned, fromSop] = opened.map((n) => double.pull(n));
  expect(learned).toMatchObject({
    title: 'Template restart-checkout@1, from experience',
    head: { ref: 'zeroops/template/restart-checkout-v1' },
    labels: ['zeroops', 'template'],
  });
  expect(learned!.body).toContain(
    'Why: 3 Restart tasks of checkout were written by hand with the same `batchSize`, `interval`',
  );
  const template = parse((await forge.readFile(repo, 'templates/restart-checkout.yaml', learned!.head.sha))!);
  expect(template.spec.versions[0].defaults).toEqual({ batchSize: 2, interval: '45s' });
  expect(fromSop!.title).toBe('Template scale-for-sale@1, from experience');
  const scale = parse((await forge.readFile(repo, 'templates/scale-for-sale.yaml', fromSop!.head.sha))!);
  expect(scale.spec).toMatchObject({
    kind: 'Scale',
    versions: [{ defaults: { interval: '2m', analysis: [{ metric: 'error_rate', max: '1%' }] } }],
  });

  // Closed by people, or merged: the same proposal is not opened again.
  expect(await proposeTemplates(deps, repo)).toEqual([]);
});

it('reads an SOP with the language model when one is configured, named after its file, and checks it', async () => {
  const answer = {
    manifest: {
      apiVersion: 'zeroops.dev/v1',
      kind: 'Template',
      metadata: { name: 'whatever-the-model-said', description: 'Nightly restart' },
      spec: { kind: 'Restart', versions: [{ version: 1, defaults: { batchSize: 1, interval: '2m' } }] },
    },
  };
  const asked: Record<string, unknown>[] = [];
  const model = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      asked.push(JSON.parse(text) as Record<string, unknown>);
      const message = { role: 'assistant', content: JSON.stringify(answer) };
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          id: 'c1',
          object: 'chat.completion',
          created: 1,
          model: 'llama3.1:8b',
          choices: [{ index: 0, message, finish_reason: 'stop', logprobs: null }],
        }),
      );
    });
  });
  await new Promise<void>((resolve) => model.listen(0, '127.0.0.1', resolve));
  try {
    const baseURL = `http://127.0.0.1:${(model.address() as { port: number }).port}/v1`;
    const writer = new OpenAITaskWriter({ baseURL, model: 'llama3.1:8b', log: quietLog });
    await double.pushBranch('main', { 'sops/nightly-restart.md': '# Nightly restart\n\nRestart one at a time.\n' });
    // A fresh store: the first test's proposals are made again (their pull requests refreshed), this one too.
    const opened = await proposeTemplates({ forge, store: storeOf(), log: quietLog, writer }, repo);
    const pull = opened
      .map((n) => double.pull(n))
      .find((p) => p.title === 'Template nightly-restart@1, from experience')!;
    expect(pull.body).toContain('Why: the SOP sops/nightly-restart.md read as a Restart template by llama3.1:8b');
    const template = parse((await forge.readFile(repo, 'templates/nightly-restart.yaml', pull.head.sha))!);
    expect(template.metadata.name).toBe('nightly-restart');
    expect(template.spec.versions[0].defaults).toEqual({ batchSize: 1, interval: '2m' });
    const format = asked[0]!.response_format as {
      json_schema: { schema: { properties: { manifest: { anyOf: unknown[] } } } };
    };
    expect(format.json_schema.schema.properties.manifest.anyOf).toHaveLength(1);
  } finally {
    await new Promise((resolve) => model.close(resolve));
  }
});
