/** Pass one: JSON Schema validation, with ajv's errors rewritten for people and placed on their lines. */
import type { ErrorObject } from 'ajv';
import { fieldName, type Diagnostic, type Path } from './diagnostic.js';
import { validatorFor, type DocumentKind } from './schemas.js';
import { locate } from './rules/rule.js';
import type { SourceDocument } from './source.js';
import { didYouMean } from './suggest.js';

export function checkSchema(doc: SourceDocument, kind: DocumentKind): Diagnostic[] {
  const validate = validatorFor(kind);
  if (validate(doc.value)) return [];
  // A key that fails `propertyNames` is also reported by the rule it failed, which says why.
  const errors = (validate.errors ?? []).filter((error) => error.keyword !== 'propertyNames');
  const diagnostics = errors.map((error) => placed(doc, toDiagnostic(doc, error)));
  return unique(diagnostics);
}

/** Where a finding's field was written: a completed task's template values are reported in the template. */
function placed(doc: SourceDocument, d: Diagnostic): Diagnostic {
  if (!doc.fileOf) return d;
  const path = d.field
    .split(/\.|\[|\]/)
    .filter(Boolean)
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  return { ...d, ...locate(doc, path, d.message) };
}

function toDiagnostic(doc: SourceDocument, error: ErrorObject): Diagnostic {
  const path = pathOf(doc.value, error.instancePath);
  const base = { file: doc.file, severity: 'error' as const, rule: `schema-${error.keyword}` };
  if (error.keyword === 'additionalProperty' || error.keyword === 'additionalProperties') {
    const key = String(error.params.additionalProperty);
    const known = Object.keys((error.parentSchema as { properties?: object })?.properties ?? {});
    const keyPath = [...path, key];
    return {
      ...base,
      ...doc.at(keyPath, 'key'),
      field: fieldName(keyPath),
      message: `unknown key '${key}'${didYouMean(key, known)}`,
    };
  }
  if (error.keyword === 'required') {
    const missing = String(error.params.missingProperty);
    return {
      ...base,
      ...doc.at(path, 'key'),
      field: fieldName([...path, missing]),
      message: `'${missing}' is required`,
    };
  }
  return { ...base, ...doc.at(path), field: fieldName(path), message: describe(error) };
}

function describe(error: ErrorObject): string {
  const got = error.data;
  switch (error.keyword) {
    case 'type': {
      const hint = (error.parentSchema as { description?: string })?.description;
      return `expected ${article(String(error.params.type).replace(',', ' or '))}, got ${typeName(got)}${hint ? `: ${lowerFirst(hint)}` : ''}`;
    }
    case 'enum': {
      const allowed = (error.params.allowedValues as unknown[]).map(String);
      return `'${String(got)}' is not one of ${allowed.join(', ')}${didYouMean(String(got), allowed).replace(/ \(known.*/, '')}`;
    }
    case 'const':
      return `must be ${JSON.stringify(error.params.allowedValue)}, got ${JSON.stringify(got)}`;
    case 'pattern':
      return (error.parentSchema as { description?: string })?.description
        ? `${shown(got)} is not valid: ${lowerFirst((error.parentSchema as { description: string }).description)}`
        : `${shown(got)} does not match ${String(error.params.pattern)}`;
    case 'format':
      return `'${String(got)}' is not a ${error.params.format}${error.params.format === 'date-time' ? ' (write e.g. 2026-12-24T00:00:00Z)' : ''}`;
    default:
      return error.message ?? 'is not valid';
  }
}

/** A value as a finding quotes it: line breaks and other control characters made visible. */
const shown = (value: unknown) =>
  [...String(value)].some((c) => c < ' ') ? JSON.stringify(String(value)) : `'${String(value)}'`;

/** "Rows per batch." → "rows per batch"; a first word with more capitals (PostgreSQL, SQL) keeps them. */
const lowerFirst = (text: string) => {
  const first = text.split(/\s/)[0]!;
  const kept = first.slice(1) !== first.slice(1).toLowerCase() ? text : text.charAt(0).toLowerCase() + text.slice(1);
  return kept.replace(/\.$/, '');
};

function article(type: string): string {
  return type === 'array' || type === 'object' || type === 'integer' ? `an ${type}` : `a ${type}`;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  // Strings are not echoed: a value in the wrong place may be a secret.
  return typeof value === 'string' ? 'a string' : `${typeof value} ${JSON.stringify(value)}`;
}

/** Turn ajv's JSON pointer into a path whose array indexes are numbers. */
function pathOf(root: unknown, pointer: string): Path {
  const path: (string | number)[] = [];
  let value = root;
  for (const raw of pointer.split('/').slice(1)) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const key: string | number = Array.isArray(value) ? Number(segment) : segment;
    path.push(key);
    value = (value as Record<string | number, unknown> | undefined)?.[key];
  }
  return path;
}

function unique(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.line}:${d.col}:${d.field}:${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
