/**
 * The k-th largest of the last `capacity` values, for k up to `keep`, without keeping them sorted.
 * A value that `keep` later values equal or exceed can never again be among the `keep` largest of a
 * window that holds it (they leave after it), so it is dropped. What remains is short on most series
 * (about keep · ln(capacity / keep) values on noise), so a push costs a short scan instead of
 * moving a sorted window; a steadily falling series keeps every value, the worst case, O(capacity).
 */
export class SlidingTop {
  private readonly values: Float64Array;
  private readonly arrivals: Int32Array;
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
    this.arrivals = new Int32Array(capacity);
    this.beaten = new Uint16Array(capacity);
    this.top = new Float64Array(keep);
  }

  /** How many values the window covers (not how many are kept). */
  get length(): number {
    return Math.min(this.pushed, this.capacity);
  }

  push(value: number): void {
    const { values, arrivals, beaten, top, keep } = this;
    const oldest = this.pushed - this.capacity + 1;
    const last = keep - 1;
    for (let j = 0; j < keep; j++) top[j] = -Infinity;
    let kept = 0;
    for (let i = 0; i < this.size; i++) {
      const v = values[i]!;
      const times = beaten[i]! + (value >= v ? 1 : 0);
      if (times >= keep || arrivals[i]! < oldest) continue;
      values[kept] = v;
      arrivals[kept] = arrivals[i]!;
      beaten[kept++] = times;
      if (v <= top[last]!) continue;
      let j = last;
      for (; j > 0 && top[j - 1]! < v; j--) top[j] = top[j - 1]!;
      top[j] = v;
    }
    values[kept] = value;
    arrivals[kept] = this.pushed++;
    beaten[kept] = 0;
    this.size = kept + 1;
    if (value <= top[last]!) return;
    let j = last;
    for (; j > 0 && top[j - 1]! < value; j--) top[j] = top[j - 1]!;
    top[j] = value;
  }

  /** The k-th largest value in the window (1 is the largest), for 1 <= k <= min(keep, length). */
  largest(k: number): number {
    return this.top[k - 1]!;
  }
}
