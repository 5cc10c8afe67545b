/**
 * Has this series done that before? Each point is described by features — its value, the median
 * of the last 5 points (a level that ignores lone spikes), the mean of the last 30 (a slow drift),
 * the step from the previous point, and the shape of the last 64 points — and each feature keeps
 * the envelope of what it did over its last 5,000 points. A feature stepping outside its envelope
 * is surprising in proportion to how far, in units of the envelope's width; a level outside what
 * the same quarter hour of the day has seen counts at a quarter of that, so a daily peak that
 * fails to come is noticed. The surprise of a point is the largest of these.
 * Given the series' range in advance (the benchmark's given-range mode only), the value, level and
 * drift envelopes are never narrower than `rangeUnit` of that range, so a level far inside the
 * series' scale stays quiet.
 * Cost per point: O(1) for the features, a short scan once per 8-point block for each envelope,
 * and at most 300 × 8 distances once per 8-point piece for the shape (about 70 × 8 on the NAB split);
 * memory O(span) per feature.
 */
import type { ValueRange } from './detector.js';
import { Envelope } from './envelope.js';
import { RunningMean } from './running-stats.js';
import { ShapeMemory } from './shape-memory.js';
import { SortedWindow } from './sorted-window.js';
import { TimeOfDayRange } from './time-of-day-range.js';

export interface SurpriseParams {
  span: number;
  /** Points learned before any surprise is reported. */
  warmup: number;
  slowMean: number;
  timeOfDayWeight: number;
  /** The least width, as a share of a given range (unused when the range is learned online). */
  rangeUnit: number;
}

export const surpriseDefaults: SurpriseParams = {
  span: 5000,
  warmup: 100,
  slowMean: 30,
  timeOfDayWeight: 0.25,
  rangeUnit: 0.25,
};

const piece = 8;

export class Surprise {
  /** Points seen (missing samples excluded). */
  seen = 0;
  private readonly p: SurpriseParams;
  private readonly last5 = new SortedWindow(5);
  private readonly slow: RunningMean;
  private readonly value: Envelope;
  private readonly level: Envelope;
  private readonly drift: Envelope;
  private readonly step: Envelope;
  private readonly shapes = new ShapeMemory({ piece });
  private readonly shapeDistance: Envelope;
  private readonly timeOfDay = new TimeOfDayRange();
  private previous = NaN;

  constructor(params: Partial<SurpriseParams> = {}, range?: ValueRange) {
    const p = (this.p = { ...surpriseDefaults, ...params });
    const minWidth = range ? p.rangeUnit * (range.max - range.min) : 0;
    this.slow = new RunningMean(p.slowMean);
    this.value = new Envelope({ span: p.span, minWidth });
    this.level = new Envelope({ span: p.span, minWidth });
    this.drift = new Envelope({ span: p.span, minWidth });
    this.step = new Envelope({ span: p.span });
    // One distance per piece, so its envelope spans the same stretch of the series as the others.
    this.shapeDistance = new Envelope({ span: p.span / piece, block: 1, upperOnly: true });
  }

  /** The point's surprise, in envelope widths; 0 during the warm-up. Values must be finite. */
  next(timestamp: number, value: number): number {
    this.last5.push(value);
    this.slow.push(value);
    const level = this.last5.quantile(0.5);
    const drift = this.slow.mean;
    const step = Number.isNaN(this.previous) ? 0 : value - this.previous;
    this.previous = value;
    const warm = ++this.seen > this.p.warmup;
    let surprise = warm
      ? Math.max(this.value.excess(value), this.level.excess(level), this.drift.excess(drift), this.step.excess(step))
      : 0;
    this.value.push(value);
    this.level.push(level);
    this.drift.push(drift);
    this.step.push(step);
    const width = this.value.width;
    if (warm) surprise = Math.max(surprise, this.p.timeOfDayWeight * this.timeOfDay.excess(timestamp, level, width));
    this.timeOfDay.push(timestamp, level);
    const distance = this.shapes.push(value, this.value.lower, width);
    if (distance !== undefined) {
      if (warm) surprise = Math.max(surprise, this.shapeDistance.excess(distance));
      this.shapeDistance.push(distance);
    }
    return surprise;
  }
}
