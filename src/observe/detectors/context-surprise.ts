/**
 * ZeroOps' contextual detector.
 * 1. Surprise of each point in three contexts, as robust z-scores against the recent past (median
 *    and IQR of a sliding window): its level, its change from the previous point, and the mean of
 *    the last few points (catches level shifts and drifts that single points hide).
 * 2. Self-calibration: the short-term average surprise is scored against the series' own history
 *    of surprise — 0 at its 90th percentile, 1 at twice the distance to the largest surprise seen —
 *    so one global threshold fits quiet and jumpy series alike.
 * 3. Once per event: after a strong alarm the same event is not reported again for a while, so
 *    one anomaly costs at most one false positive.
 * One configuration for all series (`defaults`). Cost per point: four sorted windows (O(log W)
 * search plus a memmove each) and O(1) running means; memory O(W + history).
 */
import type { DetectorKind, StreamingDetector } from './detector.js';
import { RunningMean } from './running-stats.js';
import { OncePerEvent, robustScale } from './robust-scale.js';
import { SortedWindow } from './sorted-window.js';

export interface ContextSurpriseParams {
  window: number;
  shortMean: number;
  smoothing: number;
  history: number;
  warmup: number;
  quietAfterAlarm: number;
  alarmLevel: number;
}

export const defaults: ContextSurpriseParams = {
  window: 500, shortMean: 6, smoothing: 4, history: 3000, warmup: 60, quietAfterAlarm: 300, alarmLevel: 0.3,
};

function robustZ(window: SortedWindow, x: number): number {
  if (window.length < 10) return 0;
  const { median, spread } = robustScale(window);
  return Math.abs(x - median) / spread;
}

export function contextSurprise(params: Partial<ContextSurpriseParams> = {}): StreamingDetector {
  const p = { ...defaults, ...params };
  const levels = new SortedWindow(p.window);
  const changes = new SortedWindow(p.window);
  const means = new SortedWindow(p.window);
  const pastSurprise = new SortedWindow(p.history);
  const recent = new RunningMean(p.shortMean);
  const smoothed = new RunningMean(p.smoothing);
  let previous: number | undefined;
  let seen = 0;
  const once = new OncePerEvent(p.alarmLevel, p.quietAfterAlarm);
  return {
    update(_timestamp, x) {
      const change = previous === undefined ? 0 : x - previous;
      recent.push(x);
      const shortMean = recent.mean;
      smoothed.push(Math.log1p(Math.max(robustZ(levels, x), robustZ(changes, change), robustZ(means, shortMean) * 1.5)));
      const surprise = smoothed.mean;
      let score = 0;
      if (seen >= p.warmup) {
        const typical = pastSurprise.quantile(0.9);
        const largest = pastSurprise.quantile(1);
        score = Math.max(0, Math.min(1, (surprise - typical) / Math.max(2 * (largest - typical), 1e-9)));
      }
      pastSurprise.push(surprise);
      levels.push(x);
      changes.push(change);
      means.push(shortMean);
      previous = x;
      seen++;
      return once.filter(score);
    },
  };
}

export const contextSurpriseKind: DetectorKind = {
  name: 'context-surprise',
  description: 'Robust surprise of level, change and short mean, calibrated against the series\' own history of surprise, reported once per event; O(log W) per point.',
  create: () => contextSurprise(),
};
