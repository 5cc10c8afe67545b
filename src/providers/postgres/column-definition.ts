/**
 * What a column is besides its values: NOT NULL, its default, and the indexes and constraints that
 * PostgreSQL drops with it. Kept beside its snapshot before a drop, so the drop's undo puts the
 * column back as it was, each piece without the long lock: constraints NOT VALID then validated,
 * NOT NULL through a validated check, indexes CONCURRENTLY.
 */
import type pg from 'pg';
import { EffectError } from '../../engine/ports.js';
import { concurrentBuild } from './dropped-index.js';
import { quoteIdent, quoteTable } from './identifiers.js';
import { runDdl, type DdlOutcome } from './lock-retry.js';
import { withClient } from './sessions.js';
import { columnAttributes, relationExists } from './table-facts.js';

export interface ColumnDefinition {
  notNull: boolean;
  default: string | null;
  /** The sequence the default draws from, when the column owns it (a serial): it goes with the column. */
  defaultSequence?: string;
  /** A generated column's expression (then `default` is null): the restore keeps the values only. */
  generated?: string;
  /** Indexes of the table on the column that enforce no constraint, as pg_get_indexdef writes them. */
  indexes: { name: string; definition: string; tablespace: string | null }[];
  /** CHECK, FOREIGN KEY and UNIQUE constraints of the table on the column (a UNIQUE one with its index). */
  constraints: {
    name: string;
    type: 'c' | 'f' | 'u';
    definition: string;
    validated: boolean;
    index?: { name: string; definition: string; tablespace: string | null };
  }[];
}

/** Read in the caller's transaction, so it describes the same moment as the snapshot of the values. */
export async function readColumnDefinition(
  client: pg.ClientBase,
  table: string,
  column: string,
): Promise<ColumnDefinition> {
  const name = quoteTable(table);
  const [attribute] = await columnAttributes(client, table, [column]);
  if (!attribute) throw new EffectError(`${table} has no column ${column} to keep`, false);
  // A serial's sequence: owned by the column, it goes with it (and its default cannot come back).
  const { rows: owned } = await client.query<{ sequence: string }>(
    `SELECT d.objid::regclass::text AS sequence FROM pg_depend d JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
      WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
        AND d.refobjid = to_regclass($1) AND d.refobjsubid = $2 AND d.deptype = 'a' LIMIT 1`,
    [name, attribute.attnum],
  );
  const dependsOnColumn = (catalog: string, oid: string) =>
    `EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '${catalog}'::regclass AND d.objid = ${oid}
               AND d.refclassid = 'pg_class'::regclass AND d.refobjid = to_regclass($1) AND d.refobjsubid = $2
               AND d.deptype = 'a')`;
  const { rows: indexes } = await client.query<ColumnDefinition['indexes'][number]>(
    `SELECT c.relname AS name, pg_get_indexdef(c.oid) AS definition, ts.spcname AS tablespace
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid LEFT JOIN pg_tablespace ts ON ts.oid = c.reltablespace
      WHERE i.indrelid = to_regclass($1) AND i.indisvalid
        AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid)
        AND ${dependsOnColumn('pg_class', 'c.oid')}
      ORDER BY c.relname`,
    [name, attribute.attnum],
  );
  const { rows: constraints } = await client.query<{
    name: string;
    type: 'c' | 'f' | 'u';
    definition: string;
    validated: boolean;
    indexName: string | null;
    indexDefinition: string | null;
    tablespace: string | null;
  }>(
    `SELECT k.conname AS name, k.contype AS type, pg_get_constraintdef(k.oid) AS definition,
            k.convalidated AS validated, ic.relname AS "indexName",
            pg_get_indexdef(NULLIF(k.conindid, 0)) AS "indexDefinition", ts.spcname AS tablespace
       FROM pg_constraint k
       LEFT JOIN pg_class ic ON ic.oid = k.conindid LEFT JOIN pg_tablespace ts ON ts.oid = ic.reltablespace
      WHERE k.conrelid = to_regclass($1) AND k.contype IN ('c', 'f', 'u')
        AND ${dependsOnColumn('pg_constraint', 'k.oid')}
      ORDER BY k.conname`,
    [name, attribute.attnum],
  );
  const { generated } = attribute;
  const sequence = owned[0]?.sequence;
  return {
    notNull: attribute.notNull,
    default: generated ? null : attribute.default,
    ...(sequence && !generated ? { defaultSequence: sequence } : {}),
    ...(generated && attribute.default ? { generated: attribute.default } : {}),
    indexes,
    constraints: constraints.map(({ indexName, indexDefinition, tablespace, ...c }) => ({
      ...c,
      // pg_get_constraintdef writes NOT VALID on one never validated: the rebuild adds it itself.
      definition: c.definition.replace(/ NOT VALID$/, ''),
      ...(c.type === 'u' && indexName && indexDefinition
        ? { index: { name: indexName, definition: indexDefinition, tablespace } }
        : {}),
    })),
  };
}

interface Rebuilt {
  /** What was put back, for the step's summary: `NOT NULL`, `index user_profile_email`, … */
  pieces: string[];
  /** What could not be, and why: the step's summary says so. */
  skipped: string[];
  ddl: DdlOutcome[];
}

const hours = 6 * 3600 * 1000;

/**
 * Each piece that is missing is built again; a piece found in place (an earlier attempt built it)
 * is left, and a constraint found NOT VALID that was valid is validated. NOT NULL comes last: rows
 * written since the drop may have no value, and then it is reported, not forced. A UNIQUE index
 * fails to build if duplicates arrived meanwhile, and says so.
 */
export async function rebuildColumnDefinition(
  url: string,
  table: string,
  column: string,
  kept: ColumnDefinition,
  lockTimeoutMs: number,
  signal?: AbortSignal,
): Promise<Rebuilt> {
  const t = quoteTable(table);
  const c = quoteIdent(column);
  // An index lives in its table's schema.
  const schema = table.includes('.') ? `${quoteIdent(table.split('.')[0]!)}.` : '';
  const present = await withClient(url, (client) => presentPieces(client, table, column));
  const rebuilt: Rebuilt = { pieces: [], skipped: [], ddl: [] };
  const brief = async (statements: string[]) => {
    rebuilt.ddl.push(await runDdl(url, statements, { lockTimeoutMs, signal }));
  };
  // A validation scans the table under a lock that lets reads and writes go on.
  const scan = async (statements: string[]) => {
    rebuilt.ddl.push(await runDdl(url, statements, { lockTimeoutMs, statementTimeoutMs: hours, signal }));
  };
  const concurrently = async (statements: string[]) => {
    rebuilt.ddl.push(
      await runDdl(url, statements, { lockTimeoutMs: 0, statementTimeoutMs: hours, outsideTransaction: true, signal }),
    );
  };
  const build = async (name: string, definition: string, tablespace: string | null) => {
    // A build of ours that failed half-way leaves an invalid index of the same name; another's is left alone.
    if (present.invalidIndexes.some((i) => i.name === name && i.definition === definition))
      await concurrently([`DROP INDEX CONCURRENTLY IF EXISTS ${schema}${quoteIdent(name)}`]);
    await concurrently([
      `SET default_tablespace = ${tablespace ? quoteIdent(tablespace) : "''"}`,
      concurrentBuild(definition),
    ]);
  };

  if (kept.default !== null && present.default === null) {
    if (kept.defaultSequence && !(await withClient(url, (client) => relationExists(client, kept.defaultSequence!))))
      rebuilt.skipped.push(`DEFAULT ${kept.default} (its sequence ${kept.defaultSequence} went with the column)`);
    else {
      await brief([`ALTER TABLE ${t} ALTER COLUMN ${c} SET DEFAULT ${kept.default}`]);
      rebuilt.pieces.push(`DEFAULT ${kept.default}`);
    }
  }
  if (kept.generated)
    rebuilt.skipped.push(`GENERATED ALWAYS AS (${kept.generated}): the values are back as plain ones`);
  for (const constraint of kept.constraints) {
    const name = quoteIdent(constraint.name);
    const found = present.constraints.find((k) => k.name === constraint.name);
    if (!found && constraint.type === 'u' && constraint.index) {
      const { index } = constraint;
      const taken = present.validIndexes.find((i) => i.name === index.name);
      if (taken && taken.definition !== index.definition) {
        rebuilt.skipped.push(
          `constraint ${constraint.name}: its index's name now belongs to another index (${taken.definition})`,
        );
        continue;
      }
      if (!taken) await build(index.name, index.definition, index.tablespace);
      const deferrable = / (NOT )?DEFERRABLE.*$/.exec(constraint.definition)?.[0] ?? '';
      await brief([
        `ALTER TABLE ${t} ADD CONSTRAINT ${name} UNIQUE USING INDEX ${quoteIdent(index.name)}${deferrable}`,
      ]);
    } else if (!found) {
      await brief([`ALTER TABLE ${t} ADD CONSTRAINT ${name} ${constraint.definition} NOT VALID`]);
      if (constraint.validated) await scan([`ALTER TABLE ${t} VALIDATE CONSTRAINT ${name}`]);
    } else if (constraint.validated && !found.validated) {
      // An earlier attempt added it, and its validation did not finish.
      await scan([`ALTER TABLE ${t} VALIDATE CONSTRAINT ${name}`]);
    } else continue;
    rebuilt.pieces.push(`constraint ${constraint.name}`);
  }
  for (const index of kept.indexes) {
    const taken = present.validIndexes.find((i) => i.name === index.name);
    if (taken?.definition === index.definition) continue; // an earlier attempt built it
    if (taken) rebuilt.skipped.push(`index ${index.name}: the name now belongs to another index (${taken.definition})`);
    else {
      await build(index.name, index.definition, index.tablespace);
      rebuilt.pieces.push(`index ${index.name}`);
    }
  }
  if (kept.notNull && !present.notNull) await setNotNull(url, table, column, { brief, scan }, rebuilt);
  return rebuilt;
}

/** Through a NOT VALID check, validated while reads and writes go on, which spares SET NOT NULL its scan. */
async function setNotNull(
  url: string,
  table: string,
  column: string,
  run: { brief: (s: string[]) => Promise<void>; scan: (s: string[]) => Promise<void> },
  rebuilt: Rebuilt,
): Promise<void> {
  const t = quoteTable(table);
  const c = quoteIdent(column);
  const check = quoteIdent(`${column}_not_null`.slice(0, 63));
  await run.brief([
    `ALTER TABLE ${t} DROP CONSTRAINT IF EXISTS ${check}`,
    `ALTER TABLE ${t} ADD CONSTRAINT ${check} CHECK (${c} IS NOT NULL) NOT VALID`,
  ]);
  try {
    await run.scan([`ALTER TABLE ${t} VALIDATE CONSTRAINT ${check}`]);
  } catch (error) {
    if (!isCheckViolation(error)) throw error;
    const missing = await withClient(url, async (client) => {
      const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${t} WHERE ${c} IS NULL`);
      return Number(rows[0]!.n);
    });
    rebuilt.skipped.push(
      `NOT NULL: ${missing.toLocaleString('en-US')} row(s) written since the drop have no ${column}; give them ` +
        `one, then VALIDATE CONSTRAINT ${check} (NOT VALID until then, it holds for new writes) and SET NOT NULL`,
    );
    return;
  }
  await run.brief([`ALTER TABLE ${t} ALTER COLUMN ${c} SET NOT NULL`, `ALTER TABLE ${t} DROP CONSTRAINT ${check}`]);
  rebuilt.pieces.push('NOT NULL');
}

/** runDdl wraps what PostgreSQL said; a violated check says "is violated by some row". */
const isCheckViolation = (error: unknown) => /is violated by some row/.test((error as Error).message);

async function presentPieces(client: pg.ClientBase, table: string, column: string) {
  const name = quoteTable(table);
  const [attribute] = await columnAttributes(client, table, [column]);
  const indexes = await client.query<{ name: string; valid: boolean; definition: string }>(
    `SELECT c.relname AS name, i.indisvalid AS valid, pg_get_indexdef(c.oid) AS definition
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
      WHERE i.indrelid = to_regclass($1)`,
    [name],
  );
  const constraints = await client.query<{ name: string; validated: boolean }>(
    `SELECT conname AS name, convalidated AS validated FROM pg_constraint WHERE conrelid = to_regclass($1)`,
    [name],
  );
  return {
    notNull: attribute?.notNull ?? false,
    default: attribute?.default ?? null,
    validIndexes: indexes.rows.filter((i) => i.valid),
    invalidIndexes: indexes.rows.filter((i) => !i.valid),
    constraints: constraints.rows,
  };
}
