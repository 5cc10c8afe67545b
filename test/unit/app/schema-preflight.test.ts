import { checkAndPlan } from '../../../src/app/check-and-plan.js';
import type { PreflightFacts, PreflightTarget, SchemaPreflight } from '../../../src/app/ports.js';
import { preflightSchemaChanges, type PreflightOptions } from '../../../src/app/schema-preflight.js';
import { formatDiagnostic } from '../../../src/manifest/diagnostic.js';
import { templateRepoFiles } from '../../support/ops-repo.js';
import { task } from '../../support/plan-task.js';

const replacement = (extra = '') =>
  task(
    'SchemaChange',
    `database: shop\nreplaceColumn:\n  table: user_profile\n  from: column_1\n  to: column_2\n  type: jsonb\n  ` +
      `using: column_1::jsonb${extra}`,
  );

const facts = (overrides: Partial<PreflightFacts> = {}): PreflightFacts => ({
  rows: 40_000,
  bytes: 8 * 1048576,
  key: { column: 'id', type: 'bigint' },
  indexes: ['CREATE UNIQUE INDEX user_profile_pkey ON public.user_profile USING btree (id)'],
  triggers: [],
  foreignKeys: [],
  replicas: [],
  statementsTracked: true,
  heap: { bytes: 6 * 1048576, indexBytes: 900_000, fillfactor: 100, rowBytes: 130, newColumnBytes: 60 },
  transform: {
    checked: 40_000,
    partial: false,
    failing: { count: 0, examples: [] },
    nulled: { count: 0, examples: [] },
  },
  ...overrides,
});

const lossy = facts({
  transform: {
    checked: 40_000,
    partial: false,
    failing: { count: 2, examples: [{ key: '3', value: 'not json 3', code: '22P02' }] },
    nulled: { count: 0, examples: [] },
  },
});

async function preflightOf(yaml: string, found: PreflightFacts, mysql = false, options: PreflightOptions = {}) {
  const context = (await templateRepoFiles()).map((f) =>
    mysql && f.path === 'services/checkout.yaml'
      ? { ...f, text: f.text.replace('engine: postgres', 'engine: mysql') }
      : f,
  );
  const { plans, tasks } = await checkAndPlan({ files: [{ path: 'tasks/t.yaml', text: yaml }], context });
  const seen: PreflightTarget[] = [];
  const preflight: SchemaPreflight = {
    inspect: async (target) => {
      seen.push(target);
      return found;
    },
  };
  const outcome = await preflightSchemaChanges(preflight, plans, tasks, {}, options);
  return { ...outcome, seen, findings: outcome.diagnostics.map(formatDiagnostic) };
}

describe('schema change preflight', () => {
  it('asks the database about the table and the transform, and shows it on the plan', async () => {
    const { seen, sections, findings } = await preflightOf(replacement(), facts());
    expect(seen).toEqual([
      {
        engine: 'postgres',
        database: 'shop',
        table: 'user_profile',
        transform: { from: 'column_1', using: 'column_1::jsonb', type: 'jsonb' },
        retiredColumns: ['column_1'],
        addedColumns: ['column_2', 'column_1_deprecated'],
      },
    ]);
    expect(findings).toEqual([]);
    expect(sections[0]).toContain('| 40,000 | 8.0 MiB | `id` | 1 | none | 0 | none |');
    expect(sections[0]).toContain('0 fail, 0 become NULL');
    expect(sections[0]).toContain('is rejected with the conversion');
    expect(sections[0]).toContain(
      '40,000 rows at about 20,000 rows/s ≈ 2s while the application is calm, from batches of 1,000; up to 13s if ' +
        'it feels the backfill throughout (the pace slows as far as about 3,200 rows/s).',
    );
    expect(sections[0]).toContain(
      '**What the backfill leaves behind:** 40,000 new row versions; at fillfactor 100 no page has room for them, ' +
        'so about every one moves: about 40,000 new index entries over 1 index(es), the heap (6 MiB) grows by about ' +
        '7.4 MiB and keeps 40,000 dead versions',
    );
    expect(sections[0]).toContain('about 22.3 MiB of WAL (~585 B per row).');
  });

  it('says that replicas replay the WAL, and that room left by fillfactor keeps some versions in place', async () => {
    const roomy = facts({
      heap: { bytes: 6 * 1048576, indexBytes: 900_000, fillfactor: 50, rowBytes: 130, newColumnBytes: 60 },
      replicas: [{ name: 'replica-1', lagSeconds: 0.2 }],
    });
    const { sections } = await preflightOf(replacement(), roomy);
    expect(sections[0]).toMatch(/about [\d,]+ cannot stay on their page \(fillfactor 50\) and move/);
    expect(sections[0]).toContain('that each of the 1 replica(s) replays.');
    const sparse = facts({
      heap: { bytes: 1048576, indexBytes: 0, fillfactor: 10, rowBytes: 130, newColumnBytes: 60 },
    });
    expect((await preflightOf(replacement(), sparse)).sections[0]).toContain(
      'fillfactor 10 leaves room for them on their pages, so about none moves: about 0 new index entries',
    );
    const empty = await preflightOf(replacement(), facts({ rows: 0 }));
    expect(empty.sections[0]).not.toContain('What the backfill leaves behind');
  });

  it('refuses a lossy transform until the manifest decides what the rows become', async () => {
    const { findings, sections } = await preflightOf(replacement(), lossy);
    const expected =
      'tasks/t.yaml:13:12 error spec.replaceColumn.using: column_1::jsonb over user_profile: 2 row(s) fail ' +
      "(e.g. key 3, 'xxx xxxx x': invalid input syntax (SQLSTATE 22P02)) of 40,000 checked: " +
      'decide what they become in spec.replaceColumn.onInvalid';
    expect(findings).toHaveLength(1);
    expect(findings[0]!.startsWith(expected)).toBe(true);
    expect(sections[0]).toContain('- key 3: `xxx xxxx x` — invalid input syntax (SQLSTATE 22P02)');
    expect(sections[0]).toContain("To see them: `SELECT id, column_1 FROM user_profile WHERE id IN ('3')`.");
  });

  it("never shows a row's data to whoever opened the pull request: values, keys, errors", async () => {
    const secret = facts({
      key: { column: 'email', type: 'text' },
      transform: {
        checked: 10,
        partial: false,
        failing: {
          count: 1,
          examples: [{ key: 'ann@example.com', value: '$2b$12$R9h/cIPz0gi', code: '42P01' }],
        },
        nulled: { count: 1, examples: [{ key: 'bob@example.com', value: 'hunter2' }] },
      },
    });
    const { findings, sections } = await preflightOf(replacement(), secret);
    const shown = [...findings, ...sections].join('\n');
    for (const data of ['R9h', 'cIPz', 'hunter', 'ann@', 'bob@']) expect(shown).not.toContain(data);
    expect(sections[0]).toContain('- key xxx@xxxxxxx.xxx: `$xx$xx$xxx/xxxxxxx` — no such relation (SQLSTATE 42P01)');
    expect(sections[0]).toContain('- key xxx@xxxxxxx.xxx: `xxxxxxx` — becomes NULL');
    expect(sections[0]).not.toContain('To see them');
  });

  it('runs no transform over the rows of a change that comes from a fork', async () => {
    let asked = 0;
    const rowsWithheld = async () => {
      asked++;
      return 'the change comes from mallory/ops, a branch that people without write access to acme/ops can push to';
    };
    const { seen, findings, sections } = await preflightOf(replacement(), lossy, false, { rowsWithheld });
    expect(asked).toBe(1);
    // The table is looked at; its rows are not run through the author's expression.
    expect(seen).toEqual([
      {
        engine: 'postgres',
        database: 'shop',
        table: 'user_profile',
        retiredColumns: ['column_1'],
        addedColumns: ['column_2', 'column_1_deprecated'],
      },
    ]);
    expect(findings).toEqual([
      expect.stringMatching(
        new RegExp(
          '^tasks/t\\.yaml:13:12 warning spec\\.replaceColumn\\.using: the rows of user_profile were not run through ' +
            'column_1::jsonb before approval: the change comes from mallory/ops',
        ),
      ),
    ]);
    expect(sections.join('\n')).not.toContain('xxx xxxx');
    // A branch of the repository is checked as before.
    const trusted = await preflightOf(replacement(), lossy, false, { rowsWithheld: async () => undefined });
    expect(trusted.seen[0]!.transform).toEqual({ from: 'column_1', using: 'column_1::jsonb', type: 'jsonb' });
    expect(trusted.findings[0]).toContain('error spec.replaceColumn.using');
  });

  it('takes an explicit decision, and says what the trigger does with an invalid write', async () => {
    const kept = await preflightOf(replacement('\n  onInvalid: keep-text-in column_1_invalid'), lossy);
    expect(kept.findings).toEqual([]);
    expect(kept.sections[0]).toContain('copies the text into column_1_invalid');
    const failing = await preflightOf(replacement('\n  onInvalid: fail'), lossy);
    expect(failing.findings).toEqual([
      expect.stringContaining('error spec.replaceColumn.onInvalid: column_1::jsonb over user_profile: 2 row(s) fail'),
    ]);
  });

  it('warns, without blocking, when the database cannot be reached or does not track statements', async () => {
    const { plans, tasks } = await checkAndPlan({
      files: [{ path: 'tasks/t.yaml', text: replacement() }],
      context: await templateRepoFiles(),
    });
    const down: SchemaPreflight = {
      inspect: () => Promise.reject(new Error('SHOP_DATABASE_URL is not set on this worker')),
    };
    const outcome = await preflightSchemaChanges(down, plans, tasks, {});
    expect(outcome.diagnostics.map(formatDiagnostic)).toEqual([
      expect.stringContaining(
        'warning spec.database: the preflight of user_profile could not run: SHOP_DATABASE_URL is not set',
      ),
    ]);
    const untracked = await preflightOf(replacement(), facts({ statementsTracked: false }));
    expect(untracked.findings).toEqual([
      expect.stringContaining('warning spec.database: pg_stat_statements is not installed'),
    ]);
  });

  it("stops at what the database says makes the change unsafe, and names the table's UPDATE triggers", async () => {
    const { plans, tasks } = await checkAndPlan({
      files: [{ path: 'tasks/t.yaml', text: replacement() }],
      context: await templateRepoFiles(),
    });
    const hidden: SchemaPreflight = {
      inspect: () =>
        Promise.reject(
          Object.assign(new Error('row-level security applies to the role on user_profile'), { refusal: true }),
        ),
    };
    const refused = await preflightSchemaChanges(hidden, plans, tasks, {});
    expect(refused.diagnostics.map(formatDiagnostic)).toEqual([
      expect.stringMatching(/error spec\.replaceColumn: row-level security applies to the role on user_profile/),
    ]);
    const touched = await preflightOf(replacement(), facts({ updateTriggers: ['touch_updated_at'] }));
    expect(touched.findings).toEqual([
      expect.stringContaining(
        "warning spec.replaceColumn: the backfill's updates fire touch_updated_at on every row of user_profile",
      ),
    ]);
  });

  it('refuses to retire a primary key, or a column a view or another table uses, before approval', async () => {
    const plain = { exists: true, primaryKey: false, notNull: false, droppedWith: [], lostForGood: [], blockers: [] };
    const typeChange = task(
      'SchemaChange',
      'database: shop\nsql: ALTER TABLE user_profile ALTER COLUMN id TYPE bigint',
    );
    const key = await preflightOf(
      typeChange,
      facts({
        transform: undefined,
        retiredColumns: [
          {
            ...plain,
            column: 'id',
            primaryKey: true,
            notNull: true,
            default: "nextval('user_profile_id_seq'::regclass)",
            droppedWith: ['constraint user_profile_pkey (PRIMARY KEY (id))'],
          },
        ],
      }),
    );
    expect(key.seen[0]!.retiredColumns).toEqual(['id']);
    expect(key.findings).toEqual([
      expect.stringContaining(
        "error spec.sql: user_profile.id is part of user_profile's primary key: replacing it by id_new would leave " +
          'the table without one',
      ),
    ]);
    expect(key.sections[0]).toContain(
      "- `id`: in the primary key; NOT NULL; DEFAULT `nextval('user_profile_id_seq'::regclass)`; goes with it: " +
        '`constraint user_profile_pkey (PRIMARY KEY (id))`',
    );
    const drop = task('SchemaChange', 'database: shop\nsql: ALTER TABLE user_profile DROP COLUMN email');
    const used = await preflightOf(
      drop,
      facts({
        transform: undefined,
        retiredColumns: [
          {
            ...plain,
            column: 'email',
            droppedWith: [
              'index user_profile_tenant_email (CREATE UNIQUE INDEX … (tenant, email))',
              'statistics user_profile_tenant_email_stats',
            ],
            lostForGood: ['statistics user_profile_tenant_email_stats'],
            blockers: ['view active_users', 'constraint invoice_email_fkey of invoice (FOREIGN KEY …)'],
          },
        ],
      }),
    );
    expect(used.findings).toEqual([
      expect.stringContaining(
        'error spec.sql: view active_users; constraint invoice_email_fkey of invoice (FOREIGN KEY …) depend on ' +
          'user_profile.email: PostgreSQL would refuse its drop at the very end',
      ),
      expect.stringContaining(
        'warning spec.sql: dropping user_profile.email also drops index user_profile_tenant_email (CREATE UNIQUE ' +
          'INDEX … (tenant, email)), statistics user_profile_tenant_email_stats; its undo builds them again with ' +
          'the values, except statistics user_profile_tenant_email_stats',
      ),
    ]);
    const dropTable = task('SchemaChange', 'database: shop\nsql: DROP TABLE user_profile');
    const referenced = await preflightOf(
      dropTable,
      facts({ transform: undefined, tableBlockers: ['constraint order_user_fkey of orders (FOREIGN KEY …)'] }),
    );
    expect(referenced.seen[0]!.retiresTable).toBe(true);
    expect(referenced.findings).toEqual([
      expect.stringContaining(
        'error spec.sql: constraint order_user_fkey of orders (FOREIGN KEY …) depends on user_profile: PostgreSQL ' +
          'would refuse DROP TABLE at the very end',
      ),
    ]);
    // Tables dropped earlier in the same statement take their references with them.
    const two = await preflightOf(
      task('SchemaChange', 'database: shop\nsql: DROP TABLE orders, user_profile'),
      facts({ transform: undefined, tableBlockers: [] }),
    );
    expect(two.seen.map((t) => [t.table, t.droppedBefore])).toEqual([
      ['orders', undefined],
      ['user_profile', ['orders']],
    ]);
    const partitioned = await preflightOf(
      dropTable,
      facts({ transform: undefined, tableBlockers: [], tablePartitions: ['user_profile_2025', 'user_profile_2026'] }),
    );
    expect(partitioned.findings).toEqual([
      expect.stringContaining(
        'warning spec.sql: dropping user_profile also drops its 2 partition(s) and their rows: user_profile_2025, ' +
          'user_profile_2026',
      ),
    ]);
    const unused = await preflightOf(dropTable, facts({ transform: undefined, tableBlockers: [] }));
    expect(unused.findings).toEqual([]);
    expect(unused.sections[0]).toContain('**Before the table goes:** no view or other table uses it.');
  });

  it('refuses a new column whose name is taken, before approval, pointing at the manifest field', async () => {
    const { seen, findings } = await preflightOf(replacement(), facts({ takenColumns: [{ column: 'column_2' }] }));
    expect(seen[0]!.addedColumns).toEqual(['column_2', 'column_1_deprecated']);
    expect(findings).toEqual([
      expect.stringMatching(
        new RegExp(
          '^tasks/t\\.yaml:\\d+:\\d+ error spec\\.replaceColumn\\.to: ' +
            "user_profile\\.column_2 already exists and holds somebody's data",
        ),
      ),
    ]);
    // The name the drop retires the old column into is checked too: taken, the rename would fail at the end.
    const retiredInto = await preflightOf(replacement(), facts({ takenColumns: [{ column: 'column_1_deprecated' }] }));
    expect(retiredInto.findings).toEqual([
      expect.stringContaining(
        "user_profile.column_1_deprecated already exists and holds somebody's data: ZeroOps never takes over or " +
          'drops a column it did not add; the drop renames column_1 to that name first, so rename or drop the one ' +
          'there in a change of its own',
      ),
    ]);
    // The keep-text column is named by onInvalid; a column a ZeroOps run added (maybe this merge's own,
    // on a retry) is a warning: execution refuses another run's.
    const kept = await preflightOf(
      replacement('\n  onInvalid: keep-text-in column_1_invalid'),
      facts({ takenColumns: [{ column: 'column_1_invalid' }, { column: 'column_2', addedByRun: 'run-41' }] }),
    );
    expect(kept.seen[0]!.addedColumns).toEqual(['column_2', 'column_1_invalid', 'column_1_deprecated']);
    expect(kept.findings).toEqual([
      expect.stringContaining('error spec.replaceColumn.onInvalid: user_profile.column_1_invalid already exists'),
      expect.stringContaining(
        'warning spec.replaceColumn.to: user_profile.column_2 is there already, added by ZeroOps run run-41',
      ),
    ]);
    // Raw SQL may add a column under a name it renamed away first.
    const reuse = await preflightOf(
      task(
        'SchemaChange',
        'database: shop\nsql: |\n  ALTER TABLE user_profile DROP COLUMN name;\n' +
          '  ALTER TABLE user_profile RENAME COLUMN email TO name;',
      ),
      facts({ transform: undefined }),
    );
    expect(reuse.seen[0]!.retiredColumns).toEqual(['name', 'email']);
    expect(reuse.seen[0]!.addedColumns).toEqual(['name_deprecated', 'email_deprecated']);
  });

  it('refuses a plain ADD COLUMN or ADD INDEX whose name is taken, on either engine', async () => {
    const sql = (text: string) => task('SchemaChange', `database: shop\nsql: ${text}`);
    const postgres = await preflightOf(
      sql('ALTER TABLE user_profile ADD COLUMN email text'),
      facts({ transform: undefined, takenColumns: [{ column: 'email' }] }),
    );
    expect(postgres.seen[0]!.addedColumns).toEqual(['email']);
    expect(postgres.findings).toEqual([
      expect.stringContaining("error spec.sql: user_profile.email already exists and holds somebody's data"),
    ]);
    // A column a ZeroOps run added is a warning only where the step knows its own run's column by its mark.
    const marked = await preflightOf(
      sql('ALTER TABLE user_profile ADD COLUMN column_2 jsonb'),
      facts({ transform: undefined, takenColumns: [{ column: 'column_2', addedByRun: 'run-41' }] }),
    );
    expect(marked.findings).toEqual([
      expect.stringContaining(
        'error spec.sql: user_profile.column_2 is there already, added by ZeroOps run run-41: ADD COLUMN would fail',
      ),
    ]);
    // A column the change renames away first may be added again, on MySQL too (its rename's name is checked).
    const again = await preflightOf(
      sql('|\n  ALTER TABLE t_user DROP COLUMN name;\n  ALTER TABLE t_user ADD COLUMN name INT;'),
      facts({ engine: 'mysql', transform: undefined, statementsTracked: undefined }),
      true,
    );
    expect(again.seen[0]!.addedColumns).toEqual(['name_deprecated']);
    // IF NOT EXISTS may find it there: no undo, and nothing to check.
    const maybe = await preflightOf(
      sql('ALTER TABLE user_profile ADD COLUMN IF NOT EXISTS email text'),
      facts({ transform: undefined }),
    );
    expect(maybe.seen[0]!.addedColumns).toBeUndefined();
    const mysql = await preflightOf(
      sql('ALTER TABLE t_user ADD COLUMN age INT, ADD INDEX idx_age (age)'),
      facts({
        engine: 'mysql',
        transform: undefined,
        statementsTracked: undefined,
        takenColumns: [{ column: 'age' }],
        takenIndexes: ['idx_age'],
      }),
      true,
    );
    expect(mysql.seen[0]).toMatchObject({ addedColumns: ['age'], addedIndexes: ['idx_age'] });
    expect(mysql.findings).toEqual([
      expect.stringContaining('error spec.sql: t_user has an index named idx_age already'),
      expect.stringContaining("error spec.sql: t_user.age already exists and holds somebody's data"),
    ]);
  });

  it('refuses CREATE TABLE of a table that is there already, on either engine', async () => {
    const sql = (text: string) => task('SchemaChange', `database: shop\nsql: ${text}`);
    const postgres = await preflightOf(sql('CREATE TABLE user_profile (id bigint)'), facts({ transform: undefined }));
    expect(postgres.findings).toEqual([
      expect.stringContaining('error spec.sql: user_profile exists already (40,000 rows): CREATE TABLE would fail'),
    ]);
    // IF NOT EXISTS may find it there, and its rollback leaves it.
    const maybe = await preflightOf(
      sql('CREATE TABLE IF NOT EXISTS user_profile (id bigint)'),
      facts({ transform: undefined }),
    );
    expect(maybe.findings).toEqual([]);
    const mysql = await preflightOf(
      sql('CREATE TABLE audit (id INT PRIMARY KEY)'),
      facts({ engine: 'mysql', transform: undefined, statementsTracked: undefined }),
      true,
    );
    expect(mysql.findings).toEqual([expect.stringContaining('error spec.sql: audit exists already')]);
    // A table the change drops first (renamed away) may be created again under its name.
    const replaced = await preflightOf(
      sql('|\n  DROP TABLE audit;\n  CREATE TABLE audit (id INT PRIMARY KEY);'),
      facts({ engine: 'mysql', transform: undefined, statementsTracked: undefined }),
      true,
    );
    expect(replaced.findings.filter((f) => f.includes('exists already'))).toEqual([]);
  });

  it('refuses a column, index or table that two changes of the pull request add, even with no database', async () => {
    const sql = (name: string, text: string) => task('SchemaChange', `database: shop\nsql: ${text}`, name);
    const { plans, tasks } = await checkAndPlan({
      files: [
        { path: 'tasks/a.yaml', text: sql('add-email', 'ALTER TABLE user_profile ADD COLUMN email2 text') },
        {
          path: 'tasks/b.yaml',
          text: sql(
            'add-again',
            '|\n  ALTER TABLE user_profile ADD COLUMN email2 text;\n  CREATE TABLE audit (id int);',
          ),
        },
        { path: 'tasks/c.yaml', text: sql('audit-too', 'CREATE TABLE audit (id bigint)') },
        // Another table's column of the same name is another column.
        { path: 'tasks/d.yaml', text: sql('elsewhere', 'ALTER TABLE audit_log ADD COLUMN email2 text') },
      ],
      context: await templateRepoFiles(),
    });
    const { diagnostics } = await preflightSchemaChanges(undefined, plans, tasks, {});
    expect(diagnostics.map(formatDiagnostic)).toEqual([
      expect.stringMatching(
        /^tasks\/b\.yaml:\d+:\d+ error spec\.sql: user_profile\.email2 is added by add-email \(tasks\/a\.yaml\) too/,
      ),
      expect.stringMatching(
        /^tasks\/c\.yaml:\d+:\d+ error spec\.sql: table audit is added by add-again \(tasks\/b\.yaml\)/,
      ),
    ]);
  });

  it('says what a replacement column does not inherit from the one it replaces', async () => {
    const rename = task(
      'SchemaChange',
      'database: shop\nsql: ALTER TABLE user_profile RENAME COLUMN name TO full_name',
    );
    const { findings, sections } = await preflightOf(
      rename,
      facts({
        transform: undefined,
        retiredColumns: [
          {
            column: 'name',
            exists: true,
            primaryKey: false,
            notNull: true,
            default: "''::text",
            droppedWith: ['index user_profile_name (CREATE INDEX user_profile_name ON public.user_profile (name))'],
            lostForGood: [],
            blockers: [],
          },
        ],
      }),
    );
    expect(findings).toEqual([
      expect.stringContaining(
        "warning spec.sql: user_profile.name has NOT NULL, DEFAULT ''::text, index user_profile_name (CREATE INDEX " +
          'user_profile_name ON public.user_profile (name)): full_name is added without them',
      ),
    ]);
    expect(sections[0]).toContain("- `name`: NOT NULL; DEFAULT `''::text`; goes with it: `index user_profile_name");
    const missing = await preflightOf(
      rename,
      facts({
        transform: undefined,
        retiredColumns: [
          {
            column: 'name',
            exists: false,
            primaryKey: false,
            notNull: false,
            droppedWith: [],
            lostForGood: [],
            blockers: [],
          },
        ],
      }),
    );
    expect(missing.findings).toEqual([
      expect.stringContaining('warning spec.sql: user_profile has no column name: its rename would fail'),
    ]);
  });

  it('on MySQL, says before approval what pt-online-schema-change cannot copy, and what the copy will do', async () => {
    const drop = task('SchemaChange', 'database: shop\nsql: ALTER TABLE t_user DROP COLUMN name');
    const mysqlFacts = (overrides: Partial<PreflightFacts>) =>
      facts({ engine: 'mysql', transform: undefined, statementsTracked: undefined, ...overrides });
    const clean = await preflightOf(drop, mysqlFacts({}), true);
    expect(clean.seen).toEqual([
      {
        engine: 'mysql',
        database: 'shop',
        table: 't_user',
        retiredColumns: ['name'],
        addedColumns: ['name_deprecated'],
      },
    ]);
    expect(clean.findings).toEqual([]);
    expect(clean.sections[0]).toContain('**Copy:** pt-online-schema-change copies about 40,000 rows');
    const busy = await preflightOf(
      drop,
      mysqlFacts({
        triggers: ['t_user_audit'],
        foreignKeys: ['orders.user_id -> t_user.id'],
        key: { problem: 't_user has no one-column integer primary key (none)' },
        uniqueKeyColumns: ['name', 'email'],
      }),
      true,
    );
    expect(busy.findings).toEqual([
      expect.stringMatching(/error spec: t_user has no one-column integer primary key/),
      expect.stringMatching(/error spec.sql: name is part of a unique key: dropping it narrows the key/),
      expect.stringMatching(/error spec.sql: the table has triggers \(t_user_audit\)/),
      expect.stringMatching(/error spec.sql: other tables reference this one \(orders.user_id -> t_user.id\)/),
    ]);
    const name = {
      column: 'name',
      exists: true,
      primaryKey: false,
      notNull: true,
      droppedWith: ['index ix_name (name)'],
      lostForGood: ['index ix_name (name)'],
      blockers: ['check ck_name (`name` <> `email`)'],
      readers: ['view user_names'],
    };
    const hung = await preflightOf(drop, mysqlFacts({ retiredColumns: [name] }), true);
    expect(hung.findings).toEqual([
      expect.stringContaining(
        'error spec.sql: check ck_name (`name` <> `email`) depends on t_user.name: MySQL would refuse its drop at ' +
          'the very end, after the rename and the days of observation. Repoint or drop them first',
      ),
      expect.stringContaining(
        'warning spec.sql: view user_names reads t_user.name: MySQL lets the drop through, and it fails from the ' +
          'rename on',
      ),
      expect.stringContaining(
        'warning spec.sql: dropping t_user.name also drops NOT NULL, index ix_name (name); its undo builds them ' +
          'again with the values, except index ix_name (name)',
      ),
    ]);
    expect(hung.sections[0]).toContain('read by: `view user_names`');
    const dropTable = task('SchemaChange', 'database: shop\nsql: DROP TABLE t_user');
    const held = await preflightOf(
      dropTable,
      mysqlFacts({
        tableBlockers: ['foreign key fk_user (orders(user_id) -> t_user(id))'],
        tableReaders: ['view active_users'],
      }),
      true,
    );
    expect(held.seen[0]).toMatchObject({ engine: 'mysql', table: 't_user', retiresTable: true });
    expect(held.findings).toEqual([
      expect.stringContaining(
        'error spec.sql: foreign key fk_user (orders(user_id) -> t_user(id)) depends on t_user: MySQL would refuse ' +
          'DROP TABLE at the very end, after the rename and the days of observation. Repoint or drop them first',
      ),
      expect.stringContaining('warning spec.sql: view active_users reads t_user: MySQL lets the drop through'),
    ]);
  });
});
