/**
 * ZeroOps' detector: has this series done that before?
 * Each point is described by features — its value, the median of the last 5 points (a level that
 * ignores lone spikes), the mean of the last 30 (a slow drift), the step from the previous point,
 * and the shape of the last 64 points — and each feature keeps the envelope of what it did over
 * its last 5,000 points. A feature stepping outside its envelope is surprising in proportion to how
 * far, in units of the envelope's width; a level outside what the same quarter hour of the day has
 * seen counts at a quarter of that, so a daily peak that fails to come is noticed. The score is the
 * largest surprise s, as s / (1 + s); after an alarm the detector stays silent for 200 points so
 * one event raises one alarm.
 * One configuration for all series (`noveltyDefaults`); it adapts to each series only through its
 * envelopes. Cost per point: O(1) for the features, O(log W) once per 8-point block for each
 * envelope, and 300 × 8 distances once per 8-point piece for the shape; memory O(W) per feature.
 */
import type { DetectorKind, StreamingDetector } from './detector.js';
import { Envelope } from './envelope.js';
import { OncePerEvent } from './once-per-event.js';
import { RunningMean } from './running-stats.js';
import { ShapeMemory } from './shape-memory.js';
import { SortedWindow } from './sorted-window.js';
import { TimeOfDayRange } from './time-of-day-range.js';

export interface NoveltyParams {
  span: number;
  warmup: number;
  slowMean: number;
  timeOfDayWeight: number;
  alarmLevel: number;
  quietAfterAlarm: number;
}

export const noveltyDefaults: NoveltyParams = {
  span: 5000,
  warmup: 100,
  slowMean: 30,
  timeOfDayWeight: 0.25,
  alarmLevel: 0.08,
  quietAfterAlarm: 200,
};

export function novelty(params: Partial<NoveltyParams> = {}): StreamingDetector {
  const p = { ...noveltyDefaults, ...params };
  const last5 = new SortedWindow(5);
  const slow = new RunningMean(p.slowMean);
  const envelopes = {
    value: new Envelope({ span: p.span }),
    level: new Envelope({ span: p.span }),
    drift: new Envelope({ span: p.span }),
    step: new Envelope({ span: p.span }),
  };
  const piece = 8;
  const shapes = new ShapeMemory({ piece });
  // One distance per piece, so its envelope spans the same stretch of the series as the others.
  const shapeDistance = new Envelope({ span: p.span / piece, block: 1, upperOnly: true });
  const timeOfDay = new TimeOfDayRange();
  const once = new OncePerEvent(p.alarmLevel, p.quietAfterAlarm);
  let previous = NaN;
  let seen = 0;

  return {
    update(timestamp, value) {
      // A missing sample (NaN from a gap in the data) says nothing: it is neither scored nor learned.
      if (!Number.isFinite(value)) return 0;
      last5.push(value);
      slow.push(value);
      const features = {
        value,
        level: last5.quantile(0.5),
        drift: slow.mean,
        step: Number.isNaN(previous) ? 0 : value - previous,
      };
      previous = value;
      const warm = ++seen > p.warmup;
      let surprise = 0;
      for (const name of ['value', 'level', 'drift', 'step'] as const) {
        if (warm) surprise = Math.max(surprise, envelopes[name].excess(features[name]));
        envelopes[name].push(features[name]);
      }
      const width = envelopes.value.width;
      if (warm) surprise = Math.max(surprise, p.timeOfDayWeight * timeOfDay.excess(timestamp, features.level, width));
      timeOfDay.push(timestamp, features.level);
      const distance = shapes.push(value, envelopes.value.lower, width);
      if (distance !== undefined) {
        if (warm) surprise = Math.max(surprise, shapeDistance.excess(distance));
        shapeDistance.push(distance);
      }
      return once.filter(surprise / (1 + surprise));
    },
  };
}

export const noveltyKind: DetectorKind = {
  name: 'novelty',
  description:
    'How far value, level, drift, step and shape step outside what the series did over its last 5,000 points and at this time of day; O(1) per point plus a short sorted-window update per 8-point block.',
  create: () => novelty(),
};
