/**
 * Shape nearest neighbours with a conformal score.
 * The last L points, scaled by the recent robust level and spread (median and IQR of a window of
 * W points), form a shape; its nonconformity is the mean distance to its k nearest shapes among the
 * last M seen. The score is the rank of that nonconformity among the last H ones (a conformal
 * p-value turned around): a shape stranger than almost every recent one scores near 1, whatever the
 * series' scale or noise. After an alarm the same event is not reported again for a while.
 * Parameters (one configuration for all series): see `knnDefaults`. Cost per point: O(M·L) for
 * the neighbour search plus O(log W + log H) for the windows; memory O(M·L + W + H).
 */
import type { DetectorKind, StreamingDetector } from './detector.js';
import { OncePerEvent, robustScale } from './robust-scale.js';
import { SortedWindow } from './sorted-window.js';

export interface KnnShapeParams {
  length: number;
  memory: number;
  k: number;
  history: number;
  window: number;
  quietAfterAlarm: number;
  alarmLevel: number;
}

export const knnDefaults: KnnShapeParams = { length: 8, memory: 600, k: 5, history: 1500, window: 500, quietAfterAlarm: 150, alarmLevel: 0.999 };

export function knnShape(params: Partial<KnnShapeParams> = {}): StreamingDetector {
  const p = { ...knnDefaults, ...params };
  const recent = new SortedWindow(p.window);
  const nonconformity = new SortedWindow(p.history);
  const last: number[] = [];
  const shapes = new Float64Array(p.memory * p.length);
  const nearest = new Float64Array(p.k);
  let stored = 0;
  let next = 0;
  const once = new OncePerEvent(p.alarmLevel, p.quietAfterAlarm);

  /** Mean distance from `shape` to its k nearest stored shapes. */
  const strangeness = (shape: Float64Array): number => {
    nearest.fill(Infinity);
    for (let s = 0; s < stored; s++) {
      let d = 0;
      for (let j = 0, base = s * p.length; j < p.length; j++) {
        const diff = shapes[base + j]! - shape[j]!;
        d += diff * diff;
      }
      if (d >= nearest[p.k - 1]!) continue;
      let j = p.k - 1;
      for (; j > 0 && nearest[j - 1]! > d; j--) nearest[j] = nearest[j - 1]!;
      nearest[j] = d;
    }
    let sum = 0;
    for (let j = 0; j < p.k; j++) sum += Math.sqrt(nearest[j]!);
    return sum / p.k;
  };

  return {
    update(_timestamp, x) {
      recent.push(x);
      last.push(x);
      if (last.length > p.length) last.shift();
      if (last.length < p.length || recent.length < 50) return once.filter(0);
      const { median, spread } = robustScale(recent);
      const shape = Float64Array.from(last, (v) => (v - median) / spread);
      let score = 0;
      if (stored >= p.k) {
        const alpha = strangeness(shape);
        if (nonconformity.length > 100) score = nonconformity.rank(alpha) / (nonconformity.length + 1);
        nonconformity.push(alpha);
      }
      shapes.set(shape, next * p.length);
      next = (next + 1) % p.memory;
      stored = Math.min(stored + 1, p.memory);
      return once.filter(score);
    },
  };
}

export const knnShapeKind: DetectorKind = {
  name: 'knn-shape',
  description: 'Scaled shapes of the last 8 points against their 5 nearest among the last 600, ranked conformally; O(M·L) = 4,800 operations per point.',
  create: () => knnShape(),
};
