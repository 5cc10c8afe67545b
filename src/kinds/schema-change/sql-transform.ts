/** What a type change's USING transform may be: it runs on every row in the preflight, before approval. */
import { parseSync } from 'libpg-query';
import { columnInSql } from './sql-names.js';
import { nodesOf, typeNameOf, type Node } from './sql-tree.js';

/**
 * Functions a transform may call. It runs on every row in the pull request's preflight, before
 * anyone approves, and its errors are shown there: a function that reads files, settings or other
 * sessions (pg_read_file, current_setting, dblink), sleeps or has side effects must not run on a
 * stranger's say-so. So these are pure builtins a conversion needs; casts and operators need none.
 */
export const transformFunctions = new Set(
  (
    'lower upper initcap trim btrim ltrim rtrim replace translate substring substr left right length ' +
    'char_length octet_length concat concat_ws format lpad rpad split_part strpos position regexp_replace ' +
    'regexp_substr md5 encode decode convert_from convert_to to_char to_number to_date to_timestamp ' +
    'make_date make_time make_timestamp make_timestamptz make_interval date_trunc date_part extract timezone ' +
    'abs round trunc floor ceil ceiling sign greatest least nullif coalesce to_json to_jsonb json_build_object ' +
    'jsonb_build_object json_build_array jsonb_build_array json_extract_path_text jsonb_extract_path_text ' +
    'jsonb_strip_nulls array_to_string string_to_array array_length cardinality'
  ).split(' '),
);

/**
 * Why `expression` cannot be a transform of `column`, or undefined when it can: one SQL expression
 * over that column alone (no subquery, no other column), no dollar quote or comment (it is placed in
 * function bodies), and only the functions above (it runs in the preflight before approval).
 */
export function transformProblem(expression: string, column: string): string | undefined {
  if (expression.includes('$')) return 'no dollar quotes: it is placed inside a function body';
  if (/--|\/\*/.test(expression)) return 'no comments: it is placed inside a function body';
  let tree: { stmts?: { stmt: Node }[] };
  try {
    tree = parseSync(`SELECT (${expression}) FROM t WHERE ${columnInSql(column)} IS NOT NULL`) as typeof tree;
  } catch {
    return 'it is not one SQL expression';
  }
  if (tree.stmts?.length !== 1) return 'it is not one SQL expression';
  const select = tree.stmts[0]!.stmt.SelectStmt as Node | undefined;
  // The expression must stay inside its parentheses: one that closes them early could bring a FROM,
  // a UNION or a WHERE of its own, and the preflight runs it before approval.
  const from = (select?.fromClause as Node[] | undefined) ?? [];
  if (
    !select ||
    select.op !== 'SETOP_NONE' ||
    select.targetList?.length !== 1 ||
    from.length !== 1 ||
    from[0]?.RangeVar?.relname !== 't' ||
    from[0]?.RangeVar?.schemaname !== undefined ||
    !select.whereClause?.NullTest ||
    select.groupClause ||
    select.havingClause ||
    select.sortClause ||
    select.limitCount ||
    select.windowClause ||
    select.withClause
  )
    return 'it is not one SQL expression';
  for (const n of nodesOf([select.targetList, select.whereClause])) {
    if (n.SubLink || n.RangeVar || n.ColumnRef?.fields?.some((f: Node) => f.A_Star)) return 'no subquery';
    // `user`, `current_date`, `current_schema`…: the session's or the clock's value, not the column's.
    const literal = n.A_Const?.sval?.sval as string | undefined;
    if (literal !== undefined && /^\s*(now|today|tomorrow|yesterday)\s*$/i.test(literal))
      return `'${literal.trim()}' is the clock's value when it runs, not ${column}'s`;
    if (n.SQLValueFunction)
      return (
        `it reads a value of the session or the clock, not ${column} (a column named like a keyword is ` +
        'written "quoted")'
      );
    // Only the column itself, unqualified: `other.a` would read another relation's column.
    if (n.ColumnRef && (n.ColumnRef.fields.length !== 1 || n.ColumnRef.fields[0]?.String?.sval !== column))
      return `it may read ${column} and no other column`;
    if (n.FuncCall) {
      const name = ((n.FuncCall.funcname as Node[]).map((f) => f.String?.sval) as string[]).join('.');
      if (!transformFunctions.has(name.replace(/^pg_catalog\./, '')))
        return `${name}() is not among the pure builtins a transform may call (it runs before approval)`;
    }
    const cast = n.TypeCast && typeNameOf(n.TypeCast.typeName as Node);
    if (cast && catalogLookupType.test(cast))
      return `a cast to ${cast} looks its text up in the catalog (it runs before approval)`;
  }
  return undefined;
}

/** regclass, regtype, regrole, …: their input reads the catalog, and its error quotes the text. */
export const catalogLookupType = /^(?:"?pg_catalog"?\s*\.\s*)?"?_?reg[a-z]*"?\s*(?:\[\s*\d*\s*\]\s*)*$/i;

/** The first cast to a reg* type in a statement, if any. */
export function catalogCastIn(stmt: Node): string | undefined {
  for (const n of nodesOf(stmt)) {
    const cast = n.TypeCast && typeNameOf(n.TypeCast.typeName as Node);
    if (cast && catalogLookupType.test(cast)) return cast;
  }
  return undefined;
}

/** One type name, as a column of a table would have it (not a type followed by more SQL). */
export function isTypeName(type: string): boolean {
  if (/[;$]/.test(type)) return false;
  try {
    const tree = parseSync(`CREATE TABLE t (c ${type})`) as { stmts?: { stmt: Node }[] };
    const create = tree.stmts?.length === 1 ? (tree.stmts[0]!.stmt.CreateStmt as Node | undefined) : undefined;
    const columns = (create?.tableElts as Node[] | undefined) ?? [];
    const column = columns.length === 1 ? (columns[0]!.ColumnDef as Node | undefined) : undefined;
    if (!column || column.constraints || column.collClause || column.typeName?.setof) return false;
    // A cast takes a type and nothing after it: `int) WITH (fillfactor = 10` closes the table's list.
    const cast = parseSync(`SELECT NULL::${type}`) as { stmts?: { stmt: Node }[] };
    const target = (cast.stmts?.[0]?.stmt.SelectStmt?.targetList as Node[] | undefined)?.[0]?.ResTarget?.val;
    return cast.stmts?.length === 1 && !!target?.TypeCast;
  } catch {
    return false;
  }
}
