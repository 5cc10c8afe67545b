import { helperName, quoteTable, withoutLeadingComments } from '../../../src/providers/postgres/identifiers.js';

describe('names and statements in generated SQL', () => {
  it('keeps a qualified table in its schema and quotes every part', () => {
    expect(quoteTable('audit.user_profile')).toBe('"audit"."user_profile"');
    expect(quoteTable('we"ird')).toBe('"we""ird"');
  });

  it("names helpers within PostgreSQL's 63 bytes, one per table and column", () => {
    const long = helperName('sync', 'a'.repeat(80), 'column_1', 'column_2');
    expect(long.length).toBeLessThanOrEqual(63);
    expect(long).not.toBe(helperName('sync', 'a'.repeat(80), 'column_1', 'column_3'));
  });

  it("finds a statement's first word past blanks, line comments and block comments", () => {
    expect(withoutLeadingComments('  -- why\n/* ticket 12 */\nCREATE INDEX i ON t (a)')).toBe(
      'CREATE INDEX i ON t (a)',
    );
    expect(withoutLeadingComments('-- only a comment')).toBe('');
    // A comment in the middle is the statement's own: left where it is.
    expect(withoutLeadingComments('DROP INDEX CONCURRENTLY i -- CREATE')).toBe('DROP INDEX CONCURRENTLY i -- CREATE');
  });
});
