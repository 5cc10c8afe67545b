/** A task sent to the API, on a fake forge: opened as a pull request when it passes, else its problems. */
import { submitTask } from '../../../src/app/submit-task.js';
import type { KnownRepo } from '../../../src/engine/store.js';
import { FakeForge } from '../../support/fake-forge.js';
import { templateRepoFiles } from '../../support/ops-repo.js';
import { throughTheApi } from '../../../src/policy/approvals.js';

const restart = (service: string) => `apiVersion: zeroops.dev/v1
kind: Restart
metadata:
  name: restart-${service}
  service: ${service}
spec:
  template: rolling-restart@1
  reason: a goroutine leak
`;
const known: KnownRepo = { owner: 'Acme', repo: 'Ops', installationId: 7, defaultBranch: 'main' };
let forge: FakeForge;
const reached: KnownRepo[] = [];
const deps = {
  store: {
    repos: async () => [known],
    loopState: async <T>(key: string) => requesters.get(key) as T | undefined,
    saveLoopState: async (key: string, value: unknown) => void requesters.set(key, value),
  },
  forgeFor: async (repo: KnownRepo) => (reached.push(repo), forge),
};

const requesters = new Map<string, unknown>();

beforeEach(async () => {
  forge = new FakeForge();
  const files = (await templateRepoFiles()).filter((f) => !f.path.startsWith('tasks/'));
  forge.trees.set(forge.head.sha, Object.fromEntries(files.map((f) => [f.path, f.text])));
  reached.length = 0;
});

describe('a task sent to the API', () => {
  it('opens a pull request with the file, through the installation of the repository ZeroOps knows', async () => {
    const submitted = await submitTask(deps, {
      repo: 'acme/ops',
      path: 'tasks/restart-checkout.yaml',
      manifest: restart('checkout'),
    });
    expect(submitted).toMatchObject({
      outcome: 'opened',
      pullRequest: { number: 100 },
      plans: [{ task: 'restart-checkout', kind: 'Restart', service: 'checkout', executes: true }],
    });
    expect(reached).toEqual([known]);
    // The token's holder may review it too: the pull request is marked as sent through the API.
    expect(requesters.get('requested-by/Acme/Ops#100')).toEqual([throughTheApi]);
    expect(forge.proposals).toMatchObject([
      {
        branch: 'zeroops/api/restart-checkout',
        title: 'Task restart-checkout (via the API)',
        files: { 'tasks/restart-checkout.yaml': restart('checkout') },
        labels: ['zeroops'],
      },
    ]);
  });

  it('opens nothing for a task the repository refutes, and says where', async () => {
    const submitted = await submitTask(deps, {
      repo: 'acme/ops',
      path: 'tasks/restart-payments.yaml',
      manifest: restart('payments'),
    });
    expect(submitted).toEqual({
      outcome: 'invalid',
      problems: [expect.objectContaining({ file: 'tasks/restart-payments.yaml', line: 5, field: 'metadata.service' })],
    });
    expect(forge.proposals).toEqual([]);
  });

  it('opens nothing for a file that holds no task', async () => {
    const submitted = await submitTask(deps, { repo: 'acme/ops', path: 'tasks/empty.yaml', manifest: '# later\n' });
    expect(submitted).toMatchObject({ outcome: 'invalid', problems: [{ file: 'tasks/empty.yaml', field: '(file)' }] });
    expect(forge.proposals).toEqual([]);
  });

  it("reaches no forge for a repository ZeroOps has not heard from, or a body that is not a task's", async () => {
    expect(await submitTask(deps, { repo: 'acme/other', path: 'tasks/a.yaml', manifest: 'x' })).toEqual({
      outcome: 'unknown-repo',
      repo: 'acme/other',
    });
    expect(await submitTask(deps, { repo: 'acme/ops', path: 'a.yaml', manifest: 'x' })).toMatchObject({
      outcome: 'invalid',
      problems: [{ field: 'path' }],
    });
    expect(reached).toEqual([]);
  });
});
