/**
 * What a pull request may show of a row's data. The preflight runs before anyone approves, and
 * anyone who can open a pull request reads its comment: a transform over `password_hash` must not
 * turn the plan into a way of reading that column. So a value is shown by its shape (letters as
 * x or X, digits as 9, punctuation and spaces as written), which still tells why `{"a": 1,` is not
 * JSON. Keys are shown as written only when they are plain numbers or UUIDs. Pure.
 */

const shownLength = 40;

/** `{"Name": "Ann", "age": 42` → `{"Xxxx": "Xxx", "xxx": 99`; cut at 40 characters. */
export function valueShape(value: string): string {
  const shape = [...value]
    .map((c) => (/\p{Lu}/u.test(c) ? 'X' : /\p{L}/u.test(c) ? 'x' : /\p{N}/u.test(c) ? '9' : c))
    .join('');
  const chars = [...shape];
  return chars.length > shownLength ? `${chars.slice(0, shownLength - 1).join('')}…` : shape;
}

const plainKey = /^(-?\d{1,20}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/** A key that could itself be data (an email as the primary key) is shown by its shape too. */
export const isPlainKey = (key: string): boolean => plainKey.test(key);
export const keyShown = (key: string): string => (isPlainKey(key) ? key : valueShape(key));

/**
 * A database's error quotes the value it could not read (`invalid input syntax for type integer:
 * "s3cret"`): every quoted part is shown by its shape, and so is the value wherever it still appears.
 */
export function errorShown(error: string, value: string): string {
  const quoted = error.replace(/"((?:[^"]|"")*)"/g, (_, inner: string) => `"${valueShape(inner)}"`);
  return value.length >= 3 ? quoted.split(value).join(valueShape(value)) : quoted;
}
