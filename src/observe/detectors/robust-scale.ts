/** The robust level and spread of a window: median, and IQR/1.349 with a floor so a flat window does not make every wiggle huge. */
import type { SortedWindow } from './sorted-window.js';

export function robustScale(window: SortedWindow): { median: number; spread: number } {
  const spread = Math.max((window.quantile(0.75) - window.quantile(0.25)) / 1.349, 0.02 * (window.quantile(0.99) - window.quantile(0.01)), 1e-9);
  return { median: window.quantile(0.5), spread };
}

/** After an alarm, the same event is not reported again for a while: one anomaly, one alarm. */
export class OncePerEvent {
  private seen = 0;
  private quietUntil = -1;

  constructor(private readonly alarmLevel: number, private readonly quietPoints: number) {}

  filter(score: number): number {
    this.seen++;
    if (this.seen <= this.quietUntil) return score * 0.5;
    if (score >= this.alarmLevel) this.quietUntil = this.seen + this.quietPoints;
    return score;
  }
}
