/**
 * What hangs on a column or a table a change retires, as PostgreSQL's own dependency records say
 * (pg_depend): what its drop takes with it, and what would make PostgreSQL refuse the drop. Read
 * before approval, so a plan never renames a column, waits a day and then fails at the drop, and
 * never drops a primary key or a unique index nobody mentioned.
 */
import type pg from 'pg';
import type { RetiredColumnFacts } from '../../app/ports.js';
import { quoteTable } from './identifiers.js';

/** The dual-write trigger ZeroOps itself puts on the old column; its rename step removes it. */
const ownTriggerPrefix = 'zeroops_sync_';

interface DependentRow {
  column: string;
  /** Whether PostgreSQL drops it with the column (an automatic or internal dependency). */
  automatic: boolean;
  described: string;
  primaryKey: boolean;
}

/**
 * One dependent per object: an object with an automatic dependency on the column goes with it, even
 * when it also has a normal one (a CHECK names its column both ways); one with only normal
 * dependencies makes DROP COLUMN fail without CASCADE. The column's own default is read apart.
 */
const dependentsSql = `
  WITH target AS (SELECT to_regclass($1) AS rel),
  deps AS (
    SELECT a.attname AS column, d.classid, d.objid, bool_or(d.deptype IN ('a', 'i')) AS automatic
      FROM pg_depend d, target
      JOIN pg_attribute a ON a.attrelid = target.rel
     WHERE d.refclassid = 'pg_class'::regclass AND d.refobjid = target.rel AND d.refobjsubid = a.attnum
       AND a.attname = ANY($2::text[])
     GROUP BY a.attname, d.classid, d.objid)
  SELECT deps.column, deps.automatic, coalesce(k.contype = 'p', false) AS "primaryKey",
         CASE
           WHEN c.relkind IN ('i', 'I') THEN 'index ' || c.relname || ' (' || pg_get_indexdef(c.oid) || ')'
           WHEN c.relkind = 'S' THEN 'sequence ' || c.oid::regclass::text || ' (owned by it)'
           WHEN c.oid IS NOT NULL THEN 'relation ' || c.oid::regclass::text
           WHEN k.oid IS NOT NULL THEN 'constraint ' || k.conname ||
             CASE WHEN k.conrelid <> (SELECT rel FROM target) THEN ' of ' || k.conrelid::regclass::text ELSE '' END ||
             ' (' || pg_get_constraintdef(k.oid) || ')'
           WHEN r.oid IS NOT NULL THEN
             CASE WHEN r.ev_class = (SELECT rel FROM target) THEN 'rule ' || r.rulename
                  ELSE (SELECT CASE relkind WHEN 'm' THEN 'materialized view ' ELSE 'view ' END FROM pg_class
                         WHERE oid = r.ev_class) || r.ev_class::regclass::text END
           WHEN ad.oid IS NOT NULL THEN 'column ' ||
             (SELECT attname FROM pg_attribute WHERE attrelid = ad.adrelid AND attnum = ad.adnum) ||
             ' (its default or generated value reads it)'
           WHEN t.oid IS NOT NULL THEN 'trigger ' || t.tgname
           WHEN p.oid IS NOT NULL THEN 'policy ' || p.polname
           WHEN s.oid IS NOT NULL THEN 'statistics ' || s.stxname
           ELSE deps.classid::regclass::text || ' object ' || deps.objid
         END AS described
    FROM deps
    LEFT JOIN pg_class c ON deps.classid = 'pg_class'::regclass AND c.oid = deps.objid
    LEFT JOIN pg_constraint k ON deps.classid = 'pg_constraint'::regclass AND k.oid = deps.objid
    LEFT JOIN pg_rewrite r ON deps.classid = 'pg_rewrite'::regclass AND r.oid = deps.objid
    LEFT JOIN pg_attrdef ad ON deps.classid = 'pg_attrdef'::regclass AND ad.oid = deps.objid
    LEFT JOIN pg_trigger t ON deps.classid = 'pg_trigger'::regclass AND t.oid = deps.objid
    LEFT JOIN pg_policy p ON deps.classid = 'pg_policy'::regclass AND p.oid = deps.objid
    LEFT JOIN pg_statistic_ext s ON deps.classid = 'pg_statistic_ext'::regclass AND s.oid = deps.objid
   WHERE NOT (ad.oid IS NOT NULL AND ad.adnum = (SELECT attnum FROM pg_attribute
                                                  WHERE attrelid = ad.adrelid AND attname = deps.column))
     AND NOT coalesce(t.tgname LIKE '${ownTriggerPrefix}%', false)
   ORDER BY deps.column, described`;

export async function retiredColumnFacts(
  client: pg.ClientBase,
  table: string,
  columns: string[],
): Promise<RetiredColumnFacts[]> {
  const name = quoteTable(table);
  const { rows: found } = await client.query<{ column: string; notNull: boolean; default: string | null }>(
    `SELECT a.attname AS column, a.attnotnull AS "notNull", pg_get_expr(ad.adbin, ad.adrelid) AS default
       FROM pg_attribute a LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
      WHERE a.attrelid = to_regclass($1) AND a.attname = ANY($2::text[]) AND a.attnum > 0 AND NOT a.attisdropped`,
    [name, columns],
  );
  const { rows: dependents } = await client.query<DependentRow>(dependentsSql, [name, columns]);
  return columns.map((column) => {
    const attribute = found.find((f) => f.column === column);
    const own = dependents.filter((d) => d.column === column);
    return {
      column,
      exists: attribute !== undefined,
      primaryKey: own.some((d) => d.primaryKey),
      notNull: attribute?.notNull ?? false,
      ...(attribute?.default ? { default: attribute.default } : {}),
      droppedWith: own.filter((d) => d.automatic).map((d) => d.described),
      blockers: own.filter((d) => !d.automatic).map((d) => d.described),
    };
  });
}

/**
 * What makes DROP TABLE fail without CASCADE: views over it and foreign keys of other tables into
 * it (its own indexes, constraints and sequences go with it).
 */
export async function retiredTableBlockers(client: pg.ClientBase, table: string): Promise<string[]> {
  const { rows } = await client.query<{ described: string }>(
    `SELECT DISTINCT CASE
              WHEN k.oid IS NOT NULL THEN 'constraint ' || k.conname || ' of ' || k.conrelid::regclass::text ||
                ' (' || pg_get_constraintdef(k.oid) || ')'
              ELSE (SELECT CASE relkind WHEN 'm' THEN 'materialized view ' ELSE 'view ' END FROM pg_class
                     WHERE oid = r.ev_class) || r.ev_class::regclass::text
            END AS described
       FROM pg_depend d
       LEFT JOIN pg_constraint k ON d.classid = 'pg_constraint'::regclass AND k.oid = d.objid
       LEFT JOIN pg_rewrite r ON d.classid = 'pg_rewrite'::regclass AND r.oid = d.objid
      WHERE d.refclassid = 'pg_class'::regclass AND d.refobjid = to_regclass($1) AND d.deptype = 'n'
        AND (k.conrelid <> d.refobjid OR r.ev_class <> d.refobjid)
      ORDER BY described`,
    [quoteTable(table)],
  );
  return rows.map((r) => r.described);
}
