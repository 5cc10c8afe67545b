/** A DeliveryLog in process memory, bounded: the oldest keys are forgotten first. */
import type { DeliveryLog } from '../app/ports.js';

export class MemoryDeliveryLog implements DeliveryLog {
  private readonly seen = new Set<string>();

  constructor(private readonly capacity = 50_000) {}

  async handled(key: string): Promise<boolean> {
    return this.seen.has(key);
  }

  async markHandled(key: string): Promise<void> {
    this.seen.add(key);
    if (this.seen.size > this.capacity) this.seen.delete(this.seen.values().next().value!);
  }
}
