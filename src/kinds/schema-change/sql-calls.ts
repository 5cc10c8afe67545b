/**
 * The functions a change may make the database call on every later write (a CHECK, a DEFAULT, an
 * index expression or predicate). Once merged they run with each writer's privileges, and a
 * rollback cannot take back what they did: `CHECK (setval('t_id_seq', 1) > 0)` resets a sequence on
 * every insert. So calls are an allow-list of builtins without side effects; a function of the
 * application's is refused too, as its body is not known here.
 */
import { transformFunctions } from './sql-transform.js';
import { functionNames, nodesOf, type Node } from './sql-tree.js';

const pureExtras = [
  'jsonb_typeof',
  'json_typeof',
  'jsonb_array_length',
  'json_array_length',
  'starts_with',
  'num_nulls',
  'num_nonnulls',
  'bit_length',
  'isfinite',
  'array_position',
  'regexp_like',
  'regexp_count',
  'now',
  'transaction_timestamp',
  'statement_timestamp',
  'current_date',
];

/** What a DEFAULT is for: a new row's value, drawn as the row is written. */
const valueGenerators = [
  'nextval',
  'gen_random_uuid',
  'uuid_generate_v4',
  'random',
  'clock_timestamp',
  'current_setting',
];

const pure = new Set([...transformFunctions, ...pureExtras]);
const inDefaults = new Set([...pure, ...valueGenerators]);

/** The calls under `root`, as the parser names them: `"NOW"()` is an application's NOW, not now(). */
const callsIn = (root: unknown): string[] => functionNames(root).map((name) => name.replace(/^pg_catalog\./, ''));

/** The roots of a statement's DEFAULT expressions: a column's DEFAULT, ALTER COLUMN … SET DEFAULT. */
function defaultExpressions(stmt: Node): unknown[] {
  const roots: unknown[] = [];
  for (const n of nodesOf(stmt)) {
    if (n.Constraint?.contype === 'CONSTR_DEFAULT') roots.push(n.Constraint.raw_expr);
    if (n.AlterTableCmd?.subtype === 'AT_ColumnDefault') roots.push(n.AlterTableCmd.def);
  }
  return roots;
}

/** Why a statement may not call what it calls, or undefined. */
export function callProblem(stmt: Node): string | undefined {
  const inDefault = new Map<string, number>();
  for (const call of defaultExpressions(stmt).flatMap(callsIn)) inDefault.set(call, (inDefault.get(call) ?? 0) + 1);
  for (const call of callsIn(stmt)) {
    if (pure.has(call)) continue;
    const left = inDefault.get(call) ?? 0;
    if (left > 0 && inDefaults.has(call)) {
      inDefault.set(call, left - 1);
      continue;
    }
    return (
      `it calls ${call}(), which is not among the builtins ZeroOps knows to have no side effects: once merged, ` +
      'the database would call it on writes with the writer’s privileges, and no rollback takes back what it did. ' +
      'Make that change by hand, where someone reads the function'
    );
  }
  return undefined;
}
