/**
 * Git blobs are content-addressed, so a blob read once is valid forever: cache them by id across
 * events, so a push re-reads only what it changed. Bounded; the least recently used go first.
 */
export class BlobCache {
  private readonly entries = new Map<string, Promise<string>>();

  constructor(private readonly capacity = 20_000) {}

  get(id: string, load: () => Promise<string>): Promise<string> {
    const cached = this.entries.get(id);
    if (cached) {
      this.entries.delete(id);
      this.entries.set(id, cached);
      return cached;
    }
    const loading = load();
    this.entries.set(id, loading);
    loading.catch(() => this.entries.delete(id));
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return loading;
  }
}
