/**
 * The k-th largest of the last `capacity` values, for k up to `keep`, without keeping them sorted.
 * A value that `keep` later values equal or exceed can never again be among the `keep` largest of a
 * window that holds it (they leave after it), so it is dropped. What remains is short on most series
 * (about keep · ln(capacity / keep) values on noise), so a push costs a short scan instead of
 * moving a sorted window; a steadily falling series keeps every value, the worst case, O(capacity).
 */
export class SlidingTop {
  private readonly values: Float64Array;
  private readonly arrivals: Float64Array;
  private readonly beaten: Uint16Array;
  /** The `keep` largest values in the window, largest first, as of the last push. */
  private readonly top: Float64Array;
  private size = 0;
  private pushed = 0;

  constructor(
    readonly capacity: number,
    readonly keep: number,
  ) {
    this.values = new Float64Array(capacity);
    this.arrivals = new Float64Array(capacity);
    this.beaten = new Uint16Array(capacity);
    this.top = new Float64Array(keep);
  }

  /** How many values the window covers (not how many are kept). */
  get length(): number {
    return Math.min(this.pushed, this.capacity);
  }

  push(value: number): void {
    const oldest = this.pushed - this.capacity + 1;
    const top = this.top.fill(-Infinity);
    const last = this.keep - 1;
    let kept = 0;
    for (let i = 0; i <= this.size; i++) {
      // The new value is appended as the last candidate and ranked with the others.
      const v = i < this.size ? this.values[i]! : value;
      if (i < this.size) {
        if (this.arrivals[i]! < oldest) continue;
        const beaten = this.beaten[i]! + (value >= v ? 1 : 0);
        if (beaten >= this.keep) continue;
        this.values[kept] = v;
        this.arrivals[kept] = this.arrivals[i]!;
        this.beaten[kept++] = beaten;
      }
      if (v <= top[last]!) continue;
      let j = last;
      for (; j > 0 && top[j - 1]! < v; j--) top[j] = top[j - 1]!;
      top[j] = v;
    }
    this.values[kept] = value;
    this.arrivals[kept] = this.pushed++;
    this.beaten[kept] = 0;
    this.size = kept + 1;
  }

  /** The k-th largest value in the window (1 is the largest), for 1 <= k <= min(keep, length). */
  largest(k: number): number {
    return this.top[k - 1]!;
  }
}
