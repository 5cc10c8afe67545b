/** Mean of the last n values, kept in O(1) per point. */
export class RunningMean {
  private readonly ring: Float64Array;
  private count = 0;
  private head = 0;
  private sum = 0;

  constructor(private readonly capacity: number) {
    this.ring = new Float64Array(capacity);
  }

  push(x: number): void {
    if (this.count === this.capacity) this.sum -= this.ring[this.head]!;
    else this.count++;
    this.ring[this.head] = x;
    this.head = (this.head + 1) % this.capacity;
    this.sum += x;
  }

  get mean(): number {
    return this.count ? this.sum / this.count : 0;
  }
}
