/**
 * Version ranges of an audience (`ios: ">=17"`, `appVersion: "^3.2"`): npm's semver ranges, with
 * versions as people write them ("17", "17.4") read as 17.0.0 and 17.4.0. Pure.
 */
import semver from 'semver';

/** The range in semver's terms, or undefined when it is not a range. */
export function parseRange(text: string): semver.Range | undefined {
  const normalized = text.trim() === '' ? '*' : text;
  try {
    return new semver.Range(normalized, { loose: true });
  } catch {
    return undefined;
  }
}

/** Some version is in both ranges. */
export function rangesMeet(a: string, b: string): boolean {
  const [left, right] = [parseRange(a), parseRange(b)];
  return left !== undefined && right !== undefined && left.intersects(right, { loose: true });
}

/** Every version of `inner` is in `outer`. */
export function rangeCovers(outer: string, inner: string): boolean {
  const [big, small] = [parseRange(outer), parseRange(inner)];
  return big !== undefined && small !== undefined && semver.subset(small, big, { loose: true });
}

/** "any version", or the range as written. */
export const describeRange = (text: string) => (parseRange(text)?.range === '' ? 'any version' : text.trim());
