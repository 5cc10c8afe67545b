import { analyzeSql, loadSqlParser } from '../../../src/kinds/schema-change/sql.js';
import type { Action } from '../../../src/plan/types.js';
import { planTask, task } from '../../support/plan-task.js';

beforeAll(() => loadSqlParser());

describe('SchemaChange SQL analysis', () => {
  it('sorts statements into additive, stageable and refused', () => {
    const result = analyzeSql(
      [
        'ALTER TABLE t_user DROP COLUMN name;',
        'ALTER TABLE user_profile ALTER COLUMN column_1 TYPE jsonb USING column_1::jsonb;',
        'ALTER TABLE t RENAME COLUMN a TO b;',
        'CREATE INDEX i ON t (a);',
        'DROP TABLE old_orders;',
        'TRUNCATE t;',
      ].join('\n'),
    );
    if (!('statements' in result)) throw new Error(result.error);
    expect(result.statements.map((s) => s.class)).toEqual([
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
      { type: 'drop-table', table: 'old_orders' },
      expect.objectContaining({ type: 'refused' }),
    ]);
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
    expect(plan.steps.map((s) => s.id)).toEqual(['rename-old', 'observe', 'snapshot', 'drop-old']);
    expect(plan.steps[0]!.inverse).toMatchObject({
      operation: 'rename-column',
      params: { column: 'name_deprecated', newName: 'name' },
    });
    expect(plan.steps[1]!.waitSeconds).toBe(3 * 86400);
    expect(plan.steps[3]!.approval).toContain('approve-step drop-old');
    expect(plan.steps[3]!.inverse).toMatchObject({ operation: 'restore-column-snapshot' });
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
      'switch-readers',
      'contract-rename-old',
      'contract-observe',
      'contract-snapshot',
      'contract-drop-old',
    ]);
    expect(plan.steps[0]!.action.params).toMatchObject({ column: 'column_1_new', type: 'jsonb' });
    expect(plan.rollback.map((r) => r.undoes)).toEqual([
      'contract-drop-old',
      'contract-rename-old',
      'expand-dual-write',
      'expand-add-column',
    ]);
    expect(plan.risk).toMatchObject({
      level: 'critical',
      reasons: expect.arrayContaining([expect.stringContaining('no metric gate')]),
    });
  });

  it('runs additive statements as they are, each with its undo', async () => {
    const plan = await planTask(
      task(
        'SchemaChange',
        'database: shop\nsql: |\n  ALTER TABLE user_profile ADD COLUMN tier text;\n  CREATE INDEX CONCURRENTLY up_tier ON user_profile (tier);',
      ),
    );
    expect(plan.steps.map((s) => [s.id, (s.inverse as Action).params.sql])).toEqual([
      ['s1-apply', 'ALTER TABLE user_profile DROP COLUMN tier'],
      ['s2-apply', 'DROP INDEX CONCURRENTLY up_tier'],
    ]);
  });
});
