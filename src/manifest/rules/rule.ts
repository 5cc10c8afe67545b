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

/** A value written elsewhere (a template) is reported where it was written, naming both files. */
export function locate(doc: SourceDocument, path: Path, message: string): { file: string; message: string } {
  const file = doc.fileOf?.(path) ?? doc.file;
  return {
    file,
    message: file === doc.file ? message : `${message} (the value comes from ${file}, used by ${doc.file})`,
  };
}

export function reporter(doc: SourceDocument, rule: string, sink: Diagnostic[]): Report {
  const where = (path: Path, message: string) => locate(doc, path, message);
  const report = ((path, message, options = {}) => {
    sink.push({
      ...where(path, message),
      ...doc.at(path, options.target),
      severity: options.severity ?? 'error',
      field: fieldName(path),
      rule,
    });
  }) as Report;
  report.inScalar = (path, offset, message, severity = 'error') => {
    sink.push({ ...where(path, message), ...doc.inScalar(path, offset), severity, field: fieldName(path), rule });
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
