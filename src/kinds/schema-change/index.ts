/**
 * SchemaChange: additive statements run as they are (with a short lock timeout and retries);
 * destructive ones become staged expand/contract flows with an inverse for every stage.
 */
import type { CompletedTask } from '../../manifest/complete.js';
import type { AnalysisRule, SchemaChange } from '../../manifest/model.js';
import { formatDuration, parseDuration } from '../../manifest/units.js';
import { gatesFrom } from '../../plan/gates.js';
import type { KindPlan, PlanStep, RiskFactor } from '../../plan/types.js';
import { action, inSequence, step, type KindModule } from '../kind.js';
import { schemaChangeRules } from './rules.js';
import { columnInSql } from './sql-names.js';
import { analyzeSql } from './sql.js';
import type { SqlStatement } from './statement-class.js';
import { analyzeMysql } from './mysql-sql.js';
import { mysqlStages } from './mysql-stages.js';
import { parseInvalidPolicy } from '../../providers/postgres/column-sync.js';
import {
  dropColumnStages,
  dropTableStages,
  replaceColumnStages,
  setNotNullStages,
  oneLine,
  withPrefix,
  type StageOptions,
} from './stages.js';

type SchemaSpec = SchemaChange['spec'] & {
  batchSize: number;
  observeFor: string;
  lockTimeout: string;
  readersWindow: string;
};

export const schemaChange: KindModule = {
  kind: 'SchemaChange',
  executes: (task) => engineOf(task) === 'postgres' || engineOf(task) === 'mysql',
  executesWhen:
    'when the database is PostgreSQL or MySQL/MariaDB (`engine: postgres` or `engine: mysql` in the service)',
  defaults: {
    spec: { batchSize: 1000, observeFor: '24h', lockTimeout: '200ms', readersWindow: '30s' },
    perDatacenter: false,
  },
  requiredAfterCompletion: [],
  rules: schemaChangeRules,
  compile,
};

function compile(task: CompletedTask): KindPlan {
  const spec = task.spec as SchemaSpec;
  const options: StageOptions = {
    database: spec.database,
    batchSize: spec.batchSize,
    observeSeconds: parseDuration(spec.observeFor)!,
    lockTimeoutSeconds: parseDuration(spec.lockTimeout)!,
    readersWindowSeconds: parseDuration(spec.readersWindow)!,
    gates: gatesFrom(spec.analysis as AnalysisRule[] | undefined, task.service),
  };
  if (engineOf(task) === 'mysql') return summarized(mysqlGroups(spec.sql, options), spec, options, 'mysql');
  const statements = spec.sql ? (analyzeSql(spec.sql) as { statements: SqlStatement[] }).statements : [];
  const groups = spec.replaceColumn
    ? [
        {
          stages: replaceColumnStages(
            { ...spec.replaceColumn, onInvalid: parseInvalidPolicy(spec.replaceColumn.onInvalid) },
            options,
          ),
          tables: [spec.replaceColumn.table],
          destructive: true,
        },
      ]
    : statements.map((statement, i) => stagesFor(statement, options, statements.length > 1 ? `s${i + 1}-` : ''));
  return summarized(groups, spec, options, 'postgres');
}

function summarized(
  groups: StageGroup[],
  spec: SchemaSpec,
  options: StageOptions,
  engine: 'postgres' | 'mysql',
): KindPlan {
  const steps = groups.flatMap((g) => g.stages);
  const tables = [...new Set(groups.flatMap((g) => g.tables))];
  const destructive = groups.some((g) => g.destructive);
  return {
    summary:
      `${destructive ? 'Staged expand/contract change' : 'Online schema change'} of ${tables.join(', ') || spec.database} in ${spec.database}` +
      `${destructive ? `, observing ${formatDuration(options.observeSeconds)} before anything is dropped` : ''}; ` +
      (engine === 'mysql'
        ? `lock_wait_timeout ${Math.max(1, Math.ceil(options.lockTimeoutSeconds))}s with retries; ` +
          'tables copied online by pt-online-schema-change'
        : `lock_timeout ${formatDuration(options.lockTimeoutSeconds)} with retries`),
    steps: inSequence(steps),
    locks: tables.map((table) => ({
      key: `table:${spec.database}/${table}`,
      reason: `changes the schema of ${table}`,
    })),
    riskFactors: riskOf(steps, destructive),
  };
}

/** On MySQL/MariaDB: the statements as node-sql-parser reads them (a refused one has no stages). */
function mysqlGroups(sql: string | undefined, options: StageOptions): StageGroup[] {
  const analysis = sql === undefined ? { statements: [] } : analyzeMysql(sql);
  if ('error' in analysis) return [];
  const many = analysis.statements.length > 1;
  return analysis.statements.map(({ class: c }, i) => ({
    stages: mysqlStages(c, options, many ? `s${i + 1}-` : ''),
    tables: 'tables' in c ? c.tables : 'table' in c ? [c.table] : [],
    destructive: c.type === 'drop-column' || c.type === 'drop-table',
  }));
}

interface StageGroup {
  stages: PlanStep[];
  tables: string[];
  destructive: boolean;
}

function stagesFor(statement: SqlStatement, options: StageOptions, prefix: string): StageGroup {
  const c = statement.class;
  const prefixed = (stages: PlanStep[]) => withPrefix(stages, prefix);
  switch (c.type) {
    case 'drop-column':
      return { stages: prefixed(dropColumnStages(c, options)), tables: [c.table], destructive: true };
    case 'alter-column-type':
      return {
        stages: prefixed(
          replaceColumnStages(
            {
              table: c.table,
              from: c.column,
              to: `${c.column}_new`,
              type: c.newType,
              using: c.using ?? `${columnInSql(c.column)}::${c.newType}`,
            },
            options,
          ),
        ),
        tables: [c.table],
        destructive: true,
      };
    case 'rename-column':
      return {
        stages: prefixed(replaceColumnStages({ table: c.table, from: c.column, to: c.newName }, options)),
        tables: [c.table],
        destructive: true,
      };
    case 'drop-table':
      return {
        stages: c.tables.flatMap((table, i) =>
          prefixed(dropTableStages(table, options, c.tables.length > 1 ? `t${i + 1}-` : '')),
        ),
        tables: c.tables,
        destructive: true,
      };
    case 'set-not-null':
      return { stages: prefixed(setNotNullStages(c, options)), tables: [c.table], destructive: false };
    case 'drop-index':
      return { stages: prefixed([dropIndexStage(c.index, c.ifExists, options)]), tables: [], destructive: false };
    default: {
      const table = c.type === 'additive' ? c.table : undefined;
      const sql = c.type === 'additive' && c.runAs ? c.runAs : statement.text;
      // A validation or a concurrent index build scans the table without blocking it: hours, not a minute.
      // (Read from the parse tree: the word "concurrently" in a comment or a string proves nothing.)
      // A concurrent DROP INDEX waits for every older transaction too.
      const long = c.type === 'additive' && (c.longRunning === true || c.concurrently === true);
      const concurrently = c.type === 'additive' && c.concurrently === true;
      const undo =
        c.type === 'additive' && c.undo
          ? action('postgres', 'execute', {
              database: options.database,
              sql: c.undo,
              lockTimeoutSeconds: options.lockTimeoutSeconds,
            })
          : undefined;
      return {
        stages: [
          step({
            id: `${prefix}apply`,
            title: `Apply: ${oneLine(statement.text)}`,
            gates: options.gates,
            inverse: undo,
            action: action('postgres', 'execute', {
              database: options.database,
              ...(table ? { table } : {}),
              sql,
              lockTimeoutSeconds: options.lockTimeoutSeconds,
              ...(long ? { statementTimeoutSeconds: longSeconds } : {}),
              ...(concurrently ? { concurrently: true } : {}),
              ...(c.type === 'additive' && c.addsColumn ? { addsColumn: c.addsColumn } : {}),
              ...(c.type === 'additive' && c.createsTable ? { createsTable: true } : {}),
            }),
            ...(long ? { timeoutSeconds: longSeconds } : {}),
          }),
        ],
        tables: table ? [table] : [],
        destructive: false,
      };
    }
  }
}

const longSeconds = 6 * 3600;

/** A concurrent DROP INDEX waits for every older transaction; its undo builds the index again. */
function dropIndexStage(index: string, ifExists: boolean, options: StageOptions): PlanStep {
  const target = { database: options.database, index };
  return step({
    id: 'drop-index',
    title: `Drop index ${index} CONCURRENTLY, keeping its definition for a rollback`,
    gates: options.gates,
    inverse: action('postgres', 'restore-index', target),
    action: action('postgres', 'drop-index', { ...target, ...(ifExists ? { ifExists: true } : {}) }),
    timeoutSeconds: longSeconds,
  });
}

const engineOf = (task: CompletedTask) =>
  task.service.spec.databases?.find((db) => db.name === (task.spec as SchemaSpec).database)?.engine;

function riskOf(steps: PlanStep[], destructive: boolean): RiskFactor[] {
  const factors: RiskFactor[] = [];
  // Weighs as much as a missing gate and more: no metric gate sees lost data, so a gate cannot buy
  // a production drop down from high.
  if (destructive)
    factors.push({ reason: 'removes or rewrites existing data (staged, with a snapshot before the drop)', weight: 3 });
  if (steps.some((s) => s.action.operation === 'backfill'))
    factors.push({ reason: 'rewrites every row of the table in batches', weight: 1 });
  return factors;
}
