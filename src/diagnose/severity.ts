/**
 * How bad: errors by the burn rate of the error budget over two windows (the whole degraded span and
 * its last twelfth, as multi-window burn-rate alerting does), resources by the time left to their
 * limit. The worst of the causes' severities wins. Pure.
 */
import type { Cause, Severity } from './cause.js';
import type { Facts } from './facts.js';
import { median, valuesOf } from './stats.js';
import { aggregate, ofRole } from './signals.js';
import { formatDuration, formatPercent } from './words.js';

const order: Severity[] = ['sev1', 'sev2', 'sev3', 'sev4'];
export const worse = (a: Severity, b: Severity) => (order.indexOf(a) <= order.indexOf(b) ? a : b);
export const escalated = (s: Severity): Severity => order[Math.max(0, order.indexOf(s) - 1)]!;

export function severityOf(causes: readonly Cause[], facts: Facts): { severity: Severity; why: string } {
  const judged = causes.map((cause) => judge(cause, facts));
  if (judged.length === 0) return { severity: 'sev4', why: 'nothing is wrong' };
  return judged.reduce((a, b) => (worse(a.severity, b.severity) === a.severity ? a : b));
}

function judge(cause: Cause, facts: Facts): { severity: Severity; why: string } {
  if (cause.class === 'monitoring-gap')
    return { severity: 'sev4', why: 'a monitoring gap: nothing is known to be wrong with the service' };
  const burn = burnRates(facts);
  if (burn) {
    const { long, short, ratio } = burn;
    const why = `errors at ${formatPercent(ratio)} burn the ${formatPercent(facts.signals.slo)} objective's budget ${long.toFixed(1)}× (last twelfth ${short.toFixed(1)}×)`;
    if (long >= 14.4 && short >= 14.4) return { severity: ratio >= 0.2 ? 'sev1' : 'sev2', why };
    if (long >= 6 && short >= 6) return { severity: 'sev3', why };
  }
  const left = cause.rate?.secondsToLimit;
  if (left !== undefined) {
    const why = `the memory limit is ~${formatDuration(left)} away at this rate`;
    return { severity: left < 3600 ? 'sev2' : left < 6 * 3600 ? 'sev3' : 'sev4', why };
  }
  if (cause.class === 'goroutine-leak' || cause.class === 'memory-leak')
    return { severity: 'sev3', why: 'a leak with no known limit: it will get worse until instances restart' };
  if (burn) return { severity: 'sev4', why: `errors burn the budget ${burn.long.toFixed(1)}×: slowly` };
  return { severity: 'sev3', why: 'latency degraded: users wait longer' };
}

function burnRates(facts: Facts): { long: number; short: number; ratio: number } | undefined {
  const errors = facts.degradations.find((d) => d.role === 'errors');
  const shift = errors?.service ?? errors?.byDc[0]?.shift ?? errors?.byInstance[0]?.shift;
  if (!shift) return undefined;
  const budget = Math.max(1 - facts.signals.slo, 1e-6);
  const points = aggregate(ofRole(facts.signals, 'errors'))?.points ?? [];
  const tail = valuesOf(points.slice(Math.floor(points.length * (11 / 12))));
  const short = tail.length ? median(tail) : shift.after;
  return { long: shift.after / budget, short: short / budget, ratio: shift.after };
}
