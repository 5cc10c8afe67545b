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

export interface ColumnDefinition {
  notNull: boolean;
  default: string | null;
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
  const { rows: attribute } = await client.query<{ notNull: boolean; default: string | null; attnum: number }>(
    `SELECT a.attnotnull AS "notNull", pg_get_expr(ad.adbin, ad.adrelid) AS default, a.attnum
       FROM pg_attribute a LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
      WHERE a.attrelid = to_regclass($1) AND a.attname = $2 AND NOT a.attisdropped`,
    [name, column],
  );
  if (!attribute[0]) throw new EffectError(`${table} has no column ${column} to keep`, false);
  const dependsOnColumn = (catalog: string, oid: string) =>
    `EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '${catalog}'::regclass AND d.objid = ${oid}
               AND d.refobjid = to_regclass($1) AND d.refobjsubid = $2 AND d.deptype = 'a')`;
  const { rows: indexes } = await client.query<ColumnDefinition['indexes'][number]>(
    `SELECT c.relname AS name, pg_get_indexdef(c.oid) AS definition, ts.spcname AS tablespace
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid LEFT JOIN pg_tablespace ts ON ts.oid = c.reltablespace
      WHERE i.indrelid = to_regclass($1) AND i.indisvalid
        AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid)
        AND ${dependsOnColumn('pg_class', 'c.oid')}
      ORDER BY c.relname`,
    [name, attribute[0].attnum],
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
    [name, attribute[0].attnum],
  );
  return {
    notNull: attribute[0].notNull,
    default: attribute[0].default,
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
  ddl: DdlOutcome[];
}

/**
 * Each piece that is missing is built again; a piece found in place (an earlier attempt built it)
 * is left. A UNIQUE index fails to build if duplicates arrived meanwhile, and says so.
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
  const rebuilt: Rebuilt = { pieces: [], ddl: [] };
  const brief = (statements: string[]) => runDdl(url, statements, { lockTimeoutMs, signal });
  // A validation scans the table holding a lock that lets reads and writes go on.
  const scan = (statements: string[]) =>
    runDdl(url, statements, { lockTimeoutMs, statementTimeoutMs: 6 * 3600 * 1000, signal });
  const concurrently = (statements: string[]) =>
    runDdl(url, statements, {
      lockTimeoutMs: 0,
      statementTimeoutMs: 6 * 3600 * 1000,
      outsideTransaction: true,
      signal,
    });
  const build = async (name: string, definition: string, tablespace: string | null) => {
    // A build that failed half-way leaves an invalid index of the same name.
    if (present.invalidIndexes.includes(name))
      rebuilt.ddl.push(await concurrently([`DROP INDEX CONCURRENTLY IF EXISTS ${schema}${quoteIdent(name)}`]));
    rebuilt.ddl.push(
      await concurrently([
        `SET default_tablespace = ${tablespace ? quoteIdent(tablespace) : "''"}`,
        concurrentBuild(definition),
      ]),
    );
  };

  if (kept.default !== null && present.default === null) {
    rebuilt.ddl.push(await brief([`ALTER TABLE ${t} ALTER COLUMN ${c} SET DEFAULT ${kept.default}`]));
    rebuilt.pieces.push(`DEFAULT ${kept.default}`);
  }
  if (kept.notNull && !present.notNull) {
    const check = quoteIdent(`${column}_not_null`.slice(0, 63));
    rebuilt.ddl.push(
      await brief([
        `ALTER TABLE ${t} DROP CONSTRAINT IF EXISTS ${check}`,
        `ALTER TABLE ${t} ADD CONSTRAINT ${check} CHECK (${c} IS NOT NULL) NOT VALID`,
      ]),
      await scan([`ALTER TABLE ${t} VALIDATE CONSTRAINT ${check}`]).catch((error: unknown) => {
        throw new EffectError(
          `${table}.${column} was NOT NULL, but rows written since the drop have none (${(error as Error).message}): ` +
            `give them a value, then retry; the check ${check} waits NOT VALID until then`,
          false,
        );
      }),
      // The valid check spares SET NOT NULL its scan.
      await brief([`ALTER TABLE ${t} ALTER COLUMN ${c} SET NOT NULL`, `ALTER TABLE ${t} DROP CONSTRAINT ${check}`]),
    );
    rebuilt.pieces.push('NOT NULL');
  }
  for (const constraint of kept.constraints.filter((k) => !present.constraints.includes(k.name))) {
    const name = quoteIdent(constraint.name);
    if (constraint.type === 'u' && constraint.index) {
      const { index } = constraint;
      if (!present.validIndexes.includes(index.name)) await build(index.name, index.definition, index.tablespace);
      const deferrable = / (NOT )?DEFERRABLE.*$/.exec(constraint.definition)?.[0] ?? '';
      rebuilt.ddl.push(
        await brief([
          `ALTER TABLE ${t} ADD CONSTRAINT ${name} UNIQUE USING INDEX ${quoteIdent(index.name)}${deferrable}`,
        ]),
      );
    } else {
      rebuilt.ddl.push(await brief([`ALTER TABLE ${t} ADD CONSTRAINT ${name} ${constraint.definition} NOT VALID`]));
      if (constraint.validated) rebuilt.ddl.push(await scan([`ALTER TABLE ${t} VALIDATE CONSTRAINT ${name}`]));
    }
    rebuilt.pieces.push(`constraint ${constraint.name}`);
  }
  for (const index of kept.indexes.filter((i) => !present.validIndexes.includes(i.name))) {
    await build(index.name, index.definition, index.tablespace);
    rebuilt.pieces.push(`index ${index.name}`);
  }
  return rebuilt;
}

async function presentPieces(client: pg.ClientBase, table: string, column: string) {
  const name = quoteTable(table);
  const { rows } = await client.query<{ notNull: boolean; default: string | null }>(
    `SELECT a.attnotnull AS "notNull", pg_get_expr(ad.adbin, ad.adrelid) AS default
       FROM pg_attribute a LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
      WHERE a.attrelid = to_regclass($1) AND a.attname = $2 AND NOT a.attisdropped`,
    [name, column],
  );
  const indexes = await client.query<{ name: string; valid: boolean }>(
    `SELECT c.relname AS name, i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
      WHERE i.indrelid = to_regclass($1)`,
    [name],
  );
  const constraints = await client.query<{ name: string }>(
    `SELECT conname AS name FROM pg_constraint WHERE conrelid = to_regclass($1)`,
    [name],
  );
  return {
    notNull: rows[0]?.notNull ?? false,
    default: rows[0]?.default ?? null,
    validIndexes: indexes.rows.filter((i) => i.valid).map((i) => i.name),
    invalidIndexes: indexes.rows.filter((i) => !i.valid).map((i) => i.name),
    constraints: constraints.rows.map((k) => k.name),
  };
}
