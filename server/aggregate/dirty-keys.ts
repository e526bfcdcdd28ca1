/**
 * A set of small integer keys (area keys) for dirty tracking on the hot path: a flag array plus the list of
 * keys set, so `add` is two array reads and no hashing, and `take` is O(keys set).
 */
export class DirtyKeys {
  private flags = new Uint8Array(64);
  private list: number[] = [];
  /** Areas (by their own key, the last of their lineage) whose whole lineage was added since the last take. */
  private whole = new Uint8Array(64);
  private wholeList: number[] = [];

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

  /**
   * Adds every key of a lineage (an area and its ancestors). Lineages are interned per area by the registry,
   * so once one was added whole, adding it again before the next take is a single flag read.
   */
  addLineage(lineage: Int32Array): void {
    const last = lineage[lineage.length - 1]!;
    if (last < this.whole.length && this.whole[last] === 1) return;
    if (last >= this.whole.length) {
      const next = new Uint8Array(Math.max(last + 1, this.whole.length * 2));
      next.set(this.whole);
      this.whole = next;
    }
    this.whole[last] = 1;
    this.wholeList.push(last);
    for (let i = 0; i < lineage.length; i++) this.add(lineage[i]!);
  }

  get size(): number {
    return this.list.length;
  }

  /** The keys added since the last take, and clears them. */
  take(): number[] {
    const out = this.list;
    for (const key of out) this.flags[key] = 0;
    this.list = [];
    for (const key of this.wholeList) this.whole[key] = 0;
    this.wholeList = [];
    return out;
  }
}
