/**
 * What each slot of the day (a quarter hour by default) has seen: the range of a feature at that
 * time of day over its last `perSlot` values. A daily peak that fails to come, or comes at night,
 * steps outside its slot's range while staying inside the series' overall envelope.
 * Cost per point: O(1), and O(perSlot) when a slot's extreme leaves it; memory O(slots · perSlot).
 */
export interface TimeOfDayOptions {
  slotMinutes: number;
  perSlot: number;
  /** Values a slot needs before its range is trusted. */
  minimum: number;
}

const dayMs = 86_400_000;

export class TimeOfDayRange {
  private readonly options: TimeOfDayOptions;
  /** Each slot's last `perSlot` values, in a ring of its own. */
  private readonly values: Float64Array;
  private readonly counts: Int32Array;
  private readonly heads: Int32Array;
  private readonly lows: Float64Array;
  private readonly highs: Float64Array;

  constructor(options: Partial<TimeOfDayOptions> = {}) {
    this.options = { slotMinutes: 15, perSlot: 60, minimum: 24, ...options };
    const slots = Math.ceil(1440 / this.options.slotMinutes);
    this.values = new Float64Array(slots * this.options.perSlot);
    this.counts = new Int32Array(slots);
    this.heads = new Int32Array(slots);
    this.lows = new Float64Array(slots).fill(Infinity);
    this.highs = new Float64Array(slots).fill(-Infinity);
  }

  /** How far `value` lies outside its slot's range, in units of `width`; 0 until the slot is trusted. */
  excess(timestamp: number, value: number, width: number): number {
    const slot = this.slotAt(timestamp);
    if (this.counts[slot]! < this.options.minimum) return 0;
    return Math.max(value - this.highs[slot]!, this.lows[slot]! - value, 0) / width;
  }

  push(timestamp: number, value: number): void {
    const slot = this.slotAt(timestamp);
    const { perSlot } = this.options;
    const at = slot * perSlot + this.heads[slot]!;
    const full = this.counts[slot] === perSlot;
    const leaving = this.values[at]!;
    this.values[at] = value;
    this.heads[slot] = (this.heads[slot]! + 1) % perSlot;
    if (!full) this.counts[slot]!++;
    if (full && (leaving === this.lows[slot] || leaving === this.highs[slot])) this.rescan(slot);
    else {
      if (value < this.lows[slot]!) this.lows[slot] = value;
      if (value > this.highs[slot]!) this.highs[slot] = value;
    }
  }

  private rescan(slot: number): void {
    let low = Infinity;
    let high = -Infinity;
    for (let i = slot * this.options.perSlot, end = i + this.options.perSlot; i < end; i++) {
      low = Math.min(low, this.values[i]!);
      high = Math.max(high, this.values[i]!);
    }
    this.lows[slot] = low;
    this.highs[slot] = high;
  }

  private slotAt(timestamp: number): number {
    // Not `timestamp % dayMs`: a floating-point remainder is a slow library call.
    const timeOfDay = timestamp - Math.floor(timestamp / dayMs) * dayMs;
    return Math.floor(timeOfDay / (this.options.slotMinutes * 60_000));
  }
}
