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

const envelopeDefaults: EnvelopeOptions = { span: 5000, block: 8, tail: 0.001, upperOnly: false };

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

  /** The edges and the width change only when a block completes. */
  private edges = { upper: NaN, lower: NaN, width: NaN };

  get upper(): number {
    return this.edges.upper;
  }

  get lower(): number {
    return this.edges.lower;
  }

  /** The envelope's width, with a floor so a flat series does not make every wiggle huge. */
  get width(): number {
    return this.edges.width;
  }

  /** How far `value` lies outside the envelope, in widths; 0 inside or while empty. */
  excess(value: number): number {
    if (this.highs.length === 0) return 0;
    const { upper, lower, width } = this.edges;
    return Math.max(value - upper, this.options.upperOnly ? 0 : lower - value, 0) / width;
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
    // The edge is the tail share of the points covered, at least the most extreme.
    const rank = Math.min(
      this.highs.length,
      Math.max(1, Math.round(this.options.tail * this.highs.length * this.options.block)),
    );
    const upper = this.highs.at(this.highs.length - rank);
    const lower = this.lows.at(rank - 1);
    this.edges = { upper, lower, width: Math.max(upper - lower, 0.01 * (Math.abs(upper) + Math.abs(lower)), 1e-9) };
  }
}
