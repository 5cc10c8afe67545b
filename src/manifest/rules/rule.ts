/** Pass two: named semantic rules. Each reports findings at the position of the field it is about. */
import { fieldName, type Diagnostic, type Path, type Severity } from '../diagnostic.js';
import type { Loaded, OpsRepo } from '../model.js';
import type { SourceDocument } from '../source.js';

export interface Report {
  (path: Path, message: string, options?: { severity?: Severity; target?: 'key' | 'value' }): void;
  /** For findings inside a string, e.g. the SQL statement's syntax error. */
  inScalar(path: Path, offset: number, message: string, severity?: Severity): void;
}

export interface Rule<T> {
  name: string;
  check(subject: Loaded<T>, repo: OpsRepo, report: Report): void;
}

export function reporter(doc: SourceDocument, rule: string, sink: Diagnostic[]): Report {
  const report = ((path, message, options = {}) => {
    sink.push({
      file: doc.file, ...doc.at(path, options.target), severity: options.severity ?? 'error',
      field: fieldName(path), message, rule,
    });
  }) as Report;
  report.inScalar = (path, offset, message, severity = 'error') => {
    sink.push({ file: doc.file, ...doc.inScalar(path, offset), severity, field: fieldName(path), message, rule });
  };
  return report;
}

export function runRules<T>(rules: readonly Rule<T>[], subjects: readonly Loaded<T>[], repo: OpsRepo): Diagnostic[] {
  const sink: Diagnostic[] = [];
  for (const subject of subjects) {
    for (const rule of rules) rule.check(subject, repo, reporter(subject.doc, rule.name, sink));
  }
  return sink;
}
