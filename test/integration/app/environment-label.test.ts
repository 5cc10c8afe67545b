/**
 * A task's `env` is a label its author picks, while its service has one set of databases and
 * datacenters: a merge labelled staging must meet production's bar and freezes all the same.
 */
import { createHash } from 'node:crypto';
import { startRuns, type MergedPull } from '../../../src/app/start-runs.js';
import type { ChangedFile, RepoRef, TreeEntry } from '../../../src/forge/forge.js';
import { loadSqlParser } from '../../../src/kinds/schema-change/sql.js';
import { embeddedStorePerTest, quietLog } from '../../support/embedded-store.js';
import { FakeForge } from '../../support/fake-forge.js';
import { templateRepoFiles } from '../../support/ops-repo.js';
import { planTask, task } from '../../support/plan-task.js';

beforeAll(() => loadSqlParser());
const storeOf = embeddedStorePerTest('environment-label-');
const repo = { owner: 'acme', repo: 'ops' };

/** Blob ids are content hashes, as in git, so the approved state and the merge compare by content. */
class ContentForge extends FakeForge {
  blobs = new Map<string, string>();
  changed: ChangedFile[] = [];
  override async listTree(_r: RepoRef, sha: string): Promise<TreeEntry[]> {
    return Object.entries(this.trees.get(sha) ?? {}).map(([path, text]) => {
      const id = createHash('sha1').update(text).digest('hex');
      this.blobs.set(id, text);
      return { path, id };
    });
  }
  override async readBlob(_r: RepoRef, entry: TreeEntry): Promise<string> {
    return this.blobs.get(entry.id)!;
  }
  override async changedFiles(): Promise<ChangedFile[]> {
    return this.changed;
  }
}

const dropColumn = (env: string) =>
  task('SchemaChange', 'database: shop\nsql: ALTER TABLE t_user DROP COLUMN legacy', 'drop-legacy').replace(
    '  service: checkout\n',
    `  service: checkout\n  env: ${env}\n`,
  );

async function mergeUnreviewed(env: string, config = (text: string) => text) {
  const forge = new ContentForge();
  forge.permissions.set('carol', 'write');
  const files = (await templateRepoFiles()).filter((f) => !f.path.startsWith('tasks/'));
  const base = Object.fromEntries(
    files.map((f) => [f.path, f.path === '.zeroops/config.yaml' ? config(f.text) : f.text]),
  );
  const merged = { ...base, 'tasks/drop-legacy.yaml': dropColumn(env) };
  forge.trees.set('base', base).set('head', merged).set('merge', merged);
  forge.changed = [{ path: 'tasks/drop-legacy.yaml', status: 'added' }];
  forge.pulls.set(1, { author: 'carol', headSha: 'head', baseSha: 'base', merged: true, mergeSha: 'merge' });
  const pull: MergedPull = {
    repo,
    number: 1,
    mergeSha: 'merge',
    baseSha: 'base',
    headSha: 'head',
    baseRef: 'main',
    defaultBranch: 'main',
    mergedBy: 'carol',
  };
  const deps = {
    forge,
    store: storeOf(),
    scheduler: { later: async () => {} },
    log: quietLog,
    clock: () => new Date('2026-12-01T10:00:00Z'),
  };
  return startRuns(deps, pull);
}

describe('an environment label', () => {
  it("does not lower the risk either: production's targets are production's whatever the label", async () => {
    const restart = (env: string) =>
      planTask(
        task('ConfigUpdate', 'set: { LOG_LEVEL: debug }\napply: restart', 'log-level').replace(
          '  service: checkout\n',
          `  service: checkout\n  env: ${env}\n`,
        ),
      );
    const [production, staging] = [await restart('production'), await restart('staging')];
    expect(staging.risk.level).toBe(production.risk.level);
    expect(staging.risk.reasons).toContain('changes what production runs on');
    expect(staging.approvals.required).toBe(production.approvals.required);
  });

  it("does not lower the bar: a staging-labelled drop on the service's database needs production's", async () => {
    // The example policy: staging needs 0 approvals, production's high-risk changes 2 with an owner.
    const outcome = await mergeUnreviewed('staging');
    expect(outcome.started).toEqual([]);
    expect(outcome.refused).toEqual([expect.stringMatching(/^`drop-legacy`: not approved: .*0 of 2/)]);
  });

  it('does not step around a freeze of another environment that shares the targets', async () => {
    const frozen = (text: string) =>
      text.replace(
        '  # freezes:\n',
        '  freezes:\n' +
          '    - { name: year-end, env: production, from: "2026-11-24T00:00:00Z", to: "2027-01-02T00:00:00Z" }\n',
      );
    const relaxed = (text: string) => frozen(text).replace('required: 2, owner: true', 'required: 0, owner: false');
    const outcome = await mergeUnreviewed('staging', relaxed);
    // Approved by its rules, it waits for production's freeze to end, as a production-labelled one would.
    expect(outcome.started).toEqual([]);
    expect(outcome.scheduled).toEqual([
      '`drop-legacy` at 2027-01-02T00:00:00.000Z (change freeze "year-end" until 2027-01-02T00:00:00Z)',
    ]);
  });
});
