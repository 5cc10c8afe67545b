/** The percentage check shared by the kinds that take percentages. */
import type { Report } from '../manifest/rules/rule.js';
import { parsePercent } from '../manifest/units.js';

export function checkPercent(
  raw: string | number,
  path: (string | number)[],
  report: Report,
  limits: { min: number; exclusiveMin?: boolean },
): number | undefined {
  const percent = parsePercent(raw);
  if (typeof raw === 'number' && raw > 0 && raw < 1) {
    // A fraction written where a percentage goes is almost always meant as one.
    report(
      path,
      `${raw} is read as ${raw}%: did you mean ${Number((raw * 100).toPrecision(4))}%? Write percentages with %, e.g. ${Number((raw * 100).toPrecision(4))}% (or ${raw}% if you meant that)`,
    );
    return undefined;
  }
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
