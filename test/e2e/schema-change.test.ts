/**
 * A column replacement executed for real: planned with a read-only preflight on the pull request,
 * approved, merged, and carried out on the lab's PostgreSQL while 8 pgbench clients read and write
 * the table and a long transaction holds a lock during the first DDL. Then a second change is
 * rolled back after its backfill and leaves the table exactly as it was.
 */
import { jest } from '@jest/globals';
import pg from 'pg';
import { startLab, type Lab } from '../../lab/lab.js';
import { labServiceHead } from '../../lab/patrol-service.js';
import { startZeroOpsOnLab, type ZeroOpsOnLab } from '../../lab/zeroops-on-lab.js';
import { worstLatencyDuring, type DbLoad } from '../../lab/components/db-load.js';
import type { Run } from '../../src/engine/run.js';
import { eventually } from '../support/lab.js';
import { runCheckOf, waitingForApproval } from '../support/run-checks.js';

jest.setTimeout(240_000);

let lab: Lab;
let zeroops: ZeroOpsOnLab;
let db: pg.Client;
const github = () => lab.github!;

beforeAll(async () => {
  lab = await startLab({ components: ['redis', 'postgres', 'github'], seedRows: 50_000 });
  process.env.LAB_SHOP_DATABASE_URL = lab.postgres!.url;
  await github().state.git.commit(
    'main',
    {
      'services/checkout.yaml': `${labServiceHead}  databases: [{ name: shop, engine: postgres }]\n`,
      '.zeroops/config.yaml': `apiVersion: zeroops.dev/v1
kind: Config
spec:
  defaultEnv: production
  providers:
    postgres: { databases: { shop: { url: { env: LAB_SHOP_DATABASE_URL } } } }
  policy: { defaultApprovals: 1, requireOwner: true }
`,
    },
    'The shop database',
  );
  for (const [user, permission] of [
    ['alice', 'write'],
    ['carol', 'write'],
  ] as const)
    github().setPermission(user, permission);
  zeroops = await startZeroOpsOnLab(lab);
  db = new pg.Client({ connectionString: lab.postgres!.url });
  await db.connect();
});
afterAll(async () => {
  await db?.end();
  await zeroops?.stop();
  await lab?.stop();
});

const replacement = (name: string, change: string) => `apiVersion: zeroops.dev/v1
kind: SchemaChange
metadata: { name: ${name}, service: checkout }
spec:
  database: shop
  replaceColumn: { table: user_profile, ${change} }
  batchSize: 2000
  lockTimeout: 200ms
  readersWindow: 2s
  observeFor: 2s
`;

const runCheck = (task: string) => runCheckOf(github(), task);
const runOf = async (number: number): Promise<Run> => (await zeroops.runtime.store.runs({ pullNumber: number }))[0]!;
const waitingFor = (task: string, step: string) => waitingForApproval(github(), task, step);
const columns = async () =>
  (
    await db.query(
      `SELECT attname FROM pg_attribute WHERE attrelid = 'user_profile'::regclass AND attnum > 0 AND NOT ` +
        `attisdropped ORDER BY attnum`,
    )
  ).rows.map((r) => r.attname as string);

async function openPull(name: string, manifest: string, from: { fork?: string } = {}): Promise<number> {
  const { number } = await github().openPullRequest({
    title: name,
    branch: name,
    files: { [`tasks/${name}.yaml`]: manifest },
    author: 'carol',
    ...from,
  });
  return number;
}

describe('SchemaChange on PostgreSQL, end to end', () => {
  it('reports a lossy transform on the pull request before anyone approves', async () => {
    await db.query(`UPDATE user_profile SET column_1 = 'not json at all' WHERE id = 42`);
    const number = await openPull(
      'lossy',
      replacement('lossy', 'from: column_1, to: column_2, type: jsonb, using: column_1::jsonb'),
    );
    const plan = github()
      .checkRuns(github().pull(number).head.sha)
      .find((c) => c.name === 'ZeroOps plan')!;
    expect(plan.conclusion).toBe('failure');
    const comment = github()
      .comments(number)
      .map((c) => c.body)
      .join('\n');
    expect(comment).toContain('### Preflight of `user_profile` in shop (read-only)');
    expect(comment).toMatch(/\| 50,000 \| [\d.]+ MiB \| `id` \|/);
    expect(comment).toContain('- key 42: `xxx xxxx xx xxx` — invalid input syntax (SQLSTATE 22P02)');
    expect(comment).toContain('**What the backfill leaves behind:** 50,000 new row versions; at fillfactor 100');
    expect(comment).toContain('so about every one moves: about 50,000 new index entries over 1 index(es)');
    expect(comment).toMatch(/about [\d.]+ MiB of WAL \(~\d{3} B per row\)\./);
    expect(comment).toContain('decide what they become in spec.replaceColumn.onInvalid');

    // The same change opened by a writer from a fork, whose owner pushes to it: no transform over the rows.
    const outsider = await openPull(
      'lossy-outsider',
      replacement('lossy-outsider', 'from: column_1, to: column_2, type: jsonb, using: column_1::jsonb'),
      { fork: 'mallory' },
    );
    const theirs = github()
      .comments(outsider)
      .map((c) => c.body)
      .join('\n');
    expect(theirs).toContain('### Preflight of `user_profile` in shop (read-only)');
    expect(theirs).toContain('were not run through column_1::jsonb before approval: the change comes from mallory/');
    expect(theirs).not.toContain('key 42');
    await db.query(`UPDATE user_profile SET column_1 = '{"tier": "free"}' WHERE id = 42`);
    expect(github().violations).toEqual([]);
  });

  it(
    'replaces column_1 by column_2 under load: waits out a long transaction, never fails a client, verifies, ' +
      'switches, drops',
    async () => {
      const load: DbLoad = await lab.startDbLoad({ clients: 8, rate: 400 });
      const number = await openPull(
        'column-2',
        replacement('column-2', 'from: column_1, to: column_2, type: jsonb, using: column_1::jsonb'),
      );
      await github().review(number, 'alice', 'APPROVED');
      const holder = new pg.Client({ connectionString: lab.postgres!.url, application_name: 'nightly-report' });
      await holder.connect();
      await holder.query('BEGIN');
      await holder.query('SELECT count(*) FROM user_profile WHERE id < 100');
      setTimeout(() => void holder.query('COMMIT').then(() => holder.end()), 2500);
      await github().merge(number, 'carol');

      expect(await waitingFor('column-2', 'switch-readers')).toBe(true);
      const waiting = runCheck('column-2')!.text!;
      expect(waiting).toMatch(
        new RegExp(
          '`expand-add-column`.*waited for locks \\d+× and retried ' +
            '\\(attempt \\d+ waited for pid \\d+ \\(nightly-report, idle in transaction',
        ),
      );
      expect(waiting).toMatch(/`backfill`.*<sub>[\d,]+ rows in [\d.]+s · [\d,]+ rows\/s/);
      expect(waiting).toMatch(/`verify`.*<sub>[\d,]+ rows in \d+ key ranges match/);
      expect(waiting).toMatch(/`readers`.*SELECT name, column_1 FROM user_profile WHERE id = \$N/);

      await load.useNewCode(); // the application now reads and writes column_2
      await github().comment(number, 'alice', '/zeroops approve-step switch-readers');
      expect(await waitingFor('column-2', 'contract-drop-old')).toBe(true);
      expect(await columns()).toEqual(['id', 'name', 'email', 'column_1_deprecated', 'column_2']);
      await github().comment(number, 'alice', '/zeroops approve-step contract-drop-old');
      expect(await eventually(() => runCheck('column-2')?.conclusion === 'success', 60_000)).toBe(true);
      expect(await columns()).toEqual(['id', 'name', 'email', 'column_2']);

      const report = await load.stop();
      expect(report.failures).toEqual([]);
      expect(report.transactions.length).toBeGreaterThan(1000);
      const run = await runOf(number);
      for (const id of ['expand-add-column', 'expand-dual-write', 'contract-rename-old', 'contract-drop-old']) {
        const step = run.steps.find((s) => s.id === id)!;
        const worst = worstLatencyDuring(
          report.transactions,
          Date.parse(step.startedAt!),
          Date.parse(step.finishedAt!),
        );
        expect([id, worst > 0 && worst <= 250]).toEqual([id, true]); // clients ran through it, none stalled
      }
      expect(github().violations).toEqual([]);
    },
  );

  it('rolls back after the backfill and leaves the table exactly as it was', async () => {
    const sum = async () =>
      (await db.query(`SELECT md5(string_agg(id || ':' || email, ',' ORDER BY id)) AS s FROM user_profile`)).rows[0].s;
    const before = { columns: await columns(), sum: await sum() };
    const number = await openPull(
      'email-lower',
      replacement('email-lower', 'from: email, to: email_lower, type: text, using: lower(email)'),
    );
    await github().review(number, 'alice', 'APPROVED');
    await github().merge(number, 'carol');
    expect(await waitingFor('email-lower', 'switch-readers')).toBe(true);
    expect(await columns()).toContain('email_lower');
    await github().comment(number, 'alice', '/zeroops rollback');
    expect(await eventually(() => runCheck('email-lower')?.status === 'completed', 60_000)).toBe(true);
    expect(runCheck('email-lower')!.conclusion).toBe('failure');
    expect((await runOf(number)).status).toBe('rolled_back');
    expect({ columns: await columns(), sum: await sum() }).toEqual(before);
    const triggers = await db.query(
      `SELECT tgname FROM pg_trigger WHERE tgrelid = 'user_profile'::regclass AND NOT tgisinternal`,
    );
    expect(triggers.rows).toEqual([]);
  });
});
