import { isTypeName, transformProblem } from '../../../src/kinds/schema-change/sql-transform.js';
import { analyzeSql, loadSqlParser } from '../../../src/kinds/schema-change/sql.js';
import type { StatementClass } from '../../../src/kinds/schema-change/statement-class.js';
import type { Action } from '../../../src/plan/types.js';
import { planTask, task } from '../../support/plan-task.js';

beforeAll(() => loadSqlParser());

/** The class of each statement, or the parse error thrown. */
function classesOf(sql: string): StatementClass[] {
  const result = analyzeSql(sql);
  if (!('statements' in result)) throw new Error(result.error);
  return result.statements.map((s) => s.class);
}

describe('SchemaChange SQL analysis', () => {
  it('sorts statements into additive, stageable and refused', () => {
    const classes = classesOf(
      [
        'ALTER TABLE t_user DROP COLUMN name;',
        'ALTER TABLE user_profile ALTER COLUMN column_1 TYPE jsonb USING column_1::jsonb;',
        'ALTER TABLE t RENAME COLUMN a TO b;',
        'CREATE INDEX i ON t (c);',
        'DROP TABLE old_orders;',
        'TRUNCATE t;',
      ].join('\n'),
    );
    expect(classes).toEqual([
      { type: 'drop-column', table: 't_user', column: 'name' },
      {
        type: 'alter-column-type',
        table: 'user_profile',
        column: 'column_1',
        newType: 'jsonb',
        using: 'column_1::jsonb',
      },
      { type: 'rename-column', table: 't', column: 'a', newName: 'b' },
      expect.objectContaining({ type: 'additive', table: 't', note: expect.stringContaining('CONCURRENTLY') }),
      { type: 'drop-table', tables: ['old_orders'] },
      expect.objectContaining({ type: 'refused' }),
    ]);
  });

  it('keeps the schema of a qualified name and every table a statement names', () => {
    const classes = classesOf('ALTER TABLE audit.user_profile DROP COLUMN name; DROP TABLE audit.a, b;');
    expect(classes).toEqual([
      { type: 'drop-column', table: 'audit.user_profile', column: 'name' },
      { type: 'drop-table', tables: ['audit.a', 'b'] },
    ]);
  });

  it.each([
    ['ALTER TABLE t ADD COLUMN id2 bigserial', 'rewrites the whole table'],
    ['ALTER TABLE t ADD COLUMN token uuid DEFAULT gen_random_uuid()', 'gen_random_uuid(), which may be volatile'],
    ['ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0)', 'NOT VALID'],
    ['ALTER TABLE t ADD CONSTRAINT f FOREIGN KEY (a) REFERENCES u (id)', 'NOT VALID'],
    ['ALTER TABLE t ADD CONSTRAINT u UNIQUE (a)', 'CONCURRENTLY'],
    ['ALTER TABLE t RENAME TO t2', 'breaks every statement'],
    ['DROP TABLE t CASCADE', 'CASCADE'],
    ['DROP INDEX i', 'DROP INDEX CONCURRENTLY'],
    ['ALTER TABLE t ALTER COLUMN a TYPE regclass USING a::text', 'regclass column looks every value up in the catalog'],
    // A cast anywhere: its error in the run's check run would quote the column's value.
    [
      "ALTER TABLE users ADD CONSTRAINT c CHECK (('\"' || pw || '\"')::regclass IS NOT NULL) NOT VALID",
      'regclass looks',
    ],
    ['CREATE INDEX CONCURRENTLY i ON users ((pw::regrole))', 'regrole looks'],
    ['CREATE INDEX ON t (a)', 'name the index'],
    ['ALTER TABLE "t; drop table x" DROP COLUMN a', 'not a plain identifier'],
    // Anything the planner does not know is refused, not run raw.
    ['DROP TYPE mood CASCADE', 'DROP TYPE is not a change ZeroOps stages'],
    ['DROP VIEW v', 'DROP VIEW is not a change ZeroOps stages'],
    ["DO $$ BEGIN EXECUTE 'DROP TABLE users'; END $$", 'DO is not a change ZeroOps stages'],
    ['CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$', 'CREATE FUNCTION is not'],
    ['SELECT pg_terminate_backend(42)', 'SELECT PG_TERMINATE_BACKEND is not'],
    ['DELETE FROM t WHERE true', 'DELETE FROM changes rows'],
    ['UPDATE t SET a = 1 WHERE id = 1', 'UPDATE T changes rows'],
    ['INSERT INTO t SELECT * FROM u', 'INSERT INTO changes rows'],
    ['WITH d AS (DELETE FROM users RETURNING *) SELECT count(*) FROM d', 'WITH D is not'],
    ['ALTER TABLE t SET TABLESPACE fast', 'ALTER TABLE ... SET TABLE SPACE is not'],
    ['ALTER TABLE t DROP CONSTRAINT c CASCADE', 'ALTER TABLE ... DROP CONSTRAINT is not'],
    ['VACUUM FULL t', 'VACUUM FULL is not'],
    ['BEGIN', 'BEGIN is not'],
    ['SET session_replication_role = replica', 'SET SESSION_REPLICATION_ROLE is not'],
    ['ALTER SCHEMA a RENAME TO b', 'ALTER SCHEMA is not'],
    ['ALTER VIEW v RENAME COLUMN a TO b', 'renaming a column of a view'],
    ['ALTER FOREIGN TABLE f DROP COLUMN a', 'ALTER FOREIGN TABLE is not'],
    ['ALTER TABLE t DROP COLUMN x CASCADE', 'also drops what depends on t.x'],
    ['CREATE TABLE p1 PARTITION OF p FOR VALUES IN (1)', 'PARTITION OF locks the parent'],
    ['ALTER TABLE otherdb.audit.user_profile DROP COLUMN name', 'names the database otherdb'],
    ['DROP TABLE otherdb.audit.user_profile', 'names the database otherdb'],
    ['ALTER TABLE "audit.user_profile" DROP COLUMN name', "'audit.user_profile' is not a plain identifier"],
    ['CREATE TABLE "audit.user_profile" (id int)', "'audit.user_profile' is not a plain identifier"],
    ['DROP TABLE "audit.x"', "'audit.x' is not a plain identifier"],
    ['ALTER TABLE t ADD CONSTRAINT ex EXCLUDE USING gist (r WITH &&)', 'ADD CONSTRAINT … EXCLUSION is not'],
    ['ALTER TABLE t ADD CONSTRAINT nn NOT NULL c', 'write SET NOT NULL'],
    ['ALTER TABLE t ADD COLUMN c timestamptz DEFAULT app.now()', 'app.now(), which may be volatile'],
    ['ALTER TABLE t ADD COLUMN a int UNIQUE', 'with UNIQUE builds an index'],
    ['ALTER TABLE t ADD COLUMN a int PRIMARY KEY', 'with PRIMARY KEY builds an index'],
    ['ALTER TABLE t ADD COLUMN a int CHECK (a > 0)', 'with CHECK checks every row'],
    ['ALTER TABLE t ADD COLUMN a int REFERENCES u (id)', 'with REFERENCES checks every row'],
    ['ALTER TABLE t ADD COLUMN a uuid DEFAULT uuid_generate_v1mc()', 'uuid_generate_v1mc(), which may be volatile'],
    ['ALTER TABLE t ADD COLUMN a int DEFAULT app.next_ticket()', 'next_ticket(), which may be volatile'],
    // ZeroOps' own schema: its snapshots' notes and kept definitions are read back and run by rollbacks.
    ['COMMENT ON TABLE zeroops.snapshot_x IS \'{"default": "0, DROP COLUMN pw"}\'', "zeroops is ZeroOps' own"],
    ['DROP TABLE zeroops.dropped_indexes', "zeroops is ZeroOps' own"],
    ['ALTER TABLE zeroops.backfills ADD COLUMN x int', "zeroops is ZeroOps' own"],
    ['CREATE INDEX CONCURRENTLY zi ON zeroops.backfills (key)', "zeroops is ZeroOps' own"],
    ["COMMENT ON SCHEMA zeroops IS 'x'", "zeroops is ZeroOps' own"],
    ['ALTER TABLE t ADD CONSTRAINT c CHECK (zeroops.f(a)) NOT VALID', "zeroops is ZeroOps' own"],
    // Names the undo and a retry need.
    ['CREATE INDEX CONCURRENTLY ON t (a)', 'name the index'],
    ['ALTER TABLE t ADD CHECK (a > 0) NOT VALID', 'name the constraint'],
    ['ALTER TABLE t ADD FOREIGN KEY (a) REFERENCES u (id) NOT VALID', 'name the constraint'],
    // The undo of a constraint over somebody's index would drop that index with it.
    ['ALTER TABLE t ADD CONSTRAINT t_email_key UNIQUE USING INDEX t_email_u', 'takes over the index public.t_email_u'],
    ['ALTER TABLE t RENAME COLUMN a TO a_deprecated', 'a is retired as a_deprecated before its drop'],
    ['ALTER TABLE ONLY parent DROP COLUMN a', 'ONLY: the staged DROP COLUMN would change the inheriting tables'],
    ['ALTER TABLE ONLY t RENAME COLUMN a TO b', 'ONLY: a rename is staged'],
    ['ALTER TABLE t DROP COLUMN IF EXISTS a', 'IF EXISTS: the staged DROP COLUMN needs the column there'],
    ['ALTER TABLE IF EXISTS t ALTER COLUMN a SET NOT NULL', 'IF EXISTS: the staged SET NOT NULL'],
    ['ALTER TABLE t ALTER COLUMN a TYPE text COLLATE "C"', 'is not one type name'],
    ['DROP TABLE IF EXISTS t', 'IF EXISTS: the staged DROP TABLE needs the table there'],
  ])('refuses %s, saying why', (sql, why) => {
    const classes = classesOf(sql);
    expect(classes[0]!).toEqual({ type: 'refused', reason: expect.stringContaining(why) });
  });

  it.each([
    ["ALTER TABLE t ADD CONSTRAINT c CHECK (setval('t_id_seq', 1) > 0) NOT VALID", 'setval()'],
    [
      'ALTER TABLE t ADD CONSTRAINT c CHECK (pg_terminate_backend(pg_backend_pid())) NOT VALID',
      'pg_terminate_backend()',
    ],
    ['ALTER TABLE t ALTER COLUMN a SET DEFAULT pg_sleep(5)', 'pg_sleep()'],
    [
      "ALTER TABLE t ALTER COLUMN a SET DEFAULT set_config('session_replication_role', 'replica', false)",
      'set_config()',
    ],
    ["ALTER TABLE t ALTER COLUMN a SET DEFAULT dblink_exec('x', 'DROP TABLE t')", 'dblink_exec()'],
    ['ALTER TABLE t ALTER COLUMN a SET DEFAULT app.next_code()', 'app.next_code()'],
    ['CREATE INDEX CONCURRENTLY i ON t ((app.slow(a)))', 'app.slow()'],
    ['CREATE INDEX CONCURRENTLY i ON t (a) WHERE lo_unlink(a) > 0', 'lo_unlink()'],
    ["CREATE TABLE n (id bigint, c int CHECK (nextval('s') > 0))", 'nextval()'],
    [`ALTER TABLE t ADD CONSTRAINT c CHECK ("NOW"() > '2000-01-01') NOT VALID`, 'NOW()'],
  ])('refuses %s: a call with side effects would run on every write', (sql, call) => {
    expect(classesOf(sql)[0]).toEqual({ type: 'refused', reason: expect.stringContaining(`calls ${call}`) });
  });

  it('lets a DEFAULT draw values (nextval, gen_random_uuid) and a CHECK call pure builtins', () => {
    const classes = classesOf(
      "ALTER TABLE t ALTER COLUMN id SET DEFAULT nextval('t_id_seq'); ALTER TABLE t ALTER COLUMN u SET DEFAULT " +
        "gen_random_uuid(); ALTER TABLE t ADD CONSTRAINT c CHECK (jsonb_typeof(doc) = 'object' AND " +
        'length(lower(name)) < 80) NOT VALID; CREATE INDEX CONCURRENTLY i ON t (lower(email)); CREATE TABLE n (id ' +
        "bigint DEFAULT nextval('n_id_seq'), at timestamptz DEFAULT now())",
    );
    expect(classes.map((c) => c.type)).toEqual(['additive', 'additive', 'additive', 'additive', 'additive']);
  });

  it('lets through what is brief: NOT VALID constraints, their validation, a stable default', () => {
    const classes = classesOf(
      'ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID; ALTER TABLE t VALIDATE CONSTRAINT c; ALTER TABLE t ' +
        'ADD COLUMN at timestamptz DEFAULT now();',
    );
    expect(classes.map((c) => c.type)).toEqual(['additive', 'additive', 'additive']);
  });

  it('gives the offset of a syntax error', () => {
    expect(analyzeSql('ALTER TABLE x DROPP COLUMN y')).toEqual({
      error: 'syntax error at or near "DROPP"',
      offset: 14,
    });
  });
});

describe('SchemaChange plans', () => {
  it('stages a raw DROP COLUMN as rename, observe, snapshot and a drop that waits for approval', async () => {
    const plan = await planTask(
      task('SchemaChange', 'database: shop\nsql: ALTER TABLE t_user DROP COLUMN name\nobserveFor: 3d'),
    );
    expect(plan.steps.map((s) => s.id)).toEqual(['rename-old', 'observe', 'confirm-unused', 'snapshot', 'drop-old']);
    expect(plan.steps[0]!.action.params).toMatchObject({ unlessUsedWithinSeconds: 30 });
    expect(plan.steps[0]!.inverse).toMatchObject({
      operation: 'rename-column',
      params: { column: 'name_deprecated', newName: 'name' },
    });
    expect(plan.steps[1]!.waitSeconds).toBe(3 * 86400);
    expect(plan.steps[4]!.approval).toContain('approve-step drop-old');
    expect(plan.steps[4]!.inverse).toMatchObject({ operation: 'restore-column-snapshot' });
    expect(plan.locks).toEqual([{ key: 'table:shop/t_user', reason: expect.any(String) }]);
  });

  it('turns a type change into the full expand/contract replacement', async () => {
    const plan = await planTask(
      task(
        'SchemaChange',
        'database: shop\nsql: ALTER TABLE user_profile ALTER COLUMN column_1 TYPE jsonb USING column_1::jsonb',
      ),
    );
    expect(plan.steps.map((s) => s.id)).toEqual([
      'expand-add-column',
      'expand-dual-write',
      'backfill',
      'verify',
      'readers',
      'switch-readers',
      'contract-rename-old',
      'contract-observe',
      'contract-confirm-unused',
      'contract-snapshot',
      'contract-drop-old',
    ]);
    expect(plan.steps[0]!.action.params).toMatchObject({ column: 'column_1_new', type: 'jsonb' });
    expect(plan.rollback.map((r) => r.undoes)).toEqual([
      'contract-drop-old',
      'contract-rename-old',
      'switch-readers',
      'expand-dual-write',
      'expand-add-column',
    ]);
    expect(plan.risk).toMatchObject({
      level: 'critical',
      reasons: expect.arrayContaining([expect.stringContaining('no metric gate')]),
    });
  });

  it('keeps a production drop high however it is gated: no metric sees lost data', async () => {
    const gated = await planTask(
      task(
        'SchemaChange',
        'database: shop\nsql: ALTER TABLE t_user DROP COLUMN legacy\nanalysis:\n  - { metric: error_rate, max: 100% }',
      ),
    );
    expect(gated.risk.reasons).not.toContainEqual(expect.stringContaining('no metric gate'));
    expect(gated.risk.level).toBe('high');
    expect(gated.approvals.required).toBe(2);
  });

  it('stages SET NOT NULL as a NOT VALID check, its validation, then the cheap SET NOT NULL', async () => {
    const plan = await planTask(
      task('SchemaChange', 'database: shop\nsql: ALTER TABLE audit.t ALTER COLUMN a SET NOT NULL'),
    );
    expect(plan.steps.map((s) => s.action.params.sql)).toEqual([
      'ALTER TABLE "audit"."t" ADD CONSTRAINT "a_not_null" CHECK ("a" IS NOT NULL) NOT VALID',
      'ALTER TABLE "audit"."t" VALIDATE CONSTRAINT "a_not_null"',
      'ALTER TABLE "audit"."t" ALTER COLUMN "a" SET NOT NULL',
      'ALTER TABLE "audit"."t" DROP CONSTRAINT IF EXISTS "a_not_null"',
    ]);
    expect(plan.locks).toEqual([{ key: 'table:shop/audit.t', reason: expect.any(String) }]);
  });

  it('stages every table of a DROP TABLE naming several, each dropped only after its own approval', async () => {
    const plan = await planTask(task('SchemaChange', 'database: shop\nsql: DROP TABLE audit.a, b'));
    expect(plan.steps.filter((s) => s.approval).map((s) => s.id)).toEqual(['t1-drop-table', 't2-drop-table']);
    expect(plan.steps[0]!.action.params).toMatchObject({ table: 'audit.a', newName: 'audit.a_deprecated' });
    expect(plan.locks.map((l) => l.key)).toEqual(['table:shop/audit.a', 'table:shop/b']);
  });

  it('leaves what IF NOT EXISTS may have found, quotes the undo, and places CONCURRENTLY after a comment', () => {
    const classes = classesOf(
      'CREATE TABLE IF NOT EXISTS t (a int); ALTER TABLE t ADD COLUMN IF NOT EXISTS b int;\n-- fast ' +
        'lookups\nCREATE INDEX order_i ON audit.t (a);',
    );
    expect(classes).toEqual([
      { type: 'additive', table: 't', undo: undefined },
      { type: 'additive', table: 't', undo: undefined },
      expect.objectContaining({
        undo: 'DROP INDEX CONCURRENTLY IF EXISTS "audit"."order_i"',
        runAs: expect.stringMatching(/CREATE INDEX CONCURRENTLY order_i ON audit.t \(a\)$/),
      }),
    ]);
  });

  it('refuses a later statement that names a column an earlier one retires', () => {
    const classes = classesOf(
      'ALTER TABLE t ALTER COLUMN a TYPE bigint; ALTER TABLE t ALTER COLUMN a SET NOT NULL;\n' +
        'ALTER TABLE t RENAME COLUMN b TO c; ALTER TABLE public.t DROP COLUMN b; ALTER TABLE u DROP COLUMN a;\n' +
        'CREATE INDEX CONCURRENTLY ia ON t (lower(a)); ALTER TABLE t ADD CONSTRAINT ck CHECK (b > 0) NOT VALID;\n' +
        'ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES u (id) NOT VALID;\n' +
        'CREATE INDEX CONCURRENTLY ic ON t (c);',
    );
    expect(classes.map((c) => (c.type === 'refused' ? c.reason : c.type))).toEqual([
      'alter-column-type',
      't.a is retired by an earlier statement of this change (the type change copies it into a_new and drops it: ' +
        'name that one)',
      'rename-column',
      'public.t.b is retired by an earlier statement of this change (renamed to c)',
      'drop-column',
      // An index or a constraint that reads a retired column, in an expression, a key or a predicate.
      't.a is retired by an earlier statement of this change (the type change copies it into a_new and drops it: ' +
        'name that one)',
      't.b is retired by an earlier statement of this change (renamed to c)',
      't.a is retired by an earlier statement of this change (the type change copies it into a_new and drops it: ' +
        'name that one)',
      'additive',
    ]);
  });

  it('takes over an index with a constraint only when the same change built it, and undoes both', () => {
    const sql =
      'CREATE UNIQUE INDEX CONCURRENTLY t_email_u ON t (email);\n' +
      'ALTER TABLE t ADD CONSTRAINT t_email_key UNIQUE USING INDEX t_email_u;\n' +
      'ALTER TABLE t ADD CONSTRAINT t_pkey PRIMARY KEY USING INDEX t_email_u;';
    expect(classesOf(sql)).toEqual([
      expect.objectContaining({
        undo: 'DROP INDEX CONCURRENTLY IF EXISTS "t_email_u"',
        createsIndex: 'public.t_email_u',
      }),
      expect.objectContaining({
        undo: 'ALTER TABLE "t" DROP CONSTRAINT "t_email_key"',
        takesIndex: 'public.t_email_u',
      }),
      expect.objectContaining({ note: expect.stringContaining('sets NOT NULL on the index columns') }),
    ]);
    // IF NOT EXISTS may have found somebody's index, and an index of another schema is another index.
    const notOwn = [
      'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS t_email_u ON t (email);',
      'CREATE UNIQUE INDEX CONCURRENTLY t_email_u ON audit.t (email);',
    ];
    for (const build of notOwn)
      expect(classesOf(`${build}\nALTER TABLE t ADD CONSTRAINT k UNIQUE USING INDEX t_email_u;`)[1]).toEqual({
        type: 'refused',
        reason: expect.stringContaining('takes over the index public.t_email_u'),
      });
  });

  it.each([
    "ALTER TABLE t ADD COLUMN d date DEFAULT date_trunc('month', now())",
    'ALTER TABLE t ADD COLUMN y int DEFAULT extract(year FROM now())',
    "ALTER TABLE t ADD COLUMN s text DEFAULT to_char(now(), 'YYYY') || '-' || md5('seed')",
  ])('adds a column whose default is stable, without a rewrite: %s', (sql) => {
    const classes = classesOf(sql);
    expect(classes[0]!.type).toBe('additive');
  });

  it('lets through brief statements that cannot lose data, saying what has no undo', () => {
    const classes = classesOf(
      "COMMENT ON COLUMN t.a IS 'the tier'; ALTER TABLE t ALTER COLUMN a SET DEFAULT 'free'; " +
        "ALTER TABLE t ADD COLUMN b timestamptz DEFAULT now(); ALTER TABLE t ADD COLUMN c jsonb DEFAULT '{}'::jsonb; " +
        'DROP INDEX CONCURRENTLY t_a;',
    );
    expect(classes).toEqual([
      { type: 'additive', note: 'a comment: no undo' },
      { type: 'additive', table: 't', note: 'a new default: no undo' },
      { type: 'additive', table: 't', undo: 'ALTER TABLE "t" DROP COLUMN "b"', addsColumn: 'b' },
      { type: 'additive', table: 't', undo: 'ALTER TABLE "t" DROP COLUMN "c"', addsColumn: 'c' },
      { type: 'drop-index', index: 't_a', ifExists: false },
    ]);
  });

  it('slices statements by their UTF-8 bytes: text in another script shifts nothing', () => {
    const hidden = analyzeSql("-- 一二三四五\nSELECT 'x DROP TABLE users --'");
    if (!('statements' in hidden)) throw new Error(hidden.error);
    expect(hidden.statements.map((s) => [s.text, s.class.type])).toEqual([
      ["SELECT 'x DROP TABLE users --'", 'refused'],
    ]);
    const typed = analyzeSql("COMMENT ON COLUMN t.a IS 'café'; ALTER TABLE t ALTER COLUMN a TYPE bigint;");
    if (!('statements' in typed)) throw new Error(typed.error);
    expect(typed.statements[1]).toMatchObject({
      text: 'ALTER TABLE t ALTER COLUMN a TYPE bigint',
      offset: 33,
      class: { type: 'alter-column-type', newType: 'bigint' },
    });
    const broken = analyzeSql('-- café\nALTER TABLE t ADD COLUMNN z int');
    expect(broken).toMatchObject({ offset: '-- café\nALTER TABLE t ADD COLUMNN z '.length });
  });

  it('checks an expression nested deeper than a recursive walk could', () => {
    // 800 stable calls around one volatile call, found at the bottom without overflowing the stack.
    const deep = `ALTER TABLE t ADD COLUMN a int DEFAULT ${'abs('.repeat(800)}random()${')'.repeat(800)}`;
    const classes = classesOf(deep);
    expect(classes[0]!).toMatchObject({ type: 'refused', reason: expect.stringContaining('random()') });
  });

  it('reads a column named like a keyword as the column: bare `user` would be current_user', async () => {
    expect(transformProblem('user::text', 'user')).toMatch(/value of the session or the clock, not user/);
    expect(transformProblem('"user"::text', 'user')).toBeUndefined();
    const syncOf = async (sql: string) =>
      (await planTask(task('SchemaChange', `database: shop\nsql: '${sql}'`))).steps.find(
        (s) => s.action.operation === 'create-sync-trigger',
      )!.action.params;
    expect(await syncOf('ALTER TABLE users RENAME COLUMN "user" TO account')).toMatchObject({ using: '"user"' });
    expect(await syncOf('ALTER TABLE users ALTER COLUMN "order" TYPE bigint')).toMatchObject({
      to: 'order_new',
      using: '"order"::bigint',
    });
    expect(await syncOf('ALTER TABLE users ALTER COLUMN column_1 TYPE bigint')).toMatchObject({
      using: 'column_1::bigint',
    });
  });

  it.each([
    ['column_1::jsonb', true],
    ['lower(column_1)', true],
    ["(SELECT string_agg(password, ',') FROM users)::int", false],
    ['column_1 || other_column', false],
    ['column_1 || $q$x$q$', false],
    ['other.column_1::int', false],
    ["pg_read_file('/etc/passwd')::int", false],
    ["current_setting('zeroops.secret')", false],
    ['pg_sleep(10)', false],
    ['random() * column_1::int', false],
    ['column_1::jsonb -- cast', false],
    // Closing the parentheses early to bring a FROM, a UNION or a WHERE of its own.
    ['x::int) FROM (SELECT password AS x FROM users) s WHERE true UNION SELECT (x', false],
    ['column_1) FROM t WHERE true UNION SELECT (column_1', false],
    ['1) FROM t WHERE pg_sleep(5) IS NOT NULL AND (column_1', false],
    // A reg* type's input looks the text up in the catalog, and its error quotes it (42P01, not class 22).
    ["concat('\"', column_1, '\"')::regclass", false],
    ['column_1::pg_catalog.regrole', false],
    ['column_1::regtype[]', false],
    ["('{' || column_1 || '}')::_regclass", false],
    ['column_1::pg_catalog._regrole', false],
    // The session's or the clock's values are not the column's.
    ['current_user', false],
    ["coalesce(column_1, 'today')", false],
    ["column_1::timestamptz + ' NOW '::interval", false],
    ['coalesce(column_1, current_date::text)', false],
    ["nullif(trim(column_1), '')::jsonb", true],
    ["to_timestamp(column_1, 'YYYY-MM-DD')", true],
  ])('takes %s as a transform of column_1 alone: %s', (using, ok) => {
    expect(transformProblem(using, 'column_1') === undefined).toBe(ok);
  });

  it.each([
    ['jsonb', true],
    ['varchar(20)', true],
    ['int, x int', false],
    ['int NOT NULL', false],
    ['timestamp with time zone', true],
    ['numeric(12,2)[]', true],
    // RETURNS text COLLATE "C" is a syntax error in the transform; the rest is not a type at all.
    ['text COLLATE "C"', false],
    ['int) WITH (fillfactor = 10', false],
    ['setof int', false],
  ])('takes %s as a type name: %s', (type, ok) => {
    expect(isTypeName(type)).toBe(ok);
  });

  it('builds a plain CREATE INDEX concurrently', async () => {
    const plan = await planTask(
      task('SchemaChange', 'database: shop\nsql: CREATE UNIQUE INDEX up_email ON user_profile (email)'),
    );
    expect(plan.steps[0]!.action.params.sql).toBe('CREATE UNIQUE INDEX CONCURRENTLY up_email ON user_profile (email)');
  });

  it('runs outside a transaction and without lock_timeout only what the parse tree says is concurrent', async () => {
    const plan = await planTask(
      task(
        'SchemaChange',
        'database: shop\nsql: |\n  ALTER TABLE user_profile ADD COLUMN note text /* concurrently */;\n' +
          '  CREATE INDEX CONCURRENTLY up_note ON user_profile (note);\n  DROP INDEX CONCURRENTLY up_old;',
      ),
    );
    expect(plan.steps.map((s) => [s.action.params.concurrently, s.action.params.statementTimeoutSeconds])).toEqual([
      [undefined, undefined],
      [true, 6 * 3600],
      [undefined, undefined],
    ]);
    // The drop is an operation of its own, concurrent by construction, given hours as the build is.
    expect(plan.steps[2]).toMatchObject({
      id: 's3-drop-index',
      action: { provider: 'postgres', operation: 'drop-index', params: { database: 'shop', index: 'up_old' } },
      inverse: { provider: 'postgres', operation: 'restore-index', params: { database: 'shop', index: 'up_old' } },
      timeoutSeconds: 6 * 3600,
    });
  });

  it('keeps the schema of a dropped index, and refuses DROP INDEX without CONCURRENTLY or with CASCADE', () => {
    const classes = classesOf(
      'DROP INDEX CONCURRENTLY IF EXISTS audit.order_i; DROP INDEX i; DROP INDEX CONCURRENTLY j CASCADE; ' +
        'DROP INDEX CONCURRENTLY a, b',
    );
    expect(classes).toEqual([
      { type: 'drop-index', index: 'audit.order_i', ifExists: true },
      { type: 'refused', reason: expect.stringContaining('write DROP INDEX CONCURRENTLY') },
      { type: 'refused', reason: expect.stringContaining('CASCADE') },
      { type: 'refused', reason: expect.stringContaining('one statement per index') },
    ]);
  });

  it('runs additive statements as they are, each with its undo', async () => {
    const plan = await planTask(
      task(
        'SchemaChange',
        'database: shop\nsql: |\n  ALTER TABLE user_profile ADD COLUMN tier text;\n  CREATE INDEX CONCURRENTLY up_tier ON user_profile (tier);',
      ),
    );
    expect(plan.steps.map((s) => [s.id, (s.inverse as Action).params.sql])).toEqual([
      ['s1-apply', 'ALTER TABLE "user_profile" DROP COLUMN "tier"'],
      ['s2-apply', 'DROP INDEX CONCURRENTLY IF EXISTS "up_tier"'],
    ]);
  });
});
