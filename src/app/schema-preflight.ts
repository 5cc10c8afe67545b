/**
 * Before anyone approves a schema change, its tables are looked at in the live database (read-only,
 * through the approved config's connection): size, key, indexes, triggers, foreign keys, replicas,
 * and every row through the transform. A transform that would fail on rows, or turn them into NULL,
 * is an error until the manifest decides what they become (`onInvalid`): never a silent NULL.
 */
import type { Diagnostic } from '../manifest/diagnostic.js';
import type { LoadedTask } from '../manifest/model.js';
import { reporter } from '../manifest/rules/rule.js';
import type { Plan } from '../plan/types.js';
import type { InvalidPolicy } from '../providers/postgres/column-sync.js';
import { catalogFindings } from './catalog-findings.js';
import type { PreflightFacts, PreflightTarget, SchemaPreflight } from './ports.js';
import { lossiness, redacted, renderFacts } from './preflight-report.js';
import { createsTable, replacementAdds, replacementOf, targetsOf } from './preflight-targets.js';

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
        if ((error as { refusal?: boolean }).refusal) {
          report(
            task.manifest.spec.replaceColumn ? ['spec', 'replaceColumn'] : ['spec', 'sql'],
            (error as Error).message,
          );
          continue;
        }
        report(['spec', 'database'], `the preflight of ${target.table} could not run: ${(error as Error).message}`, {
          severity: 'warning',
        });
        continue;
      }
      // A table the change drops first (renamed away) may be created again under its name.
      if (createsTable(plan, target.table) && !target.retiresTable) {
        report(
          ['spec', 'sql'],
          `${target.table} exists already (${facts.rows.toLocaleString('en-US')} rows): CREATE TABLE would fail, ` +
            'and ZeroOps never drops a table it did not make; choose another name',
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
      if (backfill && facts.updateTriggers?.length)
        report(
          task.manifest.spec.replaceColumn ? ['spec', 'replaceColumn'] : ['spec', 'sql'],
          `the backfill's updates fire ${facts.updateTriggers.join(', ')} on every row of ${target.table} (they fire ` +
            'on any UPDATE): what they do (an updated_at, an audit row) happens once per row, and no rollback ' +
            'undoes it; give them a column list (UPDATE OF …) if that is not wanted',
          { severity: 'warning' },
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

/** Where the manifest names a new column: `to`, or the keep-text column of `onInvalid`; raw SQL at its statement. */
function newColumnField(replace: { to: string } | undefined, column: string): string[] {
  if (!replace) return ['spec', 'sql'];
  return ['spec', 'replaceColumn', column === replace.to ? 'to' : 'onInvalid'];
}
