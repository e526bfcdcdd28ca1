/**
 * Duplicate filter by event id over a bounded horizon: the last `capacity` to `2 × capacity` ids.
 * Two generations of sets; when the young one fills, the old one is dropped. Memory never grows past
 * 2 × capacity ids, whatever the input rate.
 */
export class Dedup {
  private young = new Set<string>();
  private old = new Set<string>();

  constructor(private readonly capacity = 500_000) {}

  /** True when `id` was seen within the horizon; otherwise remembers it and returns false. */
  seen(id: string): boolean {
    if (this.young.has(id) || this.old.has(id)) return true;
    if (this.young.size >= this.capacity) {
      this.old = this.young;
      this.young = new Set();
    }
    this.young.add(id);
    return false;
  }

  /** Forgets `id` (an event that was accepted by dedup but then refused later in the pipeline). */
  forget(id: string): void {
    this.young.delete(id);
    this.old.delete(id);
  }

  get size(): number {
    return this.young.size + this.old.size;
  }
}
