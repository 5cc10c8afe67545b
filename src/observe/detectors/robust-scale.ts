/** The robust level and spread of a window: median, and IQR/1.349 with a floor so a flat window does not make every wiggle huge. */
import type { SortedWindow } from './sorted-window.js';

export function robustScale(window: SortedWindow): { median: number; spread: number } {
  const spread = Math.max(
    (window.quantile(0.75) - window.quantile(0.25)) / 1.349,
    0.02 * (window.quantile(0.99) - window.quantile(0.01)),
    1e-9,
  );
  return { median: window.quantile(0.5), spread };
}
