/**
 * What was looked at and found normal, said plainly, so an absent incident is explained too: a
 * collector's sawtooth, a warm-up, a cycle, a level that stepped up once after a deploy.
 */
import { triggerOf, type Facts } from '../facts.js';
import { upwardShift } from '../shift.js';
import { ofRole, perInstance } from '../signals.js';
import { quantile, valuesOf } from '../stats.js';
import { clock } from '../words.js';

export function normalFindings(facts: Facts): string[] {
  const notes = new Set<string>();
  for (const { series, verdict } of facts.calm) {
    const values = valuesOf(series.points);
    const swing = quantile(values, 0.95) / Math.max(quantile(values, 0.05), 1e-9);
    const step = upwardShift(series.points, { minChange: 0, minRatio: 1.1 });
    const who = `${series.where.instance ?? facts.signals.service}: ${series.role}`;
    const changed = facts.signals.changes.find((c) => (c.finishedAt ?? c.startedAt) >= facts.signals.window.start);
    if (step) {
      const change = triggerOf(facts.signals.changes, step.onset, 600);
      notes.add(
        `${who} stepped up once at ${clock(step.onset)}${change ? ` (after ${change.summary})` : ''} and stayed flat: a new level, not a leak`,
      );
    } else if (changed && /warm-up|single step/.test(verdict.reason)) {
      notes.add(`${who} stepped up after ${changed.summary} and levelled off: a new level, not a leak`);
    } else if (series.role === 'memory' && swing > 1.2) {
      notes.add(`${who} rises and falls (a collector's sawtooth) while its floor stays flat: not a leak`);
    } else if (/warm-up/.test(verdict.reason)) notes.add(`${who} rose, then levelled off: a warm-up, not a leak`);
    else if (/cycle/.test(verdict.reason)) notes.add(`${who} goes up and comes back down: a cycle, not a leak`);
  }
  const traffic = perInstance(ofRole(facts.signals, 'traffic'));
  if (!facts.traffic && traffic.some((s) => swingOf(s.points) > 1.5))
    notes.add('traffic varies within what it did before in this window (a cycle): nothing new');
  return [...notes].sort();
}

function swingOf(points: [number, number][]): number {
  const values = valuesOf(points);
  return quantile(values, 0.95) / Math.max(quantile(values, 0.05), 1e-9);
}
