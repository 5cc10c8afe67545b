/** Times and durations as a postmortem shows them: UTC, and spans in words. Pure: no clock reads. */

/** Milliseconds from `from` to `to`, or undefined when either is missing or not a time. */
export function span(from: string | undefined, to: string | undefined): number | undefined {
  if (from === undefined || to === undefined) return undefined;
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isNaN(ms) ? undefined : ms;
}

/** `2024-05-01 12:03:15` in UTC; a time that does not parse is shown as it was recorded. */
export function utc(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

/** The UTC date of a time (`2024-05-01`), or undefined when it does not parse. */
export function utcDate(iso: string): string | undefined {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString().slice(0, 10);
}

const units: [name: string, seconds: number][] = [
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
  ['second', 1],
];

/**
 * A span in words, its two largest units: "41 minutes", "1 hour 5 minutes", "3 minutes 20 seconds".
 * Seconds are left out from 10 minutes on: at that scale they are noise.
 */
export function durationWords(ms: number): string {
  let rest = Math.floor(Math.abs(ms) / 1000);
  const parts: string[] = [];
  for (const [name, seconds] of units) {
    const count = Math.floor(rest / seconds);
    rest -= count * seconds;
    if (name === 'second' && Math.abs(ms) >= 600_000) break;
    if (count > 0 && parts.length < 2) parts.push(`${count} ${name}${count === 1 ? '' : 's'}`);
    else if (parts.length > 0) break;
  }
  return parts.length ? parts.join(' ') : '0 seconds';
}

/** Entries in time order; one whose time does not parse goes last, in its recorded place. */
export function byTime<T extends { at: string }>(entries: readonly T[]): T[] {
  const key = (at: string) => (Number.isNaN(Date.parse(at)) ? Infinity : Date.parse(at));
  return entries
    .map((entry, i) => ({ entry, i, ms: key(entry.at) }))
    .sort((a, b) => (a.ms === b.ms ? a.i - b.i : a.ms - b.ms))
    .map(({ entry }) => entry);
}
