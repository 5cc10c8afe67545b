/**
 * What each slot of the day (a quarter hour by default) has seen: the range of a feature at that
 * time of day over its last `perSlot` values. A daily peak that fails to come, or comes at night,
 * steps outside its slot's range while staying inside the series' overall envelope.
 * Cost per point: O(log perSlot); memory O(slots · perSlot).
 */
import { SortedWindow } from './sorted-window.js';

export interface TimeOfDayOptions {
  slotMinutes: number;
  perSlot: number;
  /** Values a slot needs before its range is trusted. */
  minimum: number;
}

const dayMs = 86_400_000;

export class TimeOfDayRange {
  private readonly options: TimeOfDayOptions;
  private readonly slots: SortedWindow[];

  constructor(options: Partial<TimeOfDayOptions> = {}) {
    this.options = { slotMinutes: 15, perSlot: 60, minimum: 24, ...options };
    this.slots = Array.from(
      { length: Math.ceil(1440 / this.options.slotMinutes) },
      () => new SortedWindow(this.options.perSlot),
    );
  }

  /** How far `value` lies outside its slot's range, in units of `width`; 0 until the slot is trusted. */
  excess(timestamp: number, value: number, width: number): number {
    const slot = this.slotAt(timestamp);
    if (slot.length < this.options.minimum) return 0;
    return Math.max(value - slot.at(slot.length - 1), slot.at(0) - value, 0) / width;
  }

  push(timestamp: number, value: number): void {
    this.slotAt(timestamp).push(value);
  }

  private slotAt(timestamp: number): SortedWindow {
    const timeOfDay = ((timestamp % dayMs) + dayMs) % dayMs;
    return this.slots[Math.floor(timeOfDay / (this.options.slotMinutes * 60_000))]!;
  }
}
