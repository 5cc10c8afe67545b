/**
 * ZeroOps' detector (the registry's `defaultDetector`): the surprise of each point (see
 * surprise.ts), judged against how much the series has shown, and reported once per event.
 * - Warm-up: the extremes of n points fall short of those of `span` points by about ln n / ln span
 *   (an exponential tail), so a young envelope is too narrow; its surprise is discounted by that
 *   ratio until `span` points are known. No file length or probation period is needed.
 * - One alarm per event: an alarm's echo over the next 200 points is not reported unless it grows
 *   1.5 times stronger (see echo.ts), so a later, stronger anomaly is never hidden by a weak one.
 * The score is s / (1 + s). One configuration for every series; `sentinelVariants` is the small
 * declared set the benchmark's leave-one-category-out procedure chooses among, and the defaults
 * are the one of them whose own held-out figure is best (`npm run bench:nab -- --variants`).
 * Cost per point: that of the surprise, plus O(1).
 */
import type { DetectorKind, DetectorVariant, StreamingDetector, ValueRange } from './detector.js';
import { EchoFilter } from './echo.js';
import { Surprise, surpriseDefaults, type SurpriseParams } from './surprise.js';

export interface SentinelParams extends SurpriseParams {
  /** A score that opens an echo window (below the alarm level: a near-alarm's echo is muted too). */
  echoLevel: number;
  /** How many times stronger than the last alarm a score must be to be reported in its window. */
  escalation: number;
  quietPoints: number;
  warmUp: boolean;
}

export const sentinelDefaults: SentinelParams = {
  ...surpriseDefaults,
  echoLevel: 0.04,
  escalation: 1.5,
  quietPoints: 200,
  warmUp: true,
};

/**
 * The score at or above which the product treats a point as an anomaly: the standard profile's
 * threshold that `npm run bench:nab` chooses on the whole development split (it prints it).
 */
export const sentinelAlarmLevel = 0.0875;

export function sentinel(params: Partial<SentinelParams> = {}, range?: ValueRange): StreamingDetector {
  const p = { ...sentinelDefaults, ...params };
  const surprise = new Surprise(p, range);
  const echo = new EchoFilter(p.echoLevel, p.escalation, p.quietPoints);
  const lnSpan = Math.log(p.span);
  return {
    update(timestamp, value) {
      // A missing sample (NaN from a gap in the data) says nothing: it is neither scored nor learned.
      if (!Number.isFinite(value)) return 0;
      let s = surprise.next(timestamp, value);
      if (p.warmUp && surprise.seen < p.span) s *= Math.log(Math.max(surprise.seen, 2)) / lnSpan;
      return echo.filter(s / (1 + s));
    },
  };
}

const grid = [true, false].flatMap((warmUp) =>
  [1.5, 2].flatMap((escalation) => [0.25, 0.5].map((rangeUnit) => ({ warmUp, escalation, rangeUnit }))),
);

/** The declared alternatives to the defaults (the range unit matters only when a range is given). */
export const sentinelVariants: DetectorVariant[] = grid
  .filter((v) => Object.entries(v).some(([key, value]) => sentinelDefaults[key as keyof typeof v] !== value))
  .map((v) => ({
    name: `${v.warmUp ? 'warm-up' : 'no warm-up'} ×${v.escalation} range/${1 / v.rangeUnit}`,
    create: (range) => sentinel(v, range),
  }));

export const sentinelKind: DetectorKind = {
  name: 'sentinel',
  description:
    'How far value, level, drift, step and shape step outside what the series did over its last 5,000 points ' +
    'and at this time of day, discounted while the history is short; one alarm per event unless it escalates. ' +
    'O(1) per point plus a short scan per 8-point block.',
  create: (range) => sentinel({}, range),
  alarmLevel: sentinelAlarmLevel,
  variants: sentinelVariants,
};
