export interface SlidingWindowState {
  bucketMs: number;
  bucketCount: number;
  channels: number;
  keyCapacity: number;
  counts: Float64Array;
  totals: Float64Array;
  slotBucket: Float64Array;
  headBucket: number;
}

/**
 * Keyed sliding-window counters over event time: `bucketCount` buckets of `bucketMs` each, for `channels`
 * numbered counters per key (e.g. one per feed). Memory is O(keys × buckets × channels), never O(events).
 *
 * All keys share the bucket ring, so rotating the window is one pass over the expiring slot: O(keys) per
 * bucket width (every 10 s for a 5-min window), O(1) amortised per event.
 */
export class SlidingWindow {
  readonly bucketMs: number;
  readonly bucketCount: number;
  readonly channels: number;
  private keyCapacity: number;
  /** counts[(slot * keyCapacity + key) * channels + channel] */
  private counts: Float64Array;
  /** Running totals over the live buckets: totals[key * channels + channel]. */
  private totals: Float64Array;
  /** Absolute bucket number held by each slot (-1 = empty). */
  private readonly slotBucket: Float64Array;
  /** Newest absolute bucket the window covers. */
  private headBucket = -Infinity;

  constructor(opts: { bucketMs: number; bucketCount: number; channels: number; keys?: number }) {
    this.bucketMs = opts.bucketMs;
    this.bucketCount = opts.bucketCount;
    this.channels = opts.channels;
    this.keyCapacity = Math.max(1, opts.keys ?? 64);
    this.counts = new Float64Array(this.bucketCount * this.keyCapacity * this.channels);
    this.totals = new Float64Array(this.keyCapacity * this.channels);
    this.slotBucket = new Float64Array(this.bucketCount).fill(-1);
  }

  /** Window span in ms. */
  get spanMs(): number {
    return this.bucketMs * this.bucketCount;
  }

  /** Start (inclusive, epoch ms) of the oldest bucket still in the window. */
  get start(): number {
    return (this.headBucket - this.bucketCount + 1) * this.bucketMs;
  }

  /**
   * Moves the window so that its newest bucket contains `now`. Calls `onExpire(key)` for every key whose
   * counts left the window (so callers can mark it dirty). Returns whether the window moved.
   */
  advanceTo(now: number, onExpire?: (key: number) => void): boolean {
    const bucket = Math.floor(now / this.bucketMs);
    if (bucket <= this.headBucket) return false;
    const steps = Math.min(bucket - this.headBucket, this.bucketCount);
    for (let i = 0; i < steps; i++) {
      const b = bucket - i;
      this.clearSlot(b % this.bucketCount, onExpire);
      this.slotBucket[b % this.bucketCount] = b;
    }
    this.headBucket = bucket;
    return true;
  }

  /**
   * Adds `value` for (key, channel) at event time `time`. Returns false (and counts nothing) when the time
   * is older than the window or newer than its head: the caller decides what late or early means.
   */
  add(key: number, channel: number, time: number, value = 1): boolean {
    const bucket = Math.floor(time / this.bucketMs);
    if (bucket > this.headBucket || bucket <= this.headBucket - this.bucketCount) return false;
    if (key >= this.keyCapacity) this.grow(key + 1);
    const slot = bucket % this.bucketCount;
    const ch = this.channels;
    this.counts[(slot * this.keyCapacity + key) * ch + channel]! += value;
    this.totals[key * ch + channel]! += value;
    return true;
  }

  /**
   * The slot that holds event time `time`, or -1 when the time is outside the window. With `addToSlot`, lets
   * a caller that adds several values at one time compute the bucket once.
   */
  slotFor(time: number): number {
    const bucket = Math.floor(time / this.bucketMs);
    if (bucket > this.headBucket || bucket <= this.headBucket - this.bucketCount) return -1;
    return bucket % this.bucketCount;
  }

  /** Adds to a slot returned by `slotFor` (which must not be -1). */
  addToSlot(slot: number, key: number, channel: number, value: number): void {
    if (key >= this.keyCapacity) this.grow(key + 1);
    const ch = this.channels;
    this.counts[(slot * this.keyCapacity + key) * ch + channel]! += value;
    this.totals[key * ch + channel]! += value;
  }

  /**
   * Adds `value` to `channel` of every key in `keys` at a slot returned by `slotFor` (an event's lineage:
   * one call instead of one per key).
   */
  addToSlotKeys(slot: number, keys: Int32Array, channel: number, value: number): void {
    const ch = this.channels;
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k]!;
      if (key >= this.keyCapacity) this.grow(key + 1);
      this.counts[(slot * this.keyCapacity + key) * ch + channel]! += value;
      this.totals[key * ch + channel]! += value;
    }
  }

  /** Sum over the whole window for (key, channel). */
  total(key: number, channel: number): number {
    if (key >= this.keyCapacity) return 0;
    return this.totals[key * this.channels + channel]!;
  }

  /** Per-bucket values for (key, channel), oldest first (length = bucketCount). */
  series(key: number, channel: number): number[] {
    const out = new Array<number>(this.bucketCount).fill(0);
    if (key >= this.keyCapacity) return out;
    const first = this.headBucket - this.bucketCount + 1;
    for (let i = 0; i < this.bucketCount; i++) {
      const b = first + i;
      const slot = ((b % this.bucketCount) + this.bucketCount) % this.bucketCount;
      if (this.slotBucket[slot] !== b) continue;
      out[i] = this.counts[(slot * this.keyCapacity + key) * this.channels + channel]!;
    }
    return out;
  }

  /** The value of (key, channel) in absolute bucket `bucket`, or 0 when that bucket is not in the window. */
  bucketValue(key: number, channel: number, bucket: number): number {
    if (key >= this.keyCapacity) return 0;
    const slot = ((bucket % this.bucketCount) + this.bucketCount) % this.bucketCount;
    if (this.slotBucket[slot] !== bucket) return 0;
    return this.counts[(slot * this.keyCapacity + key) * this.channels + channel]!;
  }

  /** Absolute number of the newest bucket. */
  get head(): number {
    return this.headBucket;
  }

  /** The window's state, for a snapshot (arrays are copies). */
  exportState(): SlidingWindowState {
    return {
      bucketMs: this.bucketMs,
      bucketCount: this.bucketCount,
      channels: this.channels,
      keyCapacity: this.keyCapacity,
      counts: this.counts.slice(),
      totals: this.totals.slice(),
      slotBucket: this.slotBucket.slice(),
      headBucket: this.headBucket,
    };
  }

  /** Throws unless `s` is a state `importState` can restore into this window. */
  checkState(s: SlidingWindowState): void {
    if (s.bucketMs !== this.bucketMs || s.bucketCount !== this.bucketCount || s.channels !== this.channels) {
      throw new Error(`window snapshot shape ${s.bucketMs}×${s.bucketCount}×${s.channels} does not match this window`);
    }
    if (s.counts.length !== s.bucketCount * s.keyCapacity * s.channels || s.totals.length !== s.keyCapacity * s.channels) {
      throw new Error('window snapshot is malformed');
    }
  }

  /** Restores a state from `exportState` of a window with the same shape. */
  importState(s: SlidingWindowState): void {
    this.checkState(s);
    this.keyCapacity = s.keyCapacity;
    this.counts = s.counts.slice();
    this.totals = s.totals.slice();
    this.slotBucket.set(s.slotBucket);
    this.headBucket = s.headBucket;
  }

  private clearSlot(slot: number, onExpire?: (key: number) => void): void {
    const ch = this.channels;
    const base = slot * this.keyCapacity * ch;
    for (let key = 0; key < this.keyCapacity; key++) {
      let expired = false;
      for (let c = 0; c < ch; c++) {
        const i = base + key * ch + c;
        const v = this.counts[i]!;
        if (v !== 0) {
          this.totals[key * ch + c]! -= v;
          this.counts[i] = 0;
          expired = true;
        }
      }
      if (expired) onExpire?.(key);
    }
  }

  private grow(minKeys: number): void {
    const cap = Math.max(minKeys, this.keyCapacity * 2);
    const ch = this.channels;
    const counts = new Float64Array(this.bucketCount * cap * ch);
    for (let slot = 0; slot < this.bucketCount; slot++) {
      counts.set(
        this.counts.subarray(slot * this.keyCapacity * ch, (slot + 1) * this.keyCapacity * ch),
        slot * cap * ch,
      );
    }
    const totals = new Float64Array(cap * ch);
    totals.set(this.totals);
    this.counts = counts;
    this.totals = totals;
    this.keyCapacity = cap;
  }
}
