/**
 * Shapes a series has drawn, and how far a new one is from them. The series is cut into pieces of
 * `piece` points; the means of the last `length` pieces, scaled by the caller's level and unit, form
 * a shape; its distance from the past is the mean distance to its `k` nearest among the last
 * `memory` shapes. The shapes are also kept in order of their sums: the squared distance of two
 * shapes is at least (difference of sums)² / length (Cauchy-Schwarz), so the search walks outwards
 * from the new shape's sum and stops as soon as no farther shape can be nearer.
 * Cost: O(memory) in the worst case once per piece, usually far less; memory O(memory · length).
 */
export interface ShapeMemoryOptions {
  piece: number;
  length: number;
  memory: number;
  k: number;
}

export class ShapeMemory {
  private readonly options: ShapeMemoryOptions;
  private readonly means: Float64Array;
  private readonly shapes: Float64Array;
  private readonly shape: Float64Array;
  private readonly sums: Float64Array;
  /** The remembered shapes' slots, by sum. */
  private readonly order: Int32Array;
  private readonly nearest: Float64Array;
  private pieces = 0;
  private stored = 0;
  private next = 0;
  private sum = 0;
  private inPiece = 0;

  constructor(options: Partial<ShapeMemoryOptions> = {}) {
    this.options = { piece: 8, length: 8, memory: 300, k: 5, ...options };
    this.means = new Float64Array(this.options.length);
    this.shapes = new Float64Array(this.options.memory * this.options.length);
    this.shape = new Float64Array(this.options.length);
    this.sums = new Float64Array(this.options.memory);
    this.order = new Int32Array(this.options.memory);
    this.nearest = new Float64Array(this.options.k);
  }

  /**
   * Adds a point. When it completes a piece and a whole shape, returns that shape's distance from
   * the remembered ones (undefined otherwise, and while fewer than k shapes are remembered).
   */
  push(value: number, level: number, unit: number): number | undefined {
    const { piece, length, memory, k } = this.options;
    this.sum += value;
    if (++this.inPiece < piece) return undefined;
    this.means[this.pieces % length] = this.sum / piece;
    this.pieces++;
    this.sum = 0;
    this.inPiece = 0;
    if (this.pieces < length) return undefined;
    let sum = 0;
    for (let j = 0; j < length; j++) sum += this.shape[j] = (this.means[(this.pieces + j) % length]! - level) / unit;
    const distance = this.stored >= k ? this.distanceToNearest(sum) : undefined;
    if (this.stored === memory) this.forget(this.next);
    this.shapes.set(this.shape, this.next * length);
    this.sums[this.next] = sum;
    this.remember(this.next);
    this.next = (this.next + 1) % memory;
    return distance;
  }

  private distanceToNearest(sum: number): number {
    const { length, k } = this.options;
    const { shapes, shape, sums, order, stored } = this;
    const nearest = this.nearest.fill(Infinity);
    let worst = Infinity;
    let right = this.position(sum);
    let left = right - 1;
    while (left >= 0 || right < stored) {
      const leftGap = left >= 0 ? sum - sums[order[left]!]! : Infinity;
      const rightGap = right < stored ? sums[order[right]!]! - sum : Infinity;
      const gap = leftGap < rightGap ? leftGap : rightGap;
      if ((gap * gap) / length >= worst) break;
      const base = (leftGap <= rightGap ? order[left--]! : order[right++]!) * length;
      let d = 0;
      for (let j = 0; j < length; j++) {
        const diff = shapes[base + j]! - shape[j]!;
        d += diff * diff;
      }
      if (d >= worst) continue;
      let j = k - 1;
      for (; j > 0 && nearest[j - 1]! > d; j--) nearest[j] = nearest[j - 1]!;
      nearest[j] = d;
      worst = nearest[k - 1]!;
    }
    let total = 0;
    for (let j = 0; j < k; j++) total += Math.sqrt(nearest[j]!);
    return total / k;
  }

  /** The first place in `order` whose sum is not below `sum`. */
  private position(sum: number): number {
    let low = 0;
    let high = this.stored;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.sums[this.order[mid]!]! < sum) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  private remember(slot: number): void {
    const at = this.position(this.sums[slot]!);
    this.order.copyWithin(at + 1, at, this.stored);
    this.order[at] = slot;
    this.stored++;
  }

  private forget(slot: number): void {
    let at = this.position(this.sums[slot]!);
    while (this.order[at] !== slot) at++;
    this.order.copyWithin(at, at + 1, this.stored);
    this.stored--;
  }
}
