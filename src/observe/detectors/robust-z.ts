/**
 * Baseline: windowed robust z-score. The distance of a point from the median of the last W points,
 * in units of their robust spread (IQR / 1.349), mapped to [0, 1) by z / (z + 3).
 * Parameters: W = 400 points. Cost per point: O(log W) plus a W-element memmove; memory O(W).
 */
import type { DetectorKind, StreamingDetector } from './detector.js';
import { robustScale } from './robust-scale.js';
import { SortedWindow } from './sorted-window.js';

export function robustZ(window = 400): StreamingDetector {
  const recent = new SortedWindow(window);
  return {
    update(_timestamp, value) {
      let score = 0;
      if (recent.length >= 20) {
        const { median, spread } = robustScale(recent);
        const z = Math.abs(value - median) / spread;
        score = z / (z + 3);
      }
      recent.push(value);
      return score;
    },
  };
}

export const robustZKind: DetectorKind = {
  name: 'robust-z',
  description: 'Windowed robust z-score: |x − median| / (IQR/1.349) over the last 400 points; O(log W) per point.',
  create: () => robustZ(),
};
