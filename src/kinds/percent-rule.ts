/** The percentage check shared by the kinds that take percentages. */
import type { Report } from '../manifest/rules/rule.js';
import { parsePercent } from '../manifest/units.js';

export function checkPercent(raw: string | number, path: (string | number)[], report: Report,
  limits: { min: number; exclusiveMin?: boolean }): number | undefined {
  const percent = parsePercent(raw);
  if (percent === undefined) {
    report(path, `'${raw}' is not a percentage: write e.g. 20%`);
    return undefined;
  }
  if (percent > 100) report(path, `${percent}% is over 100%`);
  else if (percent < limits.min || (limits.exclusiveMin && percent === limits.min)) {
    report(path, `${percent}% must be ${limits.exclusiveMin ? 'above' : 'at least'} ${limits.min}%`);
  } else return percent;
  return undefined;
}
