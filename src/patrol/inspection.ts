/**
 * Does an inspection fire, and on which causes? A `leak` inspection fires on a leak of its metric's
 * resource; an `anomaly` inspection on a cause its metric shows (errors or latency that stepped up
 * for good), or on the streaming detector's alarm at a level the window has not seen before; a
 * `threshold` inspection when its metric is above `max` now. The diagnosis explains; the inspection
 * decides whether to raise it. Pure.
 */
import type { Cause, Diagnosis } from '../diagnose/cause.js';
import { aggregate, type Role, type SignalSet } from '../diagnose/signals.js';
import { combine, quantile, valuesOf } from '../diagnose/stats.js';
import type { Service } from '../manifest/model.js';
import { defaultDetector } from '../observe/detectors/registry.js';

export type Inspection = NonNullable<Service['spec']['inspections']>[number];

export type Verdict =
  { kind: 'quiet'; why: string } | { kind: 'gap'; cause: Cause } | { kind: 'fires'; causes: Cause[]; why: string };

export function judgeInspection(
  inspection: Inspection,
  role: Role | undefined,
  limit: number | undefined,
  diagnosis: Diagnosis,
  signals: SignalSet,
): Verdict {
  const gap = diagnosis.causes.find((c) => c.class === 'monitoring-gap');
  if (gap) return { kind: 'gap', cause: gap };
  const mine = diagnosis.causes.filter((c) => c.symptom === role);
  const points = serviceSeries(signals, role);
  switch (inspection.detect) {
    case 'leak': {
      const leaks = mine.filter((c) => c.class === 'goroutine-leak' || c.class === 'memory-leak');
      return leaks.length ? { kind: 'fires', causes: leaks, why: `${inspection.metric} leaks` } : quiet(inspection);
    }
    case 'anomaly': {
      if (mine.length) return { kind: 'fires', causes: mine, why: `${inspection.metric} changed for the worse` };
      return detectorAlarm(points)
        ? {
            kind: 'fires',
            causes: [unexplained(inspection, signals, 'is at a level it has not had in this window')],
            why: `${inspection.metric} is unlike its own past`,
          }
        : quiet(inspection);
    }
    case 'threshold': {
      const now = points.at(-1)?.[1];
      if (limit === undefined || now === undefined || !(now > limit)) return quiet(inspection);
      const why = `${inspection.metric} is ${Number(now.toPrecision(3))}, above its limit ${limit}`;
      return { kind: 'fires', causes: mine.length ? mine : [unexplained(inspection, signals, why)], why };
    }
  }
}

const quiet = (inspection: Inspection): Verdict => ({ kind: 'quiet', why: `${inspection.name}: nothing found` });

/** The service's series of a role: its aggregate, or the mean over its instances. */
function serviceSeries(signals: SignalSet, role: Role | undefined): [number, number][] {
  const series = signals.series.filter((s) => s.role === role);
  return aggregate(series)?.points ?? combine(series.map((s) => s.points));
}

/** The detector alarms in the last quarter, at a level above what the rest of the window reached. */
function detectorAlarm(points: [number, number][]): boolean {
  if (points.length < 40) return false;
  const detector = defaultDetector.create();
  const recent = Math.floor(points.length * 0.75);
  const earlierHigh = quantile(valuesOf(points.slice(0, recent)), 0.99);
  let alarm = false;
  points.forEach(([t, v], i) => {
    const score = detector.update(t * 1000, v);
    if (i >= recent && score >= (defaultDetector.alarmLevel ?? 0.5) && v > earlierHigh) alarm = true;
  });
  return alarm;
}

function unexplained(inspection: Inspection, signals: SignalSet, what: string): Cause {
  return {
    class: 'unexplained',
    title: `${signals.service}: ${inspection.metric} ${what}`,
    confidence: 0.3,
    where: {},
    evidence: [{ text: `${inspection.metric} ${what}` }],
    ruledOut: [],
    remediations: [],
  };
}
