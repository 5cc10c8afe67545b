/**
 * Names in generated SQL: every identifier quoted, a qualified table kept qualified, and the names of
 * ZeroOps' own helper objects short enough for PostgreSQL (63 bytes) and unique per table and column.
 */
import { createHash } from 'node:crypto';

export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** A string as an SQL literal, for the few statements that take no parameters (COMMENT ON, SET). */
export const quoteLiteral = (value: string): string =>
  value.includes('\\') ? `E'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'` : `'${value.replace(/'/g, "''")}'`;

/** `audit.user_profile` stays in its schema: `"audit"."user_profile"`. */
export const quoteTable = (table: string): string => table.split('.').map(quoteIdent).join('.');

/** The schema that holds ZeroOps' helper functions, progress rows and snapshots in the changed database. */
export const helperSchema = 'zeroops';

/** A helper object's name: readable prefix, then a hash of what it is for. */
export function helperName(purpose: string, ...parts: string[]): string {
  const hash = createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 10);
  const readable = parts
    .join('_')
    .replace(/[^a-z0-9_]/gi, '_')
    .toLowerCase();
  return `${purpose}_${readable}`.slice(0, 50) + `_${hash}`;
}

export const qualifiedHelper = (name: string): string => `${quoteIdent(helperSchema)}.${quoteIdent(name)}`;

/**
 * Blanks and comments before a statement's first word: a statement's text keeps the comments written
 * above it, and its first word decides what it is. (A source for RegExp, to build patterns from.)
 */
export const leadingComments = String.raw`(?:\s|--[^\n]*(?:\n|$)|/\*[\s\S]*?\*/)*`;

/** The statement from its first word on. */
export const withoutLeadingComments = (sql: string): string => sql.replace(new RegExp(`^${leadingComments}`), '');
