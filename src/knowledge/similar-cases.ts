/**
 * The case library's search: the finished cases most like a task (same service and kind; the same
 * template and version first) and what they say together — a gate that keeps being breached, a
 * kind that failed before and why. Pure.
 */
import type { CaseRecord } from './case-record.js';

export interface CaseQuery {
  kind: string;
  service: string;
  template?: string;
  version?: string;
  /** The run (pull request) being planned, never its own precedent. */
  pullNumber?: number;
}

export interface Lesson {
  /** `breach`: a gate metric that ended earlier runs; `failure`: a reason a run of the kind failed. */
  kind: 'breach' | 'failure';
  metric?: string;
  reason?: string;
  cases: CaseRecord[];
}

const finished = (c: CaseRecord) => c.finishedAt !== undefined;

/** Finished cases of the same service and kind, the most alike and newest first. */
export function similarCases(query: CaseQuery, records: readonly CaseRecord[], limit = 5): CaseRecord[] {
  const score = (c: CaseRecord) => (c.template === query.template ? 2 : 0) + (c.version === query.version ? 1 : 0);
  return records
    .filter((c) => finished(c) && c.kind === query.kind && c.service === query.service)
    .filter((c) => query.pullNumber === undefined || c.pullNumber !== query.pullNumber)
    .sort((a, b) => score(b) - score(a) || b.finishedAt!.localeCompare(a.finishedAt!))
    .slice(0, limit);
}

/**
 * What the similar cases teach: each metric whose breach ended two or more of them, and each
 * distinct reason a run of the kind failed without a breach (a missing index, a script's error).
 */
export function lessonsFrom(cases: readonly CaseRecord[]): Lesson[] {
  const ended = cases.filter((c) => c.status === 'rolled_back' || c.status === 'failed');
  const byMetric = new Map<string, CaseRecord[]>();
  for (const c of ended)
    for (const metric of new Set(c.breaches.map((b) => b.metric)))
      byMetric.set(metric, [...(byMetric.get(metric) ?? []), c]);
  const breaches: Lesson[] = [...byMetric]
    .filter(([, hit]) => hit.length >= 2)
    .map(([metric, hit]) => ({ kind: 'breach', metric, cases: hit }));
  const byReason = new Map<string, CaseRecord[]>();
  for (const c of ended.filter((e) => e.breaches.length === 0 && e.reason))
    byReason.set(c.reason!, [...(byReason.get(c.reason!) ?? []), c]);
  const failures: Lesson[] = [...byReason].map(([reason, hit]) => ({ kind: 'failure', reason, cases: hit }));
  return [...breaches, ...failures];
}
