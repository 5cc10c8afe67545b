/** Rule that every duration in a document parses. */
import { parseDuration } from '../units.js';
import type { Report, Rule } from './rule.js';

const durationKeys = new Set([
  'interval',
  'window',
  'observeFor',
  'lockTimeout',
  'timeout',
  'every',
  'enterAfter',
  'recoveryDwell',
  'stepHold',
  'overrideTtl',
]);

/** The least a key's duration should be, where it is not 1s. */
const shortest: Record<string, string> = { lockTimeout: '50ms (200ms by default)' };

export const durationsParse: Rule<unknown> = {
  name: 'duration-parses',
  check({ manifest }, _repo, report) {
    visitDurations(manifest, [], report);
  },
};

function visitDurations(value: unknown, path: (string | number)[], report: Report): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => visitDurations(item, [...path, i], report));
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  for (const [key, child] of Object.entries(value)) {
    if (durationKeys.has(key) && typeof child === 'string') {
      const seconds = parseDuration(child);
      if (seconds === undefined) report([...path, key], `'${child}' is not a duration: write e.g. 30s, 10m or 1h30m`);
      else if (seconds === 0)
        report([...path, key], `a duration of zero has no effect here: use at least ${shortest[key] ?? '1s'}`);
    } else if (key !== 'params') {
      visitDurations(child, [...path, key], report);
    }
  }
}
