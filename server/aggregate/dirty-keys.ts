/**
 * A set of small integer keys (area keys) for dirty tracking on the hot path: a flag array plus the list of
 * keys set, so `add` is two array reads and no hashing, and `take` is O(keys set).
 */
export class DirtyKeys {
  private flags = new Uint8Array(64);
  private list: number[] = [];

  add(key: number): void {
    if (key >= this.flags.length) {
      const next = new Uint8Array(Math.max(key + 1, this.flags.length * 2));
      next.set(this.flags);
      this.flags = next;
    }
    if (this.flags[key] === 0) {
      this.flags[key] = 1;
      this.list.push(key);
    }
  }

  get size(): number {
    return this.list.length;
  }

  /** The keys added since the last take, and clears them. */
  take(): number[] {
    const out = this.list;
    for (const key of out) this.flags[key] = 0;
    this.list = [];
    return out;
  }
}
