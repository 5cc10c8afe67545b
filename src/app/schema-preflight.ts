/**
 * Before anyone approves a schema change, its tables are looked at in the live database (read-only,
 * through the approved config's connection): size, key, indexes, triggers, foreign keys, replicas,
 * and every row through the transform. A transform that would fail on rows, or turn them into NULL,
 * is an error until the manifest decides what they become (`onInvalid`): never a silent NULL.
 */
import type { Diagnostic } from '../manifest/diagnostic.js';
import type { LoadedTask } from '../manifest/model.js';
import { reporter } from '../manifest/rules/rule.js';
import { formatDuration } from '../manifest/units.js';
import type { Plan } from '../plan/types.js';
import { invalidWriteBehaviour, type InvalidPolicy } from '../providers/postgres/column-sync.js';
import { defaultThrottleLimits } from '../providers/postgres/backfill-throttle.js';
import { backfillFootprint } from './backfill-footprint.js';
import { catalogFindings } from './catalog-findings.js';
import { isPlainKeyType, keyShown, sqlStateShown, valueShape } from '../providers/value-shape.js';
import type { HeapFacts, PreflightFacts, PreflightTarget, SchemaPreflight, TransformFacts } from './ports.js';

const n = (v: number) => v.toLocaleString('en-US');

/**
 * What the plan says a throttled backfill does per second while the application is calm (the lab's
 * bench measures the real figure).
 */
export const expectedBackfillRowsPerSecond = 20_000;

export interface PreflightOutcome {
  diagnostics: Diagnostic[];
  /** Markdown, one section per table looked at. */
  sections: string[];
}

export interface PreflightOptions {
  /**
   * Asked once a transform is to run over the rows: why it may not (a fork's pull request), or
   * undefined. Unset: it may (a merged change).
   */
  rowsWithheld?: () => Promise<string | undefined>;
}

export async function preflightSchemaChanges(
  preflight: SchemaPreflight | undefined,
  plans: readonly Plan[],
  tasks: readonly LoadedTask[],
  providers: unknown,
  options: PreflightOptions = {},
): Promise<PreflightOutcome> {
  const outcome: PreflightOutcome = { diagnostics: [], sections: [] };
  const changes = plans
    .filter((p) => p.task.kind === 'SchemaChange' && p.executes)
    .map((plan) => ({
      plan,
      task: tasks.find((t) => t.manifest.metadata.name === plan.task.name && t.doc.file === plan.task.file),
      targets: targetsOf(plan),
    }));
  reportAddedTwice(changes, outcome);
  if (!preflight) return outcome;
  let withheld: Promise<string | undefined> | undefined;
  for (const { plan, task, targets } of changes) {
    if (!task || task.manifest.kind !== 'SchemaChange') continue;
    const report = reporter(task.doc, 'schema-preflight', outcome.diagnostics);
    for (const planned of targets) {
      const why = planned.transform && options.rowsWithheld ? await (withheld ??= options.rowsWithheld()) : undefined;
      const target = why ? { ...planned, transform: undefined } : planned;
      if (why)
        report(
          task.manifest.spec.replaceColumn ? ['spec', 'replaceColumn', 'using'] : ['spec', 'sql'],
          `the rows of ${planned.table} were not run through ${planned.transform!.using} before approval: ${why}, ` +
            'and the counts and examples would answer questions about the column. To have them checked here, ' +
            'push the change to a branch of this repository; otherwise they are checked at merge, and a lossy ' +
            'transform without onInvalid stops the run there',
          { severity: 'warning' },
        );
      let facts: PreflightFacts;
      try {
        const found = redacted(await preflight.inspect(target, providers));
        // Rows read through no transform of this target say nothing about one.
        facts = target.transform ? found : { ...found, transform: undefined };
      } catch (error) {
        if ((error as { table?: string }).table === target.table) continue; // created by this change
        report(['spec', 'database'], `the preflight of ${target.table} could not run: ${(error as Error).message}`, {
          severity: 'warning',
        });
        continue;
      }
      // A table the change drops first (renamed away) may be created again under its name.
      if (createsTable(plan, target.table) && !target.retiresTable) {
        report(
          ['spec', 'sql'],
          `${target.table} exists already (${n(facts.rows)} rows): CREATE TABLE would fail, and ZeroOps never ` +
            'drops a table it did not make; choose another name',
        );
        continue;
      }
      const backfill = plan.steps.find((s) => s.action.operation === 'backfill');
      const policy = backfill?.action.params.onInvalid as InvalidPolicy | undefined;
      const explicit = task.manifest.spec.replaceColumn?.onInvalid !== undefined;
      const where = task.manifest.spec.replaceColumn
        ? ['spec', 'replaceColumn', explicit ? 'onInvalid' : 'using']
        : ['spec', 'sql'];
      const snapshots = plan.steps.some(
        (s) => s.action.provider === 'mysql' && s.action.operation === 'snapshot-column',
      );
      if ('problem' in facts.key && (backfill || snapshots)) report(['spec'], facts.key.problem);
      if (facts.engine === 'mysql')
        for (const problem of copyProblems(facts, plan, target)) report(['spec', 'sql'], problem);
      const catalog = catalogFindings(
        target.table,
        facts,
        (column) => replacementOf(plan, target.table, column),
        (column) => replacementAdds(plan, target.table).includes(column),
      );
      const retiredAt = task.manifest.spec.replaceColumn ? ['spec', 'replaceColumn', 'from'] : ['spec', 'sql'];
      for (const error of catalog.errors) report(retiredAt, error);
      for (const { column, message, severity } of catalog.newColumns)
        report(newColumnField(task.manifest.spec.replaceColumn, column), message, { severity });
      for (const warning of catalog.warnings) report(retiredAt, warning, { severity: 'warning' });
      const lossy = facts.transform && lossiness(facts.transform, target);
      if (lossy && (!explicit || policy?.mode === 'fail'))
        report(
          where,
          explicit
            ? `${lossy}; with onInvalid: fail the backfill would stop there: fix those rows first, or choose ` +
                `onInvalid: null or keep-text-in <column>`
            : task.manifest.spec.replaceColumn
              ? `${lossy}: decide what they become in spec.replaceColumn.onInvalid (fail, null or keep-text-in ` +
                `<column>); ZeroOps never turns data into NULL silently`
              : `${lossy}: write the change as spec.replaceColumn and decide what they become in its onInvalid ` +
                `(fail, null or keep-text-in <column>)`,
        );
      if (facts.statementsTracked === false)
        report(
          ['spec', 'database'],
          'pg_stat_statements is not installed in this database: ZeroOps cannot tell who still uses a column, so ' +
            'the rename would wait; add it to shared_preload_libraries and CREATE EXTENSION pg_stat_statements',
          { severity: 'warning' },
        );
      outcome.sections.push(renderFacts(target, facts, plan, policy, catalog.evidence));
    }
  }
  return outcome;
}

/**
 * A column, index or table that two statements of the pull request add: whichever runs second fails
 * at execution (and rolls back its run), so it is an error on the second, before anyone approves.
 */
function reportAddedTwice(
  changes: readonly { plan: Plan; task: LoadedTask | undefined; targets: PreflightTarget[] }[],
  outcome: PreflightOutcome,
): void {
  const firstBy = new Map<string, Plan['task']>();
  for (const { plan, task, targets } of changes) {
    if (!task) continue;
    const report = reporter(task.doc, 'schema-preflight', outcome.diagnostics);
    for (const target of targets) {
      const at = `${target.database}/${target.table}`;
      const added = [
        ...(target.addedColumns ?? []).map((c) => ({ key: `${at} column ${c}`, what: `${target.table}.${c}` })),
        ...(target.addedIndexes ?? []).map((i) => ({
          key: `${at} index ${i}`,
          what: `index ${i} on ${target.table}`,
        })),
        ...(createsTable(plan, target.table) ? [{ key: `${at} table`, what: `table ${target.table}` }] : []),
      ];
      for (const { key, what } of added) {
        const first = firstBy.get(key);
        if (first === undefined) firstBy.set(key, plan.task);
        else
          report(
            ['spec', 'sql'],
            first === plan.task
              ? `${what} is added twice in this change: the second statement would fail; add it once`
              : `${what} is added by ${first.name} (${first.file}) too, in this pull request: whichever runs ` +
                  'second would fail and roll back; add it in one change',
          );
      }
    }
  }
}

/** What pt-online-schema-change (3.2) cannot copy: a table with triggers, or one other tables reference. */
function copyProblems(facts: PreflightFacts, plan: Plan, target: PreflightTarget): string[] {
  const referencing = facts.foreignKeys.filter((fk) => fk.includes(` -> ${target.table.split('.').at(-1)}.`));
  if (!plan.steps.some((s) => s.action.provider === 'mysql' && s.action.operation === 'online-alter')) return [];
  const dropped = plan.steps
    .filter((s) => s.action.provider === 'mysql' && s.action.operation === 'rename-column')
    .map((s) => s.action.params.column as string)
    .filter((column) => facts.uniqueKeyColumns?.includes(column));
  return [
    dropped.length > 0 &&
      `${dropped.join(', ')} is part of a unique key: dropping it narrows the key, and the copy (INSERT IGNORE) ` +
        'would silently drop the rows that collide; drop or change the key first, by hand',
    facts.triggers.length > 0 &&
      `the table has triggers (${facts.triggers.join(', ')}): pt-online-schema-change adds its own and cannot ` +
        'copy a table that has some; drop them for the change or make it by hand',
    referencing.length > 0 &&
      `other tables reference this one (${referencing.join(', ')}): its swap would have to rebuild their ` +
        'foreign keys, which ZeroOps does not automate',
  ].filter((p): p is string => typeof p === 'string');
}

/** The tables a plan changes (its locks), with the transform of its backfill, if any. */
function targetsOf(plan: Plan): PreflightTarget[] {
  const engine = plan.steps.some((s) => s.action.provider === 'mysql') ? ('mysql' as const) : ('postgres' as const);
  const backfill = plan.steps.find((s) => s.action.operation === 'backfill')?.action.params;
  return plan.locks
    .filter((l) => l.key.startsWith('table:'))
    .map((l) => {
      const [database, table] = l.key.slice('table:'.length).split('/') as [string, string];
      const replaced = backfill && backfill.table === table && typeof backfill.type === 'string';
      const retiredColumns = renamedAway(plan, table);
      const droppedTables = renamedAway(plan);
      const retiresTable = droppedTables.includes(table);
      // A column the change renames away first may be added again under its name (DROP x; RENAME y TO x).
      const online = mysqlAdds(plan, table);
      const addedColumns = [
        ...replacementAdds(plan, table),
        ...renamedTo(plan, table),
        ...postgresSteps(plan, 'execute').flatMap((p) =>
          p.table === table && p.addsColumn ? [p.addsColumn as string] : [],
        ),
        ...online.columns,
      ].filter((column) => !retiredColumns.includes(column));
      const addedIndexes = online.indexes;
      const droppedBefore = droppedTables.slice(0, droppedTables.indexOf(table));
      return {
        engine,
        database,
        table,
        ...(retiredColumns.length > 0 ? { retiredColumns } : {}),
        ...(addedColumns.length > 0 ? { addedColumns } : {}),
        ...(addedIndexes.length > 0 ? { addedIndexes } : {}),
        ...(retiresTable ? { retiresTable, ...(droppedBefore.length > 0 ? { droppedBefore } : {}) } : {}),
        ...(replaced
          ? {
              transform: {
                from: backfill.from as string,
                using: backfill.using as string,
                type: backfill.type as string,
              },
            }
          : {}),
      };
    });
}

/** The params of the plan's forward PostgreSQL steps of one operation (renames here retire what they rename). */
const postgresSteps = (plan: Plan, operation: string) =>
  plan.steps
    .filter((s) => s.action.provider === 'postgres' && s.action.operation === operation)
    .map((s) => s.action.params);

/**
 * What the plan's forward renames move out of the way, on either engine: a table's columns, or
 * (without a table) the tables it drops. Their names are free for the statements after.
 */
function renamedAway(plan: Plan, table?: string): string[] {
  return table === undefined
    ? renameParams(plan, 'rename-table').map((p) => p.table as string)
    : renameParams(plan, 'rename-column', table).map((p) => p.column as string);
}

/** The parameters of the plan's renames on either engine, of one table's columns when it is given. */
const renameParams = (plan: Plan, operation: 'rename-table' | 'rename-column', table?: string) =>
  plan.steps
    .filter((s) => s.action.operation === operation && ['postgres', 'mysql'].includes(s.action.provider))
    .map((s) => s.action.params)
    .filter((p) => table === undefined || p.table === table);

/** The names a plan's renames give a table's columns (`x_deprecated`): taken, the rename fails at the end. */
const renamedTo = (plan: Plan, table: string): string[] =>
  renameParams(plan, 'rename-column', table).map((p) => p.newName as string);

/** Whether a step of the plan creates the table (a CREATE TABLE without IF NOT EXISTS, on either engine). */
const createsTable = (plan: Plan, table: string) =>
  plan.steps.some(
    (s) => s.action.operation === 'execute' && s.action.params.createsTable && s.action.params.table === table,
  );

/** The columns a replacement adds to the table: the new one, and the one that keeps invalid text. */
const replacementAdds = (plan: Plan, table: string): string[] =>
  postgresSteps(plan, 'add-column')
    .filter((p) => p.table === table)
    .flatMap((p) => [p.column as string, ...(p.alsoText ? [p.alsoText as string] : [])]);

/** The columns and indexes the plan's online ALTERs of a MySQL table add (see mysql-sql.ts). */
function mysqlAdds(plan: Plan, table: string): { columns: string[]; indexes: string[] } {
  const adds = plan.steps
    .filter((s) => s.action.provider === 'mysql' && s.action.operation === 'online-alter')
    .map((s) => s.action.params)
    .filter((p) => p.table === table && p.adds)
    .map((p) => p.adds as { columns: string[]; indexes: string[] });
  return { columns: adds.flatMap((a) => a.columns), indexes: adds.flatMap((a) => a.indexes) };
}

/** Where the manifest names a new column: `to`, or the keep-text column of `onInvalid`; raw SQL at its statement. */
function newColumnField(replace: { to: string } | undefined, column: string): string[] {
  if (!replace) return ['spec', 'sql'];
  return ['spec', 'replaceColumn', column === replace.to ? 'to' : 'onInvalid'];
}

/** The column a replacement fills from `column`, if the plan backfills one. */
function replacementOf(plan: Plan, table: string, column: string): string | undefined {
  const backfill = postgresSteps(plan, 'backfill').find((p) => p.table === table && p.from === column);
  return backfill?.to as string | undefined;
}

/** The rows' values as a pull request may show them: by their shape (see value-shape.ts). */
function redacted(facts: PreflightFacts): PreflightFacts {
  const t = facts.transform;
  if (!t) return facts;
  const keyType = 'type' in facts.key ? facts.key.type : undefined;
  return {
    ...facts,
    transform: {
      ...t,
      failing: {
        count: t.failing.count,
        examples: t.failing.examples.map((e) => ({
          key: keyShown(e.key, keyType),
          value: valueShape(e.value),
          code: e.code,
        })),
      },
      nulled: {
        count: t.nulled.count,
        examples: t.nulled.examples.map((e) => ({ key: keyShown(e.key, keyType), value: valueShape(e.value) })),
      },
    },
  };
}

function lossiness(t: TransformFacts, target: PreflightTarget): string | undefined {
  const parts = [
    t.failing.count > 0 &&
      `${n(t.failing.count)} row(s) fail (e.g. ${t.failing.examples
        .slice(0, 2)
        .map((e) => `key ${e.key}, '${e.value}': ${sqlStateShown(e.code)}`)
        .join('; ')})`,
    t.nulled.count > 0 &&
      `${n(t.nulled.count)} row(s) become NULL (e.g. key ${t.nulled.examples[0]?.key}, ` +
        `'${t.nulled.examples[0]?.value}')`,
  ].filter(Boolean);
  if (parts.length === 0) return undefined;
  return (
    `${target.transform!.using} over ${target.table}: ${parts.join(', and ')} of ` +
    `${n(t.checked)} checked${t.partial ? ' (the first rows only)' : ''}`
  );
}

/** Why the values read as `xxx 99`, and how someone allowed to read the table sees them. */
function examplesNote(target: PreflightTarget, facts: PreflightFacts, examples: { key: string }[]): string[] {
  if (examples.length === 0) return [];
  const keys = examples.map((e) => e.key);
  const look =
    'column' in facts.key && isPlainKeyType(facts.key.type)
      ? ` To see them: \`SELECT ${facts.key.column}, ${target.transform!.from} FROM ${target.table} WHERE ` +
        `${facts.key.column} IN (${[...new Set(keys)].map((k) => `'${k}'`).join(', ')})\`.`
      : '';
  return [
    '',
    `Values are shown by their shape (punctuation as written, anything else as x), errors by their SQLSTATE, ` +
      `and keys only when they are integers: anyone who can open a pull request reads this.${look}`,
  ];
}

function renderFacts(
  target: PreflightTarget,
  facts: PreflightFacts,
  plan: Plan,
  policy: InvalidPolicy | undefined,
  retired: string[],
): string {
  const key = 'column' in facts.key ? `\`${facts.key.column}\`` : `none usable: ${facts.key.problem}`;
  const mysql = facts.engine === 'mysql';
  const replicas = facts.replicas.map((r) => `${r.name} (lag ${r.lagSeconds.toFixed(1)}s)`).join(', ') || 'none';
  const lines = [
    `### Preflight of \`${target.table}\` in ${target.database} (read-only)`,
    '',
    '| Rows | Size | Key | Indexes | Triggers | Foreign keys | Replicas |',
    '|---|---|---|---|---|---|---|',
    `| ${mysql ? '~' : ''}${n(facts.rows)} | ${(facts.bytes / 1048576).toFixed(1)} MiB | ${key} | ` +
      `${facts.indexes.length} | ${facts.triggers.join(', ') || 'none'} | ${facts.foreignKeys.length} | ` +
      `${mysql ? 'found by pt-online-schema-change, which waits for their lag' : replicas} |`,
  ];
  if (mysql && plan.steps.some((s) => s.action.operation === 'online-alter'))
    lines.push(
      '',
      `**Copy:** pt-online-schema-change copies about ${n(facts.rows)} rows into a shadow table in chunks of ` +
        'about 0.1 s, kept in step by triggers, pausing while more than 25 threads run, then swaps the two ' +
        'with one atomic RENAME; progress shows in the run.',
    );
  if (retired.length > 0) lines.push('', '**Columns it drops, as the catalog has them:**', '', ...retired);
  if (facts.tableBlockers?.length === 0) lines.push('', '**Before the table goes:** no view or other table uses it.');
  const backfill = plan.steps.find((s) => s.action.operation === 'backfill');
  if (facts.transform) {
    const t = facts.transform;
    lines.push(
      '',
      `**Transform** \`${target.transform!.using}\` tried on ${n(t.checked)} ` +
        `row(s)${t.partial ? ' (the first rows only)' : ''}: ` +
        `${n(t.failing.count)} fail, ${n(t.nulled.count)} become NULL.`,
      ...t.failing.examples.map((e) => `- key ${e.key}: \`${e.value.replace(/`/g, "'")}\` — ${sqlStateShown(e.code)}`),
      ...t.nulled.examples.map((e) => `- key ${e.key}: \`${e.value.replace(/`/g, "'")}\` — becomes NULL`),
      ...examplesNote(target, facts, [...t.failing.examples, ...t.nulled.examples]),
    );
  }
  if (backfill && policy) {
    const params = backfill.action.params as { from: string; to: string; batchSize: number };
    // As slow as pressure can make it: the longest pause against the shortest.
    const { minPauseRatio, maxPauseRatio } = defaultThrottleLimits(params.batchSize);
    const slowestBackfillRowsPerSecond = (expectedBackfillRowsPerSecond * (1 + minPauseRatio)) / (1 + maxPauseRatio);
    const took = (rowsPerSecond: number) => formatDuration(Math.max(1, Math.round(facts.rows / rowsPerSecond)));
    lines.push(
      '',
      `**Writes during the change:** ` +
        `${invalidWriteBehaviour({ from: params.from, to: params.to, onInvalid: policy })}.`,
      '',
      `**Backfill estimate:** ${n(facts.rows)} rows at about ${n(expectedBackfillRowsPerSecond)} rows/s ≈ ` +
        `${took(expectedBackfillRowsPerSecond)} while the application is calm, from batches of ` +
        `${n(params.batchSize)}; up to ${took(slowestBackfillRowsPerSecond)} if it feels the backfill throughout ` +
        `(the pace slows as far as about ${n(slowestBackfillRowsPerSecond)} rows/s). The run reports the real rate.`,
    );
    if (facts.heap && facts.rows > 0)
      lines.push('', footprintLine(facts.rows, facts.indexes.length, facts.heap, facts.replicas.length));
  }
  return lines.join('\n');
}

function footprintLine(rows: number, indexes: number, heap: HeapFacts, replicas: number): string {
  const f = backfillFootprint(rows, indexes, heap);
  const mib = (bytes: number) => `${(bytes / 1048576).toLocaleString('en-US', { maximumFractionDigits: 1 })} MiB`;
  const moved =
    f.movedRows === rows
      ? `at fillfactor ${heap.fillfactor} no page has room for them, so about every one moves`
      : f.movedRows === 0
        ? `fillfactor ${heap.fillfactor} leaves room for them on their pages, so about none moves`
        : `about ${n(f.movedRows)} cannot stay on their page (fillfactor ${heap.fillfactor}) and move`;
  return (
    `**What the backfill leaves behind:** ${n(rows)} new row versions; ${moved}: ` +
    `about ${n(f.indexEntries)} new index entries over ${indexes} index(es), the heap (${mib(heap.bytes)}) ` +
    `grows by about ${mib(f.heapGrowthBytes)} and keeps ${n(f.deadRows)} dead versions until vacuum makes their ` +
    'space reusable (the file does not shrink), and ' +
    `about ${mib(f.walBytes)} of WAL (~${n(f.walBytesPerRow)} B per row)` +
    (replicas > 0 ? ` that each of the ${replicas} replica(s) replays.` : '.')
  );
}
