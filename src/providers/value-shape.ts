/**
 * What a pull request or a check run may show of a row's data. The preflight runs a transform the
 * pull request's author wrote before anyone approves, and everyone who reads the repository reads
 * the comment and the check runs: a transform over `password_hash` must not become a way of reading
 * that column. So:
 *   - a value is shown by its shape: ASCII punctuation and spaces as written, anything else as x
 *     (`{"Name": 42,` → `{"xxxx": xx,`), which still tells why it is not JSON;
 *   - a key as written only when its type is an integer (a surrogate id), else by its shape;
 *   - a database error by its SQLSTATE, never its text, which may quote the value (`invalid input
 *     syntax for type integer: "s3cret"`, `date field value out of range: 2000-13-37`).
 * Pure.
 */

const shownLength = 40;

export function valueShape(value: string): string {
  const shape = [...value].map((c) => (/^[\x20-\x2f\x3a-\x40\x5b-\x60\x7b-\x7e\t\n\r]$/.test(c) ? c : 'x'));
  return shape.length > shownLength ? `${shape.slice(0, shownLength - 1).join('')}…` : shape.join('');
}

const integerTypes = new Set(['smallint', 'integer', 'bigint', 'int', 'int2', 'int4', 'int8', 'tinyint', 'mediumint']);

/** Keys of an integer type are ids: shown. Any other (an email, a national id, a token) by its shape. */
export const isPlainKeyType = (type: string | undefined): boolean =>
  type !== undefined && integerTypes.has(type.toLowerCase().replace(/\s+unsigned$/, ''));
export const keyShown = (key: string, type: string | undefined): string =>
  isPlainKeyType(type) ? key : valueShape(key);

/** What the usual SQLSTATEs of a failing conversion mean, in words that quote nothing. */
const sqlStates: Record<string, string> = {
  '22P02': 'invalid input syntax',
  '22003': 'number out of range',
  '22008': 'date or time field out of range',
  '22007': 'invalid date or time format',
  '22001': 'too long for the type',
  '22021': 'invalid byte sequence',
  '22P05': 'untranslatable character',
  '22012': 'division by zero',
  '22023': 'invalid parameter value',
  '22004': 'null value not allowed',
  '2202E': 'array subscript error',
  '22P04': 'bad copy file format',
  '22025': 'invalid escape sequence',
  '22032': 'invalid JSON text',
  '42P01': 'no such relation',
  '42704': 'no such object',
  '42883': 'no such function',
  '3F000': 'no such schema',
  '55P03': 'lock not available (lock_timeout)',
};

/** A SQLSTATE in words: `invalid input syntax (SQLSTATE 22P02)`. */
export const sqlStateShown = (code: string | undefined): string =>
  code === undefined || !/^[0-9A-Z]{5}$/.test(code)
    ? 'an error (no SQLSTATE)'
    : `${sqlStates[code] ?? (code.startsWith('22') ? 'data exception' : 'error')} (SQLSTATE ${code})`;

/**
 * SQLSTATE classes whose messages name only the connection, a role, a database or a setting, never a
 * row's value: connection, authorization, catalog, resources, operator intervention, and privileges.
 */
const messageCarriesNoData = (code: string) => /^(08|28|3D|53|57)/.test(code) || code === '42501';

/**
 * A database error as a pull request or a check run may show it: its text where it cannot hold a
 * value, else only its SQLSTATE. An error without one (a refused connection) is the client's own.
 */
export function databaseErrorShown(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  if (code === undefined || !/^[0-9A-Z]{5}$/.test(code)) return message ?? String(error);
  return messageCarriesNoData(code) ? `${message} (SQLSTATE ${code})` : sqlStateShown(code);
}

/**
 * An error as a run's check run shows it, after approval: its text, which helps whoever fixes it,
 * but never a value it quotes. PostgreSQL's data exceptions (class 22) by their SQLSTATE; MySQL's
 * data and duplicate-key errors (`Duplicate entry 'ann@example.com'`) with their quotes masked.
 */
export function runErrorShown(error: unknown): string {
  const { code, sqlState, message } = error as { code?: string; sqlState?: string; message?: string };
  const text = message ?? String(error);
  if (sqlState && /^2[23]/.test(sqlState)) return quotedMasked(text);
  if (code && /^22[0-9A-Z]{3}$/.test(code)) return sqlStateShown(code);
  return text;
}

/**
 * A tool's output line with whatever it quotes masked: from the first quote to the last (a quote
 * inside a value cannot end the mask early). Backticked names stay: they are the schema's.
 */
export function quotedMasked(line: string): string {
  let masked = line;
  for (const quote of ["'", '"']) {
    const first = masked.indexOf(quote);
    const last = masked.lastIndexOf(quote);
    if (first >= 0 && last > first)
      masked = `${masked.slice(0, first + 1)}${valueShape(masked.slice(first + 1, last))}${masked.slice(last)}`;
  }
  return masked;
}
