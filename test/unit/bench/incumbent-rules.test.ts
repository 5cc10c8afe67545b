/** The incumbents' decision rules replayed on a recorded error stream: when each would roll back. */
import { incumbentRules, rollbackTime, type ErrorStream } from '../../../bench/incumbent-rules.js';

/** One sample a second for 30 minutes: 0.1% errors, then 8% from `onset`. */
const regression = (onset: number): ErrorStream =>
  Array.from({ length: 1800 }, (_, t) => [t + 1, t + 1 >= onset ? 0.08 : 0.001] as const);

const [flagger, argoDefaults, argoExample] = incumbentRules;

describe('the incumbents at their defaults', () => {
  it('Flagger rolls back at the first check whose minute averages above 1% errors', () => {
    // Onset at 100 s: the check at 120 s sees 21 s of 8% in its minute: 2.9% on average.
    expect(rollbackTime(flagger!, regression(100))).toBe(120);
    // A check whose minute holds only 5 s of the fault (0.75%) passes; the next one fails.
    expect(rollbackTime(flagger!, regression(176))).toBe(240);
    expect(rollbackTime(flagger!, regression(100), 30)).toBe(150);
  });

  it('Argo Rollouts with failureLimit 3 and 5-minute measurements needs four failures: twenty minutes', () => {
    expect(rollbackTime(argoDefaults!, regression(100))).toBe(120);
    expect(rollbackTime(argoExample!, regression(100))).toBe(1200);
  });

  it('never rolls back a healthy stream, and says so', () => {
    for (const rule of incumbentRules) expect(rollbackTime(rule, regression(10_000))).toBeUndefined();
  });
});
