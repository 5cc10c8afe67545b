/**
 * The GitHub adapter's writes against the GitHub double (only the double runs: no app server):
 * incidents edited in place and closed with GitHub's webhook, changes proposed as pull requests
 * idempotently, and GitHub's refusals turned into ForgeErrors in plain words.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commitsBetween } from '../../../lab/github-double/git-data.js';
import { GitHubDouble } from '../../../lab/github-double/index.js';
import type { ProposedChange } from '../../../src/forge/forge.js';
import { GitHubForge } from '../../../src/forge/github/github-forge.js';
import { forgeWritesContract } from '../../support/forge-contract.js';
import { forgeOnDouble } from '../../support/double-forge.js';

const repo = { owner: 'acme', repo: 'ops' };
const base = { 'README.md': '# ops\n', '.zeroops/config.yaml': 'autonomy: confirm\n', 'postmortems/old.md': 'old\n' };
let dir: string;
let double: GitHubDouble;
let forge: GitHubForge;
let receiver: Server;
/** The webhooks the app was sent: event, action and the issue or pull request number. */
const received: { event: string; action: string; number: number }[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zeroops-forge-'));
  double = await GitHubDouble.start({ dir, files: base });
  receiver = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      const body = JSON.parse(text) as { action: string; number?: number; issue?: { number: number } };
      received.push({
        event: String(req.headers['x-github-event']),
        action: body.action,
        number: body.issue?.number ?? body.number!,
      });
      res.end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  double.connectApp({ url: `http://127.0.0.1:${(receiver.address() as { port: number }).port}/`, secret: 's3cret' });
  forge = await forgeOnDouble(double);
});
afterEach(() => expect(double.violations).toEqual([]));
afterAll(async () => {
  await double?.stop();
  await new Promise((resolve) => receiver?.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

describe('GitHub adapter: the Forge contract', () => forgeWritesContract(() => forge, repo));

describe('GitHub adapter: incidents', () => {
  it('closes an incident as completed, and GitHub sends issues.closed', async () => {
    const number = await forge.createIssue(repo, { title: 'Incident: checkout', body: 'seen', labels: ['sev3'] });
    await forge.updateIssue(repo, number, { body: 'diagnosed: a goroutine leak', labels: ['incident', 'sev2'] });
    await forge.updateIssue(repo, number, { state: 'closed' });
    await double.settled();
    expect(double.state.issues.get(number)).toMatchObject({
      state: 'closed',
      stateReason: 'completed',
      body: 'diagnosed: a goroutine leak',
      labels: ['incident', 'sev2'],
    });
    expect(received).toContainEqual({ event: 'issues', action: 'closed', number });
  });
});

describe('GitHub adapter: proposed changes', () => {
  const branch = 'zeroops/postmortem-2024-05-01-checkout';
  const change: ProposedChange = {
    branch,
    title: 'Postmortem: checkout goroutine leak',
    body: 'Drafted by ZeroOps.',
    files: {
      'postmortems/2024-05-01-checkout.md': '# Postmortem\n',
      '.zeroops/config.yaml': 'autonomy: auto\n',
      'postmortems/old.md': null,
    },
    labels: ['postmortem'],
  };
  let number: number;

  it('commits the files on a new branch from the default branch and opens a pull request', async () => {
    const main = await forge.defaultBranch(repo);
    expect(main).toEqual({ name: 'main', sha: await double.state.git.resolve('main') });

    const proposal = await forge.proposeChange(repo, change);
    number = proposal.number;
    const pr = double.pull(number);
    expect(pr).toMatchObject({ head: { ref: branch }, base: { ref: 'main', sha: main.sha }, labels: ['postmortem'] });
    expect(pr.user.login).toBe('zeroops[bot]');
    expect(proposal.url).toBe(`https://github.com/acme/ops/pull/${number}`);
    expect(await double.files(branch)).toEqual({
      'README.md': '# ops\n',
      '.zeroops/config.yaml': 'autonomy: auto\n',
      'postmortems/2024-05-01-checkout.md': '# Postmortem\n',
    });
    expect(await commitsBetween(double.state.git, main.sha, pr.head.sha)).toBe(1);
    await double.settled();
    expect(received).toContainEqual({ event: 'pull_request', action: 'opened', number });
    expect(await forge.issue(repo, number)).toBeUndefined(); // a pull request is not an issue to the port
  });

  it('is idempotent: the same branch gets the new files and keeps its one pull request', async () => {
    const revised = {
      ...change,
      body: 'Revised.',
      files: { ...change.files, 'postmortems/2024-05-01-checkout.md': '# v2\n' },
    };
    expect(await forge.proposeChange(repo, revised)).toMatchObject({ number });
    const pr = double.pull(number);
    expect(await double.files(branch)).toMatchObject({ 'postmortems/2024-05-01-checkout.md': '# v2\n' });
    expect(pr.body).toBe('Revised.');
    expect([...double.state.pulls.values()].filter((p) => p.head.ref === branch)).toHaveLength(1);
    expect(await commitsBetween(double.state.git, pr.base.sha, pr.head.sha)).toBe(2);
    await double.settled();
    expect(received).toContainEqual({ event: 'pull_request', action: 'synchronize', number });

    const head = pr.head.sha;
    expect(await forge.proposeChange(repo, revised)).toMatchObject({ number });
    expect(double.pull(number).head.sha).toBe(head); // nothing new: no empty commit
  });

  it('starts again from the default branch once its pull request is merged', async () => {
    await double.merge(number, 'alice');
    const next = { ...change, files: { '.zeroops/config.yaml': 'autonomy: auto\nmaxRestarts: 2\n' } };
    const { number: again } = await forge.proposeChange(repo, next);
    expect(again).not.toBe(number);
    const pr = double.pull(again);
    expect(pr.base.sha).toBe(await double.state.git.resolve('main'));
    expect(await commitsBetween(double.state.git, pr.base.sha, pr.head.sha)).toBe(1);
  });

  it("leaves alone a branch whose last commit is someone else's", async () => {
    await double.pushBranch('feature/config', { '.zeroops/config.yaml': 'autonomy: off\n' });
    await expect(forge.proposeChange(repo, { ...change, branch: 'feature/config' })).rejects.toMatchObject({
      name: 'ForgeError',
      code: 'conflict',
    });
  });
});

describe('GitHub adapter: refusals', () => {
  const tidy = (branch: string): ProposedChange => ({ branch, title: 'Tidy', body: '', files: { 'a.md': 'a\n' } });

  it("turns GitHub's 422 and 404 into ForgeErrors in plain words", async () => {
    const said = 'GitHub answered 422: refs/heads/bad..name is not a valid ref name';
    await expect(forge.proposeChange(repo, tidy('bad..name'))).rejects.toMatchObject({
      name: 'ForgeError',
      code: 'invalid',
      message: `could not propose "Tidy" on branch bad..name of acme/ops: ${said}`,
    });
    await expect(forge.updateIssue(repo, 999, { state: 'closed' })).rejects.toMatchObject({
      code: 'not_found',
      message: 'could not update issue #999 of acme/ops: GitHub answered 404: Not Found',
    });
  });
});
