/**
 * The envelope of what a feature did over its last `span` points: its extreme quantiles (by default
 * the 0.1 % from either end), and how far a new value steps outside them in units of the
 * envelope's width. The window keeps only the highest and lowest value of each block of `block`
 * points, which holds the same extremes at a fraction of the cost. Cost per point: O(1), plus
 * O(log(span/block)) and a short memmove once per block; memory O(span/block).
 */
import { SortedWindow } from './sorted-window.js';

export interface EnvelopeOptions {
  span: number;
  block: number;
  /** The share of points at each end that may lie beyond the envelope. */
  tail: number;
  /** Only stepping above counts (for features where low is good, like a distance). */
  upperOnly: boolean;
}

const envelopeDefaults: EnvelopeOptions = { span: 5000, block: 4, tail: 0.001, upperOnly: false };

export class Envelope {
  private readonly options: EnvelopeOptions;
  private readonly highs: SortedWindow;
  private readonly lows: SortedWindow;
  private blockHigh = -Infinity;
  private blockLow = Infinity;
  private inBlock = 0;

  constructor(options: Partial<EnvelopeOptions> = {}) {
    this.options = { ...envelopeDefaults, ...options };
    const blocks = Math.ceil(this.options.span / this.options.block);
    this.highs = new SortedWindow(blocks);
    this.lows = new SortedWindow(blocks);
  }

  /** Points the envelope covers so far (whole blocks). */
  get covered(): number {
    return this.highs.length * this.options.block;
  }

  get upper(): number {
    return this.highs.at(this.highs.length - this.rank());
  }

  get lower(): number {
    return this.lows.at(this.rank() - 1);
  }

  /** The envelope's width, with a floor so a flat series does not make every wiggle huge. */
  get width(): number {
    const { upper, lower } = this;
    return Math.max(upper - lower, 0.01 * (Math.abs(upper) + Math.abs(lower)), 1e-9);
  }

  /** How far `value` lies outside the envelope, in widths; 0 inside or while empty. */
  excess(value: number): number {
    if (this.highs.length === 0) return 0;
    const above = value - this.upper;
    const below = this.options.upperOnly ? 0 : this.lower - value;
    return Math.max(above, below, 0) / this.width;
  }

  push(value: number): void {
    if (value > this.blockHigh) this.blockHigh = value;
    if (value < this.blockLow) this.blockLow = value;
    if (++this.inBlock < this.options.block) return;
    this.highs.push(this.blockHigh);
    this.lows.push(this.blockLow);
    this.blockHigh = -Infinity;
    this.blockLow = Infinity;
    this.inBlock = 0;
  }

  /** Which extreme counts as the envelope's edge: the tail share of the points covered, at least the most extreme. */
  private rank(): number {
    return Math.min(this.highs.length, Math.max(1, Math.round(this.options.tail * this.covered)));
  }
}
