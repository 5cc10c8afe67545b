/**
 * Connections come from one config for the repository: a service that names another's database
 * reaches it. Such a task, and the service file that starts naming it, need the other service's
 * bar and owners too, as the approved state names them.
 */
import { loadSqlParser } from '../../../src/kinds/schema-change/sql.js';
import { embeddedStorePerTest } from '../../support/embedded-store.js';
import { ContentForge, mergedOn, startMergedPull } from '../../support/merged-pull.js';
import { templateRepoFiles } from '../../support/ops-repo.js';

beforeAll(() => loadSqlParser());
const storeOf = embeddedStorePerTest('shared-targets-');

const sandbox = (databases: string) => `apiVersion: zeroops.dev/v1
kind: Service
metadata: { name: sandbox }
spec:
  owners: [sam]
  environments: [staging]
  datacenters: [{ name: dc-s, haproxy: { backend: sandbox_dc_s, servers: [s1] } }]
  databases: [${databases}]
`;

const dropOn = (database: string) => `apiVersion: zeroops.dev/v1
kind: SchemaChange
metadata: { name: drop-legacy, service: sandbox, env: staging }
spec:
  database: ${database}
  sql: ALTER TABLE t_user DROP COLUMN legacy
`;

/** A pull request of `changes` to the template's approved state (and sandbox), approved by `reviewers`, merged. */
async function merge(
  changes: Record<string, string>,
  reviewers: string[],
  approvedSandbox = sandbox('{ name: sandbox_db, engine: postgres }'),
) {
  const forge = new ContentForge();
  for (const login of ['carol', 'sam', 'alice', 'dave']) forge.permissions.set(login, 'write');
  const files = (await templateRepoFiles()).filter((f) => !f.path.startsWith('tasks/'));
  const base = {
    ...Object.fromEntries(files.map((f) => [f.path, f.text])),
    'services/sandbox.yaml': approvedSandbox,
  };
  const merged = { ...base, ...changes };
  mergedOn(forge, base, merged);
  forge.reviewsOf.set(
    1,
    reviewers.map((user) => ({ user, state: 'APPROVED', commitSha: 'head', submittedAt: '2026-12-01T09:00:00Z' })),
  );
  return startMergedPull(forge, storeOf());
}

describe("another service's database", () => {
  it("holds a staging service's task on it to that service's bar and owners", async () => {
    // sandbox named checkout's database in the approved state already: sam's approval is not enough.
    const shared = sandbox('{ name: sandbox_db, engine: postgres }, { name: shop, engine: postgres }');
    const bySam = await merge({ 'tasks/drop.yaml': dropOn('shop') }, ['sam'], shared);
    expect(bySam.started).toEqual([]);
    expect(bySam.refused.join('\n')).toMatch(/`drop-legacy`: not approved: .*of 2/);
    expect(bySam.refused.join('\n')).toContain('an owner of service checkout');
  });

  it('needs the owners of the service whose database a service file starts naming', async () => {
    const claim = sandbox('{ name: sandbox_db, engine: postgres }, { name: shop, engine: postgres }');
    const outcome = await merge({ 'services/sandbox.yaml': claim, 'tasks/drop.yaml': dropOn('shop') }, ['sam']);
    expect(outcome.started).toEqual([]);
    expect(outcome.refused.join('\n')).toContain(
      '`services/sandbox.yaml`: 1 more approval(s) (1 of 2); an approval from an owner of service checkout',
    );
    // With an owner of checkout and a second approval, as checkout's production asks, it goes.
    const approved = await merge({ 'services/sandbox.yaml': claim, 'tasks/drop.yaml': dropOn('shop') }, [
      'sam',
      'alice',
    ]);
    expect(approved.refused).toEqual([]);
    expect(approved.started).toEqual(['drop-legacy']);
  });

  it("leaves a service's own database to its own bar", async () => {
    const own = await merge({ 'tasks/drop.yaml': dropOn('sandbox_db') }, ['sam']);
    expect(own.refused).toEqual([]);
    expect(own.started).toEqual(['drop-legacy']);
  });
});
