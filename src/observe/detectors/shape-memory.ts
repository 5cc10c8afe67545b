/**
 * Shapes a series has drawn, and how far a new one is from them. The series is cut into pieces of
 * `piece` points; the means of the last `length` pieces, scaled by the caller's level and unit, form
 * a shape; its distance from the past is the mean distance to its `k` nearest among the last
 * `memory` shapes. Cost: O(memory · length) once per piece, so O(memory · length / piece) per
 * point; memory O(memory · length).
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
    for (let j = 0; j < length; j++) this.shape[j] = (this.means[(this.pieces + j) % length]! - level) / unit;
    const distance = this.stored >= k ? this.distanceToNearest() : undefined;
    this.shapes.set(this.shape, this.next * length);
    this.next = (this.next + 1) % memory;
    this.stored = Math.min(this.stored + 1, memory);
    return distance;
  }

  private distanceToNearest(): number {
    const { length, k } = this.options;
    const nearest = this.nearest.fill(Infinity);
    for (let s = 0; s < this.stored; s++) {
      let d = 0;
      for (let j = 0, base = s * length; j < length && d < nearest[k - 1]!; j++) {
        const diff = this.shapes[base + j]! - this.shape[j]!;
        d += diff * diff;
      }
      if (d >= nearest[k - 1]!) continue;
      let j = k - 1;
      for (; j > 0 && nearest[j - 1]! > d; j--) nearest[j] = nearest[j - 1]!;
      nearest[j] = d;
    }
    let sum = 0;
    for (let j = 0; j < k; j++) sum += Math.sqrt(nearest[j]!);
    return sum / k;
  }
}
