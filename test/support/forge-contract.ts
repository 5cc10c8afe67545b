/** What every Forge (adapter or fake) must do with issues and proposed changes, the same way. */
import type { Forge, RepoRef } from '../../src/forge/forge.js';

export function forgeWritesContract(forge: () => Forge, repo: RepoRef = { owner: 'acme', repo: 'ops' }) {
  it('edits an issue in place: body, labels replaced, closed and reopened', async () => {
    const number = await forge().createIssue(repo, { title: 'Incident', body: 'seen', labels: ['sev3', 'incident'] });
    await forge().updateIssue(repo, number, { body: 'diagnosed', labels: ['incident', 'sev2'] });
    expect(await forge().issue(repo, number)).toEqual({
      number,
      title: 'Incident',
      body: 'diagnosed',
      state: 'open',
      labels: ['incident', 'sev2'],
      author: expect.any(String),
    });
    await forge().updateIssue(repo, number, { state: 'closed', title: 'Incident (resolved)' });
    expect(await forge().issue(repo, number)).toMatchObject({ title: 'Incident (resolved)', state: 'closed' });
    await forge().updateIssue(repo, number, { state: 'open' });
    expect(await forge().issue(repo, number)).toMatchObject({ state: 'open', body: 'diagnosed' });
  });

  it('answers undefined for an issue that does not exist, and refuses to edit it', async () => {
    expect(await forge().issue(repo, 9_999)).toBeUndefined();
    await expect(forge().updateIssue(repo, 9_999, { body: 'x' })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('proposes a change once per branch: proposing again updates the same pull request', async () => {
    const change = { branch: 'zeroops/contract', title: 'Config', body: 'Why', files: { 'contract.yaml': 'a: 1\n' } };
    const first = await forge().proposeChange(repo, change);
    const again = await forge().proposeChange(repo, { ...change, files: { 'contract.yaml': 'a: 2\n' } });
    expect(again.number).toBe(first.number);
    const other = await forge().proposeChange(repo, { ...change, branch: 'zeroops/contract-2' });
    expect(other.number).not.toBe(first.number);
  });

  it('names the default branch and the commit it points at', async () => {
    const main = await forge().defaultBranch(repo);
    expect(main.sha).toBe(await forge().branchSha(repo, main.name));
  });
}
