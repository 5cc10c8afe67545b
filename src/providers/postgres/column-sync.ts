/**
 * The SQL that keeps a new column in step with the old one. One transform function serves the
 * trigger, the backfill and the verification, so all three agree on what the new value is; its
 * argument bears the old column's name, so the manifest's `using` expression works unchanged in it.
 */
import { helperName, qualifiedHelper, quoteIdent, quoteTable } from './identifiers.js';

/** What to do with a value the transform cannot convert (the manifest's `onInvalid`). */
export type InvalidPolicy = { mode: 'fail' } | { mode: 'null' } | { mode: 'keep-text'; column: string };

export interface ColumnSync {
  table: string;
  from: string;
  to: string;
  /** SQL type of the new column. */
  type: string;
  /** Expression over the old column. */
  using: string;
  onInvalid: InvalidPolicy;
}

export const transformName = (s: ColumnSync) => helperName('transform', s.table, s.from, s.to);
const triggerFunctionName = (s: ColumnSync) => helperName('sync', s.table, s.from, s.to);
export const triggerName = (s: ColumnSync) => helperName('zeroops_sync', s.table, s.from, s.to);

/** `transform(old)` as SQL, e.g. in the backfill's SET list. */
export const transformCall = (s: ColumnSync, argument: string) => `${qualifiedHelper(transformName(s))}(${argument})`;

/**
 * The transform: plain SQL when invalid values must fail, else a guarded block that yields NULL for
 * them (any error of the conversion: a domain's CHECK fails with 23514, not a data exception). Made
 * anew each time: a function left by an earlier attempt may return another type. Granted to every
 * role: the trigger calls it as the application's role, which a database may not let run it.
 */
export function transformFunction(s: ColumnSync, oldType: string): string[] {
  const name = qualifiedHelper(transformName(s));
  const argument = `${quoteIdent(s.from)} ${oldType}`;
  const create =
    s.onInvalid.mode === 'fail'
      ? `CREATE FUNCTION ${name}(${argument}) RETURNS ${s.type} LANGUAGE sql AS $zeroops$ SELECT ` +
        `(${s.using})::${s.type} $zeroops$`
      : `CREATE FUNCTION ${name}(${argument}) RETURNS ${s.type} LANGUAGE plpgsql AS $zeroops$
BEGIN
  RETURN (${s.using})::${s.type};
EXCEPTION WHEN OTHERS THEN
  RETURN NULL;
END $zeroops$`;
  return [
    `DROP FUNCTION IF EXISTS ${name}(${oldType})`,
    create,
    `GRANT EXECUTE ON FUNCTION ${name}(${oldType}) TO PUBLIC`,
  ];
}

/** Drops the transform, once nothing calls it any more (the replacement done or undone). */
export const dropTransform = (s: ColumnSync): string => `DROP FUNCTION IF EXISTS ${qualifiedHelper(transformName(s))}`;

/**
 * The dual-write trigger: a write that sets the old column sets the new one (and the kept text).
 * `UPDATE OF` the old column only: the backfill's own updates (of the new column) do not fire it.
 */
export function syncTrigger(s: ColumnSync): string[] {
  const fn = qualifiedHelper(triggerFunctionName(s));
  const from = `NEW.${quoteIdent(s.from)}`;
  const keep =
    s.onInvalid.mode === 'keep-text'
      ? `\n    NEW.${quoteIdent(s.onInvalid.column)} := CASE WHEN ${from} IS NOT NULL AND NEW.${quoteIdent(s.to)} ` +
        `IS NULL THEN ${from} END;`
      : '';
  return [
    `CREATE OR REPLACE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $zeroops$
BEGIN
  -- Only writes of the old column: code that already writes the new one alone is left as it is.
  -- An insert without the new column gets the transform of the old, NULL included, as the backfill does.
  IF (TG_OP = 'INSERT' AND NEW.${quoteIdent(s.to)} IS NULL) OR (TG_OP = 'UPDATE' AND ${from} IS DISTINCT FROM
    OLD.${quoteIdent(s.from)}) THEN
    NEW.${quoteIdent(s.to)} := ${transformCall(s, from)};${keep}
  END IF;
  RETURN NEW;
END $zeroops$`,
    `DROP TRIGGER IF EXISTS ${quoteIdent(triggerName(s))} ON ${quoteTable(s.table)}`,
    `CREATE TRIGGER ${quoteIdent(triggerName(s))} BEFORE INSERT OR UPDATE OF ${quoteIdent(s.from)} ON ` +
      `${quoteTable(s.table)} FOR EACH ROW EXECUTE FUNCTION ${fn}()`,
  ];
}

export function dropSyncTrigger(s: ColumnSync): string[] {
  return [
    `DROP TRIGGER IF EXISTS ${quoteIdent(triggerName(s))} ON ${quoteTable(s.table)}`,
    `DROP FUNCTION IF EXISTS ${qualifiedHelper(triggerFunctionName(s))}()`,
  ];
}

/** In words, for the plan: what the trigger does with a write the transform cannot convert. */
export function invalidWriteBehaviour(s: Pick<ColumnSync, 'from' | 'to' | 'onInvalid'>): string {
  switch (s.onInvalid.mode) {
    case 'fail':
      return (
        `a write whose ${s.from} cannot be converted is rejected with the conversion's error, as the new ` +
        `column will reject it once the application writes ${s.to}`
      );
    case 'null':
      return (
        `a write whose ${s.from} cannot be converted sets ${s.to} to NULL (onInvalid: null) and keeps ` +
        `${s.from} as written`
      );
    case 'keep-text':
      return (
        `a write whose ${s.from} cannot be converted sets ${s.to} to NULL and copies the text into ` +
        `${s.onInvalid.column}`
      );
  }
}

/** `fail`, `null` or `keep-text-in <column>`, as the manifest writes it. */
export function parseInvalidPolicy(text: string | undefined): InvalidPolicy | undefined {
  if (text === undefined || text === 'fail') return { mode: 'fail' };
  if (text === 'null') return { mode: 'null' };
  const keep = /^keep-text-in\s+([a-z_][a-z0-9_]{0,62})$/.exec(text.trim());
  return keep ? { mode: 'keep-text', column: keep[1]! } : undefined;
}
