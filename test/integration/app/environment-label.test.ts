/**
 * A task's `env` is a label its author picks, while its service has one set of databases and
 * datacenters: a merge labelled staging must meet production's bar and freezes all the same.
 */
import { loadSqlParser } from '../../../src/kinds/schema-change/sql.js';
import { embeddedStorePerTest } from '../../support/embedded-store.js';
import { ContentForge, mergedOn, startMergedPull } from '../../support/merged-pull.js';
import { templateRepoFiles } from '../../support/ops-repo.js';
import { planTask, task } from '../../support/plan-task.js';

beforeAll(() => loadSqlParser());
const storeOf = embeddedStorePerTest('environment-label-');

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
  mergedOn(forge, base, merged);
  return startMergedPull(forge, storeOf());
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
