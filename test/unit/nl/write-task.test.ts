/**
 * From an understood request to a task, on the ops repo template: the new or edited manifest, and
 * a question whenever the repo leaves more than one reading. Every task written passes the checks.
 */
import { parse } from 'yaml';
import { checkTask } from '../../../src/app/propose-task.js';
import { loadDocuments, type ManifestFile } from '../../../src/manifest/load.js';
import type { Intent } from '../../../src/nl/intent.js';
import { writeTask, type WrittenTask } from '../../../src/nl/write-task.js';
import { templateRepoFiles } from '../../support/ops-repo.js';

let files: ManifestFile[];
beforeAll(async () => {
  files = await templateRepoFiles();
});

const context = { text: 'the words', by: 'alice', where: 'issue #7', now: new Date('2026-12-03T07:12:00Z') };
const write = (intent: Intent, repoFiles = files) => writeTask(intent, loadDocuments(repoFiles), repoFiles, context);

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed YAML, read field by field
type Parsed = Record<string, any>;

async function written(intent: Intent): Promise<{ task: WrittenTask; manifest: Parsed }> {
  const result = write(intent);
  if (!('task' in result)) throw new Error(`asked: ${result.question}`);
  const checked = await checkTask(result.task, files);
  expect(checked.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  expect(checked.plans).toHaveLength(1);
  return { task: result.task, manifest: parse(result.task.text) };
}

describe('writeTask: canaries', () => {
  it("edits the Rollout of the version in place: the template's steps below the share, then the share", async () => {
    const result = write({ action: 'canary', version: 'v1.1', percent: 20 });
    if (!('task' in result)) throw new Error(result.question);
    expect(result.task.path).toBe('tasks/canary-v1-1.yaml');
    expect(parse(result.task.text).spec.steps).toEqual(['5%', '20%']);
    expect(result.task.text).toContain('# yaml-language-server'); // the file's comments are kept
    expect(result.task.title).toBe('Canary v1.1.0 of checkout to 20%');
    // v1.1 takes over v1.0's beta users: stopping at 20% would send the rest back without A.
    const checked = await checkTask(result.task, files);
    expect(checked.diagnostics.map((d) => d.rule)).toContain('lane-takeover');
  });

  it("cuts the task's own steps, and says when the canary already ends there", async () => {
    const { manifest } = await written({ action: 'canary', version: 'v1.2.0', percent: 50 });
    expect(manifest.spec.steps).toEqual(['5%', '25%', '50%']);
    const asked = write({ action: 'canary', version: 'v1.2.0', percent: 100 });
    expect(asked).toEqual({ question: expect.stringMatching(/already ends at 100%/) });
  });

  it('asks which canary when the version does not pick one, and for the share when none is given', () => {
    // v1.0's canary was taken over by v1.1 (`replaces`): it is no longer one to resize.
    expect(write({ action: 'canary', percent: 20 })).toEqual({
      question: expect.stringMatching(/^which canary\? `checkout-v1-1` \(v1\.1\.0, [^)]*\), `checkout-v1-2`/),
    });
    expect(write({ action: 'canary', version: 'v1.1' })).toEqual({ question: expect.stringMatching(/what share/) });
    expect(write({ action: 'canary', version: 'v1.1', percent: 120 })).toEqual({
      question: expect.stringMatching(/not a canary share/),
    });
  });

  it('starts a Rollout of a full version the repo has none of, and asks about a partial one', async () => {
    const noCanaries = files.filter((f) => !f.path.startsWith('tasks/canary-'));
    const result = write({ action: 'canary', version: 'v1.3.0', percent: 5 }, noCanaries);
    if (!('task' in result)) throw new Error(result.question);
    expect(result.task.path).toBe('tasks/checkout-v1-3-0.yaml');
    expect(parse(result.task.text)).toMatchObject({
      kind: 'Rollout',
      spec: { version: 'v1.3.0', steps: ['5%'], template: 'canary@2' },
    });
    expect((await checkTask(result.task, noCanaries)).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(write({ action: 'canary', version: 'v1.9', percent: 5 })).toEqual({
      question: expect.stringMatching(/name the full version/),
    });
  });
});

describe('writeTask: datacenters, restarts, scaling, rollbacks', () => {
  it('drains a datacenter with the one TrafficShift template, the request recorded as the reason', async () => {
    const { task, manifest } = await written({ action: 'drain', datacenter: 'dc-a' });
    expect(task.path).toBe('tasks/drain-dc-a-20261203-0712.yaml');
    expect(manifest).toMatchObject({
      kind: 'TrafficShift',
      metadata: { name: 'drain-dc-a-20261203-0712', service: 'checkout' },
      spec: { template: 'dc-failover@1', weights: { 'dc-a': '0%' }, reason: 'the words (asked by @alice on issue #7)' },
    });
  });

  it('restores a datacenter from 0%', async () => {
    const { manifest } = await written({ action: 'restore', datacenter: 'dc-b' });
    expect(manifest.spec).toMatchObject({ from: { 'dc-b': '0%' }, weights: { 'dc-b': '100%' } });
  });

  it('restarts and scales the only service, in one datacenter when named', async () => {
    const restart = await written({ action: 'restart', datacenter: 'dc-c' });
    expect(restart.manifest).toMatchObject({
      kind: 'Restart',
      spec: { template: 'rolling-restart@1', datacenters: ['dc-c'] },
    });
    const scale = write({ action: 'scale', replicas: 6 });
    expect(scale).toMatchObject({ task: { title: 'Scale checkout to 6 replicas' } });
    expect(write({ action: 'scale' })).toEqual({ question: expect.stringMatching(/how many replicas/) });
  });

  it('rolls a version back to the one before, taking over its lane: the checks say who would lose what', async () => {
    const result = write({ action: 'rollback', version: 'v1.2' });
    if (!('task' in result)) throw new Error(result.question);
    expect(parse(result.task.text)).toMatchObject({
      kind: 'Rollout',
      spec: { version: 'v1.1.0', features: ['A', 'B'], replaces: 'checkout-v1-2', steps: ['100%'] },
    });
    expect(result.task.title).toBe('Roll checkout back from v1.2.0 to v1.1.0');
    const checked = await checkTask(result.task, files);
    expect(checked.diagnostics.map((d) => d.rule)).toContain('lane-feature-loss');
    expect(write({ action: 'rollback', version: 'v1.0.0' })).toEqual({
      question: expect.stringMatching(/no Rollout of checkout older than v1.0.0/),
    });
  });

  it('rolls a bad build back to the build before it, with the same features, and the checks pass', async () => {
    const rollout = (name: string, version: string, extra: string) =>
      `apiVersion: zeroops.dev/v1\nkind: Rollout\nmetadata: { name: ${name}, service: checkout }\n` +
      `spec:\n  version: ${version}\n  features: [D]\n  audience: { userTags: [beta] }\n${extra}  steps: [10%, 100%]\n`;
    const builds = [
      ...files.filter((f) => !f.path.startsWith('tasks/canary-')),
      { path: 'tasks/d-1.yaml', text: rollout('checkout-v2-0-0', 'v2.0.0', '') },
      { path: 'tasks/d-2.yaml', text: rollout('checkout-v2-0-1', 'v2.0.1', '  replaces: checkout-v2-0-0\n') },
    ];
    const result = write({ action: 'rollback', toVersion: 'v2.0.0' }, builds);
    if (!('task' in result)) throw new Error(result.question);
    expect(parse(result.task.text).spec).toMatchObject({
      version: 'v2.0.0',
      replaces: 'checkout-v2-0-1',
      audience: { userTags: ['beta'] },
    });
    expect((await checkTask(result.task, builds)).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('claims no features for a version the repo has no Rollout of, and resizes no promotion', () => {
    const result = write({ action: 'rollback', version: 'v1.2', toVersion: 'v0.9.0' });
    if (!('task' in result)) throw new Error(result.question);
    expect(parse(result.task.text).spec.features).toBeUndefined();
    const promoted = {
      path: 'tasks/back.yaml',
      text:
        'apiVersion: zeroops.dev/v1\nkind: Rollout\nmetadata: { name: back, service: checkout }\n' +
        'spec:\n  version: v3.0.0\n  steps: [100%]\n',
    };
    expect(write({ action: 'canary', version: 'v3.0', percent: 20 }, [...files, promoted])).toEqual({
      question: expect.stringMatching(/puts v3\.0\.0 on all of its audience at once/),
    });
  });

  it('asks which service when several could be meant, and about names the repo does not have', () => {
    const second = files.find((f) => f.path === 'services/checkout.yaml')!;
    const twoServices = [
      ...files,
      { path: 'services/payments.yaml', text: second.text.replace('name: checkout', 'name: payments') },
    ];
    expect(write({ action: 'restart' }, twoServices)).toEqual({ question: 'which service? (checkout, payments)' });
    expect(write({ action: 'drain', datacenter: 'dc-a' }, twoServices)).toEqual({
      question: 'which service? (checkout, payments)',
    });
    expect(write({ action: 'restart', service: 'billing' })).toEqual({
      question: 'there is no service billing in services/ (checkout)',
    });
    expect(write({ action: 'drain' })).toEqual({ question: 'which datacenter of checkout? (dc-a, dc-b, dc-c)' });
  });
});
