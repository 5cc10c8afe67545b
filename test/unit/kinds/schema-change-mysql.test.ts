/** SchemaChange on MySQL/MariaDB: the SQL read as MariaDB's, staged around pt-online-schema-change, or refused. */
import { analyzeMysql, splitStatements } from '../../../src/kinds/schema-change/mysql-sql.js';
import { checkAndPlan } from '../../../src/app/check-and-plan.js';
import { formatDiagnostic } from '../../../src/manifest/diagnostic.js';
import type { Plan } from '../../../src/plan/types.js';
import { templateRepoFiles } from '../../support/ops-repo.js';
import { task } from '../../support/plan-task.js';

/** The example ops repo, with a MySQL database beside the PostgreSQL one. */
async function withMysql() {
  return (await templateRepoFiles()).map((f) =>
    f.path === 'services/checkout.yaml'
      ? {
          ...f,
          text: f.text.replace(
            '- { name: shop, engine: postgres }',
            '- { name: shop, engine: postgres }\n    - { name: accounts, engine: mysql }',
          ),
        }
      : f,
  );
}

async function check(spec: string) {
  const yaml = task('SchemaChange', `database: accounts\n${spec}`);
  return checkAndPlan({ files: [{ path: 'tasks/t.yaml', text: yaml }], context: await withMysql() });
}

async function plan(spec: string): Promise<Plan> {
  const { plans, diagnostics } = await check(spec);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(errors.map(formatDiagnostic).join('\n'));
  return plans[0]!;
}

describe('MySQL SQL analysis', () => {
  it('sorts statements into online ALTERs, staged drops, additive statements and refusals', () => {
    const result = analyzeMysql(
      [
        'ALTER TABLE t_user DROP COLUMN name;',
        'ALTER TABLE t_user ADD COLUMN age INT NULL DEFAULT 3, ADD INDEX idx_age (age);',
        'CREATE INDEX idx_email ON t_user (email);',
        'CREATE TABLE audit (id int primary key);',
        'DROP TABLE old_orders, old_items;',
        'ALTER TABLE t_user MODIFY COLUMN email varchar(255);',
        'RENAME TABLE a TO b;',
        'DELETE FROM t_user',
      ].join('\n'),
    );
    if (!('statements' in result)) throw new Error(result.error);
    expect(result.statements.map((s) => s.class)).toEqual([
      { type: 'drop-column', table: 't_user', column: 'name' },
      {
        type: 'online-alter',
        table: 't_user',
        alter: 'ADD COLUMN age INT NULL DEFAULT 3, ADD INDEX idx_age (age)',
        expect: { column: 'age', present: true },
        adds: { columns: ['age'], indexes: ['idx_age'] },
        undoAlter: 'DROP INDEX `idx_age`, DROP COLUMN `age`',
      },
      {
        type: 'online-alter',
        table: 't_user',
        alter: 'ADD INDEX `idx_email` (email)',
        expect: { index: 'idx_email', present: true },
        adds: { columns: [], indexes: ['idx_email'] },
        undoAlter: 'DROP INDEX `idx_email`',
      },
      {
        type: 'additive',
        table: 'audit',
        sql: 'CREATE TABLE audit (id int primary key)',
        undo: 'DROP TABLE IF EXISTS audit',
        createsTable: true,
      },
      { type: 'drop-table', tables: ['old_orders', 'old_items'] },
      { type: 'refused', reason: expect.stringContaining('add the new column, fill it, switch the readers') },
      { type: 'refused', reason: expect.stringContaining('renaming a table breaks every reader') },
      { type: 'refused', reason: expect.stringContaining('changes data, not the schema') },
    ]);
  });

  it.each([
    ['ALTER TABLE t ADD UNIQUE INDEX u (a)', 'INSERT IGNORE'],
    // ZeroOps' snapshot tables: their comment is read back by the drop's undo.
    ['DROP TABLE zeroops_snap_t_user_name_0123456789', "is ZeroOps' own"],
    ['ALTER TABLE ZEROOPS_snap_x ADD COLUMN a int', "is ZeroOps' own"],
    ['CREATE UNIQUE INDEX u ON t (a)', 'INSERT IGNORE'],
    ['ALTER TABLE t DROP COLUMN a, DROP COLUMN b', 'one column per statement'],
    ['ALTER TABLE t DROP COLUMN a, ADD COLUMN c int', 'one column per statement'],
    ['ALTER TABLE t ADD INDEX (a)', 'name the index'],
    ['ALTER TABLE `my table` DROP COLUMN a', 'not a plain identifier'],
    ['ALTER TABLE t_user ADD COLUMN x INT /*!, DROP COLUMN name */', 'an executable comment'],
    // A backslash does not escape in a backtick name: the comment after `b\` is outside it, and MySQL runs it.
    ['ALTER TABLE t ADD COLUMN a int, ADD COLUMN `b\\` int /*!, DROP COLUMN email*/, ADD COLUMN c int', 'executable'],
    ['/*!50000 DROP TABLE users */; ALTER TABLE t ADD COLUMN a int', 'an executable comment'],
    ['/*M!100000 DROP TABLE users */', 'an executable comment'],
    // Every name the undo splices in is checked, not only the first column's.
    ['ALTER TABLE t ADD COLUMN a int, ADD COLUMN `b``, DROP COLUMN ``email` int', 'not a plain identifier'],
    ['ALTER TABLE t ADD COLUMN a int, ADD INDEX `Odd Name` (a)', "'Odd Name' is not a plain identifier"],
    ['ALTER TABLE t_user ADD COLUMN y INT DEFAULT 1 --x', 'a comment inside a statement'],
    ['CREATE /*M!OR REPLACE*/ TABLE t_user (id INT)', 'an executable comment'],
    ['ALTER TABLE t ADD COLUMN x INT NOT NULL DEFAULT 0 UNIQUE', 'INSERT IGNORE'],
    ['ALTER TABLE t ADD COLUMN x INT AUTO_INCREMENT PRIMARY KEY', 'INSERT IGNORE'],
    ['CREATE TABLE IF NOT EXISTS a (id int)', 'no IF NOT EXISTS'],
    ['ALTER TABLE a ADD COLUMN IF NOT EXISTS b int', 'ADD COLUMN IF NOT EXISTS: the column may be there already'],
    ['CREATE TEMPORARY TABLE a (id int)', 'no TEMPORARY'],
    ['CREATE TABLE a AS SELECT * FROM b', 'AS SELECT'],
    ['ALTER TABLE billing.t_invoice DROP COLUMN total', 'without a database'],
    ['DROP TABLE a, billing.b', 'without a database'],
    ['ALTER TABLE t ENGINE=InnoDB', 'table option ENGINE'],
    ['ALTER TABLE t RENAME TO u', 'renaming a table breaks every reader'],
    ["SET sql_mode = ''", 'SET is not a change ZeroOps stages on MySQL'],
    ['UPDATE t SET a = 1 WHERE id = 2', 'UPDATE changes data, not the schema'],
  ])('refuses %s', (sql, reason) => {
    const result = analyzeMysql(sql);
    if (!('statements' in result)) throw new Error(result.error);
    expect(result.statements[0]!.class).toEqual({ type: 'refused', reason: expect.stringContaining(reason) });
  });

  it('knows an index added as KEY by its name', () => {
    const result = analyzeMysql('ALTER TABLE t ADD KEY idx_a (a)');
    if (!('statements' in result)) throw new Error(result.error);
    expect(result.statements[0]!.class).toMatchObject({
      type: 'online-alter',
      expect: { index: 'idx_a', present: true },
      undoAlter: 'DROP INDEX `idx_a`',
    });
  });

  it('splits at semicolons outside quotes and comments, with each statement where it starts', () => {
    const sql = "-- why\nALTER TABLE t ADD COLUMN a varchar(8) DEFAULT ';';\n/* x; */ CREATE INDEX i ON t (a)";
    expect(splitStatements(sql)).toEqual([
      { text: "ALTER TABLE t ADD COLUMN a varchar(8) DEFAULT ';'", offset: 7 },
      { text: 'CREATE INDEX i ON t (a)', offset: sql.indexOf('CREATE') },
    ]);
  });

  it('gives where a syntax error is', () => {
    const result = analyzeMysql('ALTER TABLE t ADD COLUMN a int;\nALTER TABLE t DROP (');
    expect(result).toEqual({ error: expect.any(String), offset: expect.any(Number) });
    expect((result as { offset: number }).offset).toBeGreaterThan(31);
    // The token it found, not the parser's list of every token it expected.
    expect((result as { error: string }).error).toMatch(/^unexpected /);
  });
});

describe('MySQL SchemaChange plans', () => {
  const seedExample =
    'stages the seed example DROP COLUMN: rename, observe, snapshot, then the copy-and-swap drop after approval';
  it(seedExample, async () => {
    const p = await plan('sql: ALTER TABLE t_user DROP COLUMN name\nobserveFor: 2d');
    expect(p.executes).toBe(true);
    expect(p.steps.map((s) => [s.id, s.action.provider, s.action.operation])).toEqual([
      ['rename-old', 'mysql', 'rename-column'],
      ['observe', 'mysql', 'describe-table'],
      ['snapshot', 'mysql', 'snapshot-column'],
      ['drop-old', 'mysql', 'online-alter'],
    ]);
    expect(p.steps[0]!.inverse).toMatchObject({ params: { column: 'name_deprecated', newName: 'name' } });
    expect(p.steps[1]!.waitSeconds).toBe(2 * 86400);
    expect(p.steps[3]!.action.params).toMatchObject({ alter: 'DROP COLUMN `name_deprecated`' });
    expect(p.steps[3]!.approval).toContain('approve-step drop-old');
    expect(p.steps[3]!.inverse).toMatchObject({
      operation: 'restore-column-snapshot',
      params: { column: 'name_deprecated' },
    });
    expect(p.locks).toEqual([{ key: 'table:accounts/t_user', reason: expect.any(String) }]);
    expect(p.summary).toMatch(/lock_wait_timeout 1s with retries; tables copied online by pt-online-schema-change/);
  });

  it('names each statement of several in its step ids and in its approval command', async () => {
    const p = await plan('sql: |\n  ALTER TABLE t_user ADD COLUMN age int;\n  DROP TABLE a, b;');
    expect(p.steps.map((s) => s.id)).toEqual([
      's1-online-alter',
      's2-t1-rename-table',
      's2-t1-observe',
      's2-t1-drop-table',
      's2-t2-rename-table',
      's2-t2-observe',
      's2-t2-drop-table',
    ]);
    expect(p.steps[3]!.approval).toContain('/zeroops approve-step s2-t1-drop-table');
    expect(p.steps[0]!.inverse).toMatchObject({
      params: { alter: 'DROP COLUMN `age`', expect: { column: 'age', present: false } },
    });
  });

  it('refuses at the statement’s line, and refuses replaceColumn, saying what to write instead', async () => {
    const refused = await check(
      'sql: |\n  ALTER TABLE t_user ADD COLUMN a int;\n  ALTER TABLE t_user CHANGE name full_name varchar(64);',
    );
    expect(refused.diagnostics).toContainEqual(
      expect.objectContaining({
        severity: 'error',
        line: 10,
        message: expect.stringContaining('refused: CHANGE COLUMN'),
      }),
    );
    const replace = await check('replaceColumn: { table: t_user, from: a, to: b, type: int }');
    expect(replace.diagnostics).toContainEqual(
      expect.objectContaining({
        severity: 'error',
        message: expect.stringContaining('replaceColumn is staged on PostgreSQL only'),
      }),
    );
    const unparsable = await check('sql: ALTER TABLE t_user DROP');
    expect(unparsable.diagnostics).toContainEqual(
      expect.objectContaining({
        severity: 'error',
        message: expect.stringContaining('does not parse as MySQL/MariaDB'),
      }),
    );
  });
});
