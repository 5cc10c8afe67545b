/**
 * The last `capacity` values of a series, kept both in arrival order (to evict the oldest) and
 * sorted (for medians and quantiles). Insert and evict cost O(log n) to find plus a short memmove.
 */
export class SortedWindow {
  private readonly ring: Float64Array;
  private readonly sorted: Float64Array;
  private size = 0;
  private head = 0;

  constructor(readonly capacity: number) {
    this.ring = new Float64Array(capacity);
    this.sorted = new Float64Array(capacity);
  }

  get length(): number {
    return this.size;
  }

  push(value: number): void {
    if (this.size === this.capacity) {
      this.remove(this.ring[this.head]!);
      this.ring[this.head] = value;
      this.head = (this.head + 1) % this.capacity;
    } else {
      this.ring[(this.head + this.size) % this.capacity] = value;
    }
    this.insert(value);
  }

  /** The q-quantile (0..1) by linear interpolation; NaN when empty. */
  quantile(q: number): number {
    if (this.size === 0) return NaN;
    const position = (this.size - 1) * q;
    const low = Math.floor(position);
    const high = Math.min(low + 1, this.size - 1);
    return this.sorted[low]! + (this.sorted[high]! - this.sorted[low]!) * (position - low);
  }

  /** The value at sorted position `index` (0 is the smallest). */
  at(index: number): number {
    return this.sorted[index]!;
  }

  /** How many values in the window are below `value`. */
  rank(value: number): number {
    return this.lowerBound(value);
  }

  private insert(value: number): void {
    const at = this.lowerBound(value);
    // A loop beats copyWithin's call for the few places a small window moves.
    if (this.size - at < 16) for (let i = this.size; i > at; i--) this.sorted[i] = this.sorted[i - 1]!;
    else this.sorted.copyWithin(at + 1, at, this.size);
    this.sorted[at] = value;
    this.size++;
  }

  private remove(value: number): void {
    const at = this.lowerBound(value);
    if (this.size - at < 16) for (let i = at + 1; i < this.size; i++) this.sorted[i - 1] = this.sorted[i]!;
    else this.sorted.copyWithin(at, at + 1, this.size);
    this.size--;
  }

  private lowerBound(value: number): number {
    let low = 0;
    let high = this.size;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.sorted[mid]! < value) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}
