/**
 * What hangs on a column or a table a change retires, as PostgreSQL's own dependency records say
 * (pg_depend): what its drop takes with it, and what would make PostgreSQL refuse the drop. Read
 * before approval, so a plan never renames a column, waits a day and then fails at the drop, and
 * never drops a primary key or a unique index nobody mentioned.
 */
import type pg from 'pg';
import type { RetiredColumnFacts } from '../../app/ports.js';
import { quoteTable } from './identifiers.js';
import { columnAttributes } from './table-facts.js';

/** The dual-write trigger ZeroOps itself puts on the old column; its rename step removes it. */
const ownTriggerPrefix = 'zeroops_sync_';

interface DependentRow {
  column: string;
  /** Whether PostgreSQL drops it with the column (an automatic or internal dependency). */
  automatic: boolean;
  /** Whether the drop's undo builds it again. */
  rebuilt: boolean;
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
    SELECT a.attname AS column, a.attnum, d.classid, d.objid, d.objsubid,
           bool_or(d.deptype IN ('a', 'i')) AS automatic
      FROM target
      JOIN pg_attribute a ON a.attrelid = target.rel
      JOIN pg_depend d ON d.refclassid = 'pg_class'::regclass AND d.refobjid = target.rel AND d.refobjsubid = a.attnum
     WHERE a.attname = ANY($2::text[])
     GROUP BY a.attname, a.attnum, d.classid, d.objid, d.objsubid)
  SELECT deps.column, deps.automatic, coalesce(k.contype = 'p', false) AS "primaryKey",
         -- What the drop's undo builds again (column-definition.ts): plain indexes, CHECK/FOREIGN KEY/UNIQUE.
         coalesce(c.relkind = 'i' AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conindid = c.oid), false)
           OR coalesce(k.contype IN ('c', 'f', 'u'), false) AS rebuilt,
         CASE
           WHEN c.relkind IN ('i', 'I') THEN 'index ' || c.relname || ' (' || pg_get_indexdef(c.oid) || ')'
           WHEN c.relkind = 'S' THEN 'sequence ' || c.oid::regclass::text || ' (owned by it)'
           WHEN k.oid IS NOT NULL THEN 'constraint ' || k.conname ||
             CASE WHEN k.conrelid <> (SELECT rel FROM target) THEN ' of ' || k.conrelid::regclass::text ELSE '' END ||
             ' (' || pg_get_constraintdef(k.oid) || ')'
           WHEN r.oid IS NOT NULL AND r.ev_class <> (SELECT rel FROM target) THEN
             (SELECT CASE relkind WHEN 'm' THEN 'materialized view ' ELSE 'view ' END FROM pg_class
               WHERE oid = r.ev_class) || r.ev_class::regclass::text
           WHEN ad.oid IS NOT NULL THEN 'column ' ||
             (SELECT attname FROM pg_attribute WHERE attrelid = ad.adrelid AND attnum = ad.adnum) ||
             ' (its default or generated value reads it)'
           WHEN t.oid IS NOT NULL THEN 'trigger ' || t.tgname
           WHEN p.oid IS NOT NULL THEN 'policy ' || p.polname
           WHEN s.oid IS NOT NULL THEN 'statistics ' || s.stxname
           -- Anything else in PostgreSQL's own words: "column b of table t", "function f()", …
           ELSE pg_describe_object(deps.classid, deps.objid, deps.objsubid)
         END AS described
    FROM deps
    LEFT JOIN pg_class c ON deps.classid = 'pg_class'::regclass AND c.oid = deps.objid AND deps.objsubid = 0
    LEFT JOIN pg_constraint k ON deps.classid = 'pg_constraint'::regclass AND k.oid = deps.objid
    LEFT JOIN pg_rewrite r ON deps.classid = 'pg_rewrite'::regclass AND r.oid = deps.objid
    LEFT JOIN pg_attrdef ad ON deps.classid = 'pg_attrdef'::regclass AND ad.oid = deps.objid
    LEFT JOIN pg_trigger t ON deps.classid = 'pg_trigger'::regclass AND t.oid = deps.objid
    LEFT JOIN pg_policy p ON deps.classid = 'pg_policy'::regclass AND p.oid = deps.objid
    LEFT JOIN pg_statistic_ext s ON deps.classid = 'pg_statistic_ext'::regclass AND s.oid = deps.objid
   WHERE NOT coalesce(ad.adnum = deps.attnum, false) -- the column's own default, read apart
     -- PostgreSQL 18 keeps NOT NULL as a constraint: it is read as NOT NULL
     AND NOT coalesce(k.contype = 'n', false)
     AND NOT coalesce(t.tgname LIKE '${ownTriggerPrefix}%', false)
   ORDER BY deps.column, described`;

export async function retiredColumnFacts(
  client: pg.ClientBase,
  table: string,
  columns: string[],
): Promise<RetiredColumnFacts[]> {
  const name = quoteTable(table);
  const found = await columnAttributes(client, table, columns);
  const { rows: dependents } = await client.query<DependentRow>(dependentsSql, [name, columns]);
  return columns.map((column) => {
    const attribute = found.find((f) => f.column === column);
    const own = dependents.filter((d) => d.column === column);
    return {
      column,
      exists: attribute !== undefined,
      primaryKey: own.some((d) => d.primaryKey),
      notNull: attribute?.notNull ?? false,
      ...(attribute?.default && !attribute.generated ? { default: attribute.default } : {}),
      droppedWith: own.filter((d) => d.automatic).map((d) => d.described),
      lostForGood: own.filter((d) => d.automatic && !d.rebuilt).map((d) => d.described),
      blockers: own.filter((d) => !d.automatic).map((d) => d.described),
    };
  });
}

/**
 * What makes DROP TABLE fail without CASCADE: a normal dependency of anything that is not the
 * table's own (its constraints, rules, triggers, defaults and policies go with it): views, foreign
 * keys of other tables, tables inheriting from it, functions whose body names it. Tables the same
 * change drops before this one take theirs with them.
 */
export async function retiredTableBlockers(
  client: pg.ClientBase,
  table: string,
  droppedBefore: string[] = [],
): Promise<string[]> {
  const { rows } = await client.query<{ described: string }>(
    `WITH owned AS (
       SELECT d.classid, d.objid, d.objsubid,
              CASE d.classid
                WHEN 'pg_constraint'::regclass THEN (SELECT conrelid FROM pg_constraint WHERE oid = d.objid)
                WHEN 'pg_rewrite'::regclass THEN (SELECT ev_class FROM pg_rewrite WHERE oid = d.objid)
                WHEN 'pg_trigger'::regclass THEN (SELECT tgrelid FROM pg_trigger WHERE oid = d.objid)
                WHEN 'pg_attrdef'::regclass THEN (SELECT adrelid FROM pg_attrdef WHERE oid = d.objid)
                WHEN 'pg_policy'::regclass THEN (SELECT polrelid FROM pg_policy WHERE oid = d.objid)
                WHEN 'pg_class'::regclass THEN d.objid
              END AS owner
         FROM pg_depend d
        WHERE d.refclassid = 'pg_class'::regclass AND d.refobjid = to_regclass($1) AND d.deptype = 'n')
     SELECT DISTINCT CASE
              WHEN k.oid IS NOT NULL THEN 'constraint ' || k.conname || ' of ' || k.conrelid::regclass::text ||
                ' (' || pg_get_constraintdef(k.oid) || ')'
              WHEN r.oid IS NOT NULL THEN (SELECT CASE relkind WHEN 'm' THEN 'materialized view ' ELSE 'view ' END
                                             FROM pg_class WHERE oid = r.ev_class) || r.ev_class::regclass::text
              ELSE pg_describe_object(owned.classid, owned.objid, owned.objsubid)
            END AS described
       FROM owned
       LEFT JOIN pg_constraint k ON owned.classid = 'pg_constraint'::regclass AND k.oid = owned.objid
       LEFT JOIN pg_rewrite r ON owned.classid = 'pg_rewrite'::regclass AND r.oid = owned.objid
      WHERE owned.owner IS DISTINCT FROM to_regclass($1)
        AND NOT coalesce(owned.owner = ANY (SELECT to_regclass(t) FROM unnest($2::text[]) AS t), false)
      ORDER BY described`,
    [quoteTable(table), droppedBefore.map(quoteTable)],
  );
  return rows.map((r) => r.described);
}

/** The partitions of a partitioned table, at every level: DROP TABLE takes them and their rows along. */
export async function partitionsOf(client: pg.ClientBase, table: string): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT relid::regclass::text AS name FROM pg_partition_tree(to_regclass($1)) WHERE level > 0 ORDER BY 1`,
    [quoteTable(table)],
  );
  return rows.map((r) => r.name);
}
