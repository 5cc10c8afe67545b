/** Rules of the SchemaChange kind: the database exists, the SQL parses and can be made safe. */
import type { SchemaChange, TaskManifest } from '../../manifest/model.js';
import type { Report, Rule } from '../../manifest/rules/rule.js';
import { didYouMean } from '../../manifest/suggest.js';
import { parseDuration } from '../../manifest/units.js';
import { parseInvalidPolicy } from '../../providers/postgres/column-sync.js';
import { isIdentifier, ownTableReason, retiredName } from './sql-names.js';
import { catalogLookupType, isTypeName, transformProblem } from './sql-transform.js';
import { analyzeSql } from './sql.js';
import { helperSchema } from '../../providers/postgres/identifiers.js';
import { analyzeMysql } from './mysql-sql.js';

const only =
  (check: (spec: SchemaChange['spec'], report: Report, manifest: SchemaChange) => void) =>
  (manifest: TaskManifest, report: Report) => {
    if (manifest.kind === 'SchemaChange') check(manifest.spec, report, manifest);
  };

const databaseExists: Rule<TaskManifest> = {
  name: 'database-exists',
  check({ manifest }, repo, report) {
    if (manifest.kind !== 'SchemaChange') return;
    const service = repo.services.get(manifest.metadata.service)?.manifest;
    const known = service?.spec.databases?.map((db) => db.name) ?? [];
    if (service && !known.includes(manifest.spec.database)) {
      report(
        ['spec', 'database'],
        `service '${service.metadata.name}' has no database '${manifest.spec.database}'${didYouMean(manifest.spec.database, known)}`,
      );
    }
  },
};

const oneSource: Rule<TaskManifest> = {
  name: 'schema-change-source',
  check: ({ manifest }, _repo, report) =>
    only((spec) => {
      if (spec.sql === undefined && spec.replaceColumn === undefined)
        report(['spec'], 'say what to change: spec.sql or spec.replaceColumn', { target: 'key' });
      if (spec.sql !== undefined && spec.replaceColumn !== undefined)
        report(['spec', 'replaceColumn'], 'give either spec.sql or spec.replaceColumn, not both', { target: 'key' });
    })(manifest, report),
};

/** The engine of the task's database, as its service declares it. */
const engineOf = (manifest: SchemaChange, repo: Parameters<Rule<TaskManifest>['check']>[1]) =>
  repo.services.get(manifest.metadata.service)?.manifest.spec.databases?.find((d) => d.name === manifest.spec.database)
    ?.engine;

const sqlParses: Rule<TaskManifest> = {
  name: 'sql-parses',
  check: ({ manifest }, repo, report) =>
    only((spec, _report, task) => {
      if (spec.sql === undefined) return;
      const mysql = engineOf(task, repo) === 'mysql';
      const analysis = mysql ? analyzeMysql(spec.sql) : analyzeSql(spec.sql);
      if ('error' in analysis) {
        report.inScalar(
          ['spec', 'sql'],
          analysis.offset,
          `SQL does not parse as ${mysql ? 'MySQL/MariaDB' : 'PostgreSQL'}: ${analysis.error}`,
        );
        return;
      }
      if (analysis.statements.length === 0) report(['spec', 'sql'], 'the SQL has no statement');
      for (const statement of analysis.statements) {
        const c = statement.class;
        if (c.type === 'refused') report.inScalar(['spec', 'sql'], statement.offset, `refused: ${c.reason}`);
        else if (c.type === 'additive' && c.note) report.inScalar(['spec', 'sql'], statement.offset, c.note, 'warning');
      }
    })(manifest, report),
};

const safeReplacement: Rule<TaskManifest> = {
  name: 'replace-column-safe',
  check: ({ manifest }, repo, report) =>
    only((spec, _report, task) => {
      const change = spec.replaceColumn;
      if (!change) return;
      const path = ['spec', 'replaceColumn'];
      if (engineOf(task, repo) === 'mysql') {
        report(
          path,
          'replaceColumn is staged on PostgreSQL only; on MySQL/MariaDB write spec.sql: ALTER TABLE … ADD COLUMN, ' +
            'then DROP COLUMN as its own change once the application uses the new column',
          { target: 'key' },
        );
        return;
      }
      if (!change.table.split('.').every(isIdentifier) || change.table.split('.').length > 2)
        report(
          [...path, 'table'],
          `'${change.table}' is not a table name: table or schema.table, in lower-case letters, digits and _`,
        );
      else if (change.table.split('.').length === 2 && change.table.split('.')[0] === helperSchema)
        report([...path, 'table'], ownTableReason(helperSchema));
      for (const field of ['from', 'to'] as const) {
        if (!isIdentifier(change[field]))
          report(
            [...path, field],
            `'${change[field]}' is not a plain SQL identifier: use lower-case letters, digits and _`,
          );
      }
      if (change.from === change.to) report([...path, 'to'], 'the new column needs a name different from the old one');
      else if (change.to === retiredName(change.from))
        report(
          [...path, 'to'],
          `${change.from} is retired as ${change.to} before its drop: name the new column otherwise`,
        );
      if (!isTypeName(change.type)) report([...path, 'type'], `'${change.type}' is not a PostgreSQL type`);
      else if (catalogLookupType.test(change.type.trim()))
        report(
          [...path, 'type'],
          `a ${change.type} column looks every value up in the catalog, and the preflight would run that before ` +
            'approval: choose a plain type (text, oid)',
        );
      const keep = parseInvalidPolicy(change.onInvalid);
      if (keep?.mode === 'keep-text' && [change.from, change.to].includes(keep.column))
        report([...path, 'onInvalid'], `keep the unconvertible text in a column of its own, not in ${keep.column}`);
      const problem = change.using === undefined ? undefined : transformProblem(change.using, change.from);
      if (problem)
        report(
          [...path, 'using'],
          `using must be one SQL expression over the old column, e.g. column_1::jsonb: ${problem}`,
        );
    })(manifest, report),
};

/**
 * lock_timeout is what keeps a DDL that waits for its lock from making every query on the table
 * wait behind it: the application's worst latency during a DDL step is about lock_timeout.
 */
const maxLockTimeoutSeconds = 5;
const lockTimeoutBounded: Rule<TaskManifest> = {
  name: 'lock-timeout-bounded',
  check: ({ manifest }, _repo, report) =>
    only((spec) => {
      const seconds = spec.lockTimeout === undefined ? undefined : parseDuration(spec.lockTimeout);
      if (seconds !== undefined && seconds > maxLockTimeoutSeconds)
        report(
          ['spec', 'lockTimeout'],
          `a DDL waiting ${spec.lockTimeout} for its lock holds every query on the table behind it that long: use ` +
            `${maxLockTimeoutSeconds}s or less (the default 200ms is retried with backoff)`,
        );
    })(manifest, report),
};

export const schemaChangeRules: Rule<TaskManifest>[] = [
  databaseExists,
  oneSource,
  sqlParses,
  safeReplacement,
  lockTimeoutBounded,
];
