/**
 * The envelope of what a feature did over its last `span` points: its extreme quantiles (by default
 * the 0.1 % from either end), and how far a new value steps outside them in units of the
 * envelope's width. The window keeps only the highest and lowest value of each block of `block`
 * points, which holds the same extremes at a fraction of the cost. Cost per point: O(1), plus a
 * short scan once per block (see SlidingTop); memory O(span/block).
 */
import { SlidingTop } from './sliding-top.js';

export interface EnvelopeOptions {
  span: number;
  block: number;
  /** The share of points at each end that may lie beyond the envelope. */
  tail: number;
  /** Only stepping above counts (for features where low is good, like a distance). */
  upperOnly: boolean;
  /** The width is never less than this (a scale known in advance; 0 when none is). */
  minWidth: number;
}

const envelopeDefaults: EnvelopeOptions = { span: 5000, block: 8, tail: 0.001, upperOnly: false, minWidth: 0 };

export class Envelope {
  private readonly options: EnvelopeOptions;
  private readonly highs: SlidingTop;
  /** The lows, negated, so that the lowest are the largest. */
  private readonly lows: SlidingTop;
  private blockHigh = -Infinity;
  private blockLow = Infinity;
  private inBlock = 0;
  // The edges and the width change only when a block completes.
  private upperEdge = NaN;
  private lowerEdge = NaN;
  private span = NaN;

  constructor(options: Partial<EnvelopeOptions> = {}) {
    this.options = { ...envelopeDefaults, ...options };
    const blocks = Math.ceil(this.options.span / this.options.block);
    const deepest = Math.max(1, Math.round(this.options.tail * blocks * this.options.block));
    this.highs = new SlidingTop(blocks, deepest);
    this.lows = new SlidingTop(blocks, deepest);
  }

  get upper(): number {
    return this.upperEdge;
  }

  get lower(): number {
    return this.lowerEdge;
  }

  /** The envelope's width, with a floor so a flat series does not make every wiggle huge. */
  get width(): number {
    return this.span;
  }

  /** How far `value` lies outside the envelope, in widths; 0 inside or while empty. */
  excess(value: number): number {
    if (value > this.upperEdge) return (value - this.upperEdge) / this.span;
    if (value < this.lowerEdge && !this.options.upperOnly) return (this.lowerEdge - value) / this.span;
    return 0;
  }

  push(value: number): void {
    if (value > this.blockHigh) this.blockHigh = value;
    if (value < this.blockLow) this.blockLow = value;
    if (++this.inBlock < this.options.block) return;
    this.highs.push(this.blockHigh);
    this.lows.push(-this.blockLow);
    this.blockHigh = -Infinity;
    this.blockLow = Infinity;
    this.inBlock = 0;
    // The edge is the tail share of the points covered, at least the most extreme.
    const { tail, block, minWidth } = this.options;
    const rank = Math.min(this.highs.length, Math.max(1, Math.round(tail * this.highs.length * block)));
    const upper = this.highs.largest(rank);
    const lower = -this.lows.largest(rank);
    this.upperEdge = upper;
    this.lowerEdge = lower;
    this.span = Math.max(upper - lower, 0.01 * (Math.abs(upper) + Math.abs(lower)), minWidth, 1e-9);
  }
}
