/** Names in a SchemaChange: which are plain, how a column is written in SQL, what ZeroOps names itself. */
import { parseSync } from 'libpg-query';
import { quoteIdent } from '../../providers/postgres/identifiers.js';
import { Refusal, type Node } from './sql-tree.js';

export const isIdentifier = (text: string): boolean => /^[a-z_][a-z0-9_]{0,62}$/.test(text);

export const oddNameReason = (name: string) =>
  `'${name}' is not a plain identifier (lower-case letters, digits, _): ZeroOps stages only those`;

/**
 * A table as the statement names it: `audit.user_profile` keeps its schema. Each part must be a plain
 * identifier on its own: `"audit.user_profile"` is one odd name, not a schema and a table.
 */
export function relationName(relation: Node): string {
  const parts = [relation.schemaname, relation.relname].filter((p) => p !== undefined) as string[];
  const odd = parts.find((p) => !isIdentifier(p));
  if (odd !== undefined) throw new Refusal(oddNameReason(odd));
  return parts.join('.');
}

/** An index lives in its table's schema: `audit.i` is not `i` (the default schema's, `public`). */
export const inSchemaOf = (table: string, index: string) =>
  `${table.includes('.') ? table.split('.')[0] : 'public'}.${index}`;

/** Why ZeroOps' own tables are refused, on either engine. */
export const ownTableReason = (name: string) =>
  `${name} is ZeroOps' own (backfill progress, column snapshots, the definitions a rollback builds again): a ` +
  'SchemaChange never changes it';

/** The name a staged drop gives a column before dropping it (stages.ts), and back. */
const retiredSuffix = '_deprecated';

export const retiredName = (column: string) => `${column}${retiredSuffix}`;

export const retiredFrom = (name: string): string | undefined =>
  name.endsWith(retiredSuffix) ? name.slice(0, -retiredSuffix.length) : undefined;

/**
 * A column's name as an expression refers to it: bare when PostgreSQL reads it back as that column,
 * quoted otherwise. `user` bare is `current_user`, `order` a syntax error, `Name` the column `name`.
 */
export function columnInSql(name: string): string {
  try {
    const tree = parseSync(`SELECT ${name} FROM t`) as { stmts?: { stmt: Node }[] };
    const target = (tree.stmts?.[0]?.stmt.SelectStmt?.targetList as Node[] | undefined)?.[0]?.ResTarget?.val;
    const fields = target?.ColumnRef?.fields as Node[] | undefined;
    if (fields?.length === 1 && fields[0]?.String?.sval === name) return name;
  } catch {
    // Not an identifier bare: quoted below.
  }
  return quoteIdent(name);
}
