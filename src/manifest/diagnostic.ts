/** A finding about a manifest, placed at the file, line and column a person has to edit. */
export type Severity = 'error' | 'warning';

export interface Diagnostic {
  file: string;
  line: number;
  col: number;
  severity: Severity;
  /** Dotted path of the field, e.g. `spec.steps[2]`; `yaml` for syntax errors. */
  field: string;
  message: string;
  /** Name of the rule that produced it, for docs and tests. */
  rule: string;
}

export type Path = ReadonlyArray<string | number>;

export function fieldName(path: Path): string {
  let out = '';
  for (const segment of path) {
    out += typeof segment === 'number' ? `[${segment}]` : out ? `.${segment}` : segment;
  }
  return out || '(document)';
}

export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.col} ${d.severity} ${d.field}: ${d.message}`;
}

export const hasErrors = (diagnostics: readonly Diagnostic[]): boolean =>
  diagnostics.some((d) => d.severity === 'error');

export function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
}
