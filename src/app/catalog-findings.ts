/**
 * What the preflight's catalog facts mean for a change: what cannot be staged (a primary key;
 * anything that makes PostgreSQL refuse a drop at the very end; a new column's name that holds
 * somebody's data), what a drop silently takes along, and what a replacement column does not inherit.
 */
import { retiredFrom } from '../kinds/schema-change/sql-names.js';
import type { PreflightFacts, RetiredColumnFacts } from './ports.js';

/** A pull request comment has room for some partitions' names, not a year of daily ones. */
const partitionsNamed = 10;

export interface CatalogFindings {
  errors: string[];
  /** About the columns the change would add (the manifest's `to`, or its keep-text column). */
  newColumns: { column: string; message: string; severity: 'error' | 'warning' }[];
  warnings: string[];
  /** Markdown lines for the preflight's section: each retired column as the catalog has it. */
  evidence: string[];
}

/**
 * `replacedBy`: the new column a replacement fills (undefined when the column is just dropped).
 * `addsByMark`: whether a new column is a replacement's, whose step knows its own run's column by
 * its mark (a plain ADD COLUMN fails on any column that is there).
 */
export function catalogFindings(
  table: string,
  facts: PreflightFacts,
  replacedBy: (column: string) => string | undefined,
  addsByMark: (column: string) => boolean = () => true,
): CatalogFindings {
  const found: CatalogFindings = { errors: [], newColumns: [], warnings: [], evidence: [] };
  const mysql = facts.engine === 'mysql';
  for (const column of facts.retiredColumns ?? []) {
    const to = replacedBy(column.column);
    const name = `${table}.${column.column}`;
    found.evidence.push(evidenceLine(column));
    if (!column.exists) {
      found.warnings.push(
        `${table} has no column ${column.column}: its rename would fail unless something adds it first`,
      );
      continue;
    }
    if (column.primaryKey)
      found.errors.push(
        `${name} is part of ${table}'s primary key: ${to ? `replacing it by ${to}` : 'dropping it'} would leave the ` +
          'table without one, and ZeroOps walks that key to change the rows. A primary key is not staged: build ' +
          'the new key by hand in a quiet hour' +
          (mysql ? '' : ' (a UNIQUE index built CONCURRENTLY, then ADD PRIMARY KEY USING INDEX)'),
      );
    if (column.blockers.length > 0)
      found.errors.push(
        dropRefused(column.blockers, name, 'its drop', mysql, 'a view or trigger goes on using the renamed column') +
          ', in a change of their own',
      );
    if (column.readers?.length) found.warnings.push(readersWarning(column.readers, name));
    if (column.primaryKey) continue; // refused already: what else it loses does not matter
    const kept = keptProperties(column);
    if (kept.length === 0) continue;
    found.warnings.push(
      to
        ? `${name} has ${kept.join(', ')}: ${to} is added without them, and the drop at the end takes ` +
            `${column.column}'s with it. Give ${to} what it should keep before that drop, in a SchemaChange of its ` +
            'own (SET NOT NULL, SET DEFAULT, CREATE INDEX CONCURRENTLY and ADD CONSTRAINT … NOT VALID are staged)'
        : `dropping ${name} also drops ${kept.join(', ')}; its undo builds them again with the values` +
            (column.lostForGood.length > 0 ? `, except ${column.lostForGood.join(', ')}` : ''),
    );
  }
  if (facts.tableBlockers?.length)
    found.errors.push(
      dropRefused(facts.tableBlockers, table, 'DROP TABLE', mysql, 'they go on using the renamed table') +
        ', in a change of their own, or name the tables that hold them before this one in the same DROP TABLE',
    );
  if (facts.tableReaders?.length) found.warnings.push(readersWarning(facts.tableReaders, table));
  for (const taken of facts.takenColumns ?? []) {
    const name = `${table}.${taken.column}`;
    found.newColumns.push(
      taken.addedByRun && !addsByMark(taken.column)
        ? {
            column: taken.column,
            severity: 'error',
            message:
              `${name} is there already, added by ZeroOps run ${taken.addedByRun}: ADD COLUMN would fail on it; ` +
              'give the new column another name',
          }
        : taken.addedByRun
          ? {
              column: taken.column,
              // Maybe this very merge's run, checked again on a retry: execution refuses another run's column anyway.
              severity: 'warning',
              message:
                `${name} is there already, added by ZeroOps run ${taken.addedByRun}: if that run is still going, or ` +
                'stopped without rolling back, this change stops at its first step',
            }
          : {
              column: taken.column,
              severity: 'error',
              message:
                `${name} already exists and holds somebody's data: ZeroOps never takes over or drops a column it did ` +
                'not add; ' +
                (retiredFrom(taken.column)
                  ? `the drop renames ${retiredFrom(taken.column)} to that name first, so rename ` +
                    'or drop the one there in a change of its own'
                  : 'give the new column another name'),
            },
    );
  }
  for (const index of facts.takenIndexes ?? [])
    found.errors.push(
      `${table} has an index named ${index} already: ZeroOps never takes over or drops an index it did not make; ` +
        'give the new one another name',
    );
  const partitions = facts.tablePartitions ?? [];
  if (partitions.length > 0) {
    const named = partitions.slice(0, partitionsNamed).join(', ');
    const more = partitions.length > partitionsNamed ? ` and ${partitions.length - partitionsNamed} more` : '';
    found.warnings.push(
      `dropping ${table} also drops its ${partitions.length} partition(s) and their rows: ${named}${more}`,
    );
  }
  return found;
}

/**
 * What stops a drop at its very end. On PostgreSQL `unseen` says who keeps using the renamed object
 * where the readers gate cannot see it (MySQL has no such gate to miss them).
 */
function dropRefused(blockers: string[], what: string, drop: string, mysql: boolean, unseen: string): string {
  return (
    `${blockers.join('; ')} depend${blockers.length === 1 ? 's' : ''} on ${what}: ` +
    `${mysql ? 'MySQL' : 'PostgreSQL'} would refuse ${drop} at the very end, after the rename and the days of ` +
    `observation${mysql ? '' : `, and ${unseen} where the readers gate cannot see it`}. Repoint or drop them first`
  );
}

/** Views MySQL lets a drop go past: they fail from the rename on. */
function readersWarning(readers: string[], what: string): string {
  const one = readers.length === 1;
  return (
    `${readers.join(', ')} read${one ? 's' : ''} ${what}: MySQL lets the drop through, and ` +
    `${one ? 'it fails' : 'they fail'} from the rename on; repoint ${one ? 'it' : 'them'} first, or expect the ` +
    'observation to show it'
  );
}

/** What the column has that its drop loses. */
const keptProperties = (column: RetiredColumnFacts): string[] =>
  [
    column.notNull ? 'NOT NULL' : undefined,
    column.default !== undefined ? `DEFAULT ${column.default}` : undefined,
    ...column.droppedWith,
  ].filter((p): p is string => p !== undefined);

/** Catalog text as inline code: a backtick in a name must not end it. */
const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;

function evidenceLine(column: RetiredColumnFacts): string {
  if (!column.exists) return `- ${code(column.column)}: not in the table`;
  const parts = [
    column.primaryKey ? 'in the primary key' : undefined,
    column.notNull ? 'NOT NULL' : 'nullable',
    column.default !== undefined ? `DEFAULT ${code(column.default)}` : 'no default',
    column.droppedWith.length > 0 ? `goes with it: ${column.droppedWith.map(code).join(', ')}` : '',
    column.blockers.length > 0 ? `stops its drop: ${column.blockers.map(code).join(', ')}` : '',
    column.readers?.length ? `read by: ${column.readers.map(code).join(', ')}` : '',
  ].filter((p) => p);
  return `- ${code(column.column)}: ${parts.join('; ')}`;
}
