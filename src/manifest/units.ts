/** Parsing of the task language's quantities: durations, percentages, sizes and metric thresholds. */

const durationUnits: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
const durationPattern = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d|w))+$/;

/** Seconds in a duration such as `90s`, `10m` or `1h30m`; undefined when it does not parse. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (!durationPattern.test(trimmed)) return undefined;
  let seconds = 0;
  for (const [, amount, unit] of trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g)) {
    seconds += Number(amount) * durationUnits[unit!]!;
  }
  return seconds;
}

/** Where a service's metric query takes a gate's window, e.g. `rate(http_requests_total[$window])`. */
export const windowPlaceholder = '$window';

export function formatDuration(seconds: number): string {
  if (seconds < 1) return `${Math.round(seconds * 1000)}ms`;
  const parts: string[] = [];
  let rest = Math.round(seconds);
  for (const [unit, size] of [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.join('') || '0s';
}

/** A percentage (`"20%"` or `20`) as a number of percent; undefined when it does not parse. */
export function parsePercent(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = /^\s*(-?\d+(?:\.\d+)?)\s*%\s*$/.exec(value);
  return match ? Number(match[1]) : undefined;
}

const sizeUnits: Record<string, number> = {
  B: 1,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  TB: 1e12,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
  TiB: 1024 ** 4,
};

/** Bytes in a size such as `512Mi` or `1.5GB`; undefined when it does not parse. */
export function parseSize(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([KMGT]i?B?|B)\s*$/.exec(text);
  if (!match || !(match[2]! in sizeUnits)) return undefined;
  return Number(match[1]) * sizeUnits[match[2]!]!;
}

export type MetricUnit = 'ratio' | 'seconds' | 'bytes' | 'count' | 'per-second';

export type ThresholdResult = { value: number } | { problem: string };

/** A limit written for a metric of the given unit, in that unit's base (fraction, seconds, bytes). */
export function parseThreshold(raw: string | number, unit: MetricUnit): ThresholdResult {
  if (typeof raw === 'number') return { value: raw };
  const percent = /%\s*$/.test(raw) ? parsePercent(raw) : undefined;
  if (percent !== undefined) {
    return unit === 'ratio'
      ? { value: percent / 100 }
      : { problem: `a percentage fits a ratio metric, but this one is in ${unit}` };
  }
  if (unit === 'seconds') {
    const seconds = parseDuration(raw);
    return seconds === undefined ? { problem: 'write a duration such as 300ms or 2s' } : { value: seconds };
  }
  if (unit === 'bytes') {
    const bytes = parseSize(raw);
    return bytes === undefined ? { problem: 'write a size such as 512Mi or 2GB' } : { value: bytes };
  }
  const number = Number(raw);
  if (raw.trim() !== '' && Number.isFinite(number)) return { value: number };
  const example = unit === 'ratio' ? '2% or 0.02' : 'a plain number';
  return { problem: `write ${example}` };
}
