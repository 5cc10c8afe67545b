/**
 * The previous detector, kept for comparison: the surprise of each point (see surprise.ts) as
 * s / (1 + s), and after an alarm (0.08) silence for 200 points so one event raises one alarm.
 * A weak alarm silences a strong anomaly right after it, so a threshold above the alarm level
 * loses events; `sentinel` replaces the silence with echo suppression.
 * Cost per point: that of the surprise.
 */
import type { DetectorKind, StreamingDetector, ValueRange } from './detector.js';
import { OncePerEvent } from './once-per-event.js';
import { Surprise, type SurpriseParams } from './surprise.js';

export interface NoveltyParams extends SurpriseParams {
  alarmLevel: number;
  quietAfterAlarm: number;
}

export const noveltyDefaults: Omit<NoveltyParams, keyof SurpriseParams> = { alarmLevel: 0.08, quietAfterAlarm: 200 };

export function novelty(params: Partial<NoveltyParams> = {}, range?: ValueRange): StreamingDetector {
  const p = { ...noveltyDefaults, ...params };
  const surprise = new Surprise(p, range);
  const once = new OncePerEvent(p.alarmLevel, p.quietAfterAlarm);
  return {
    update(timestamp, value) {
      // A missing sample (NaN from a gap in the data) says nothing: it is neither scored nor learned.
      if (!Number.isFinite(value)) return 0;
      const s = surprise.next(timestamp, value);
      return once.filter(s / (1 + s));
    },
  };
}

export const noveltyKind: DetectorKind = {
  name: 'novelty',
  description:
    'The previous detector: the surprise of value, level, drift, step, shape and time of day (see sentinel), ' +
    'then 200 points of silence after any alarm; O(1) per point plus a short scan per 8-point block.',
  create: (range) => novelty({}, range),
  alarmLevel: noveltyDefaults.alarmLevel,
};
