import { SlidingWindow } from './sliding-window';

/** The four standard windows of every measure (issue #5): span and bucket. */
export const WINDOWS = {
  // bucket width 10 s: 5-min window = 30 buckets
  '5m': { bucketMs: 10_000, bucketCount: 30 },
  // 1 min buckets: 1-h window = 60 buckets
  '1h': { bucketMs: 60_000, bucketCount: 60 },
  // 1 h buckets: 24-h window = 24 buckets
  '24h': { bucketMs: 3_600_000, bucketCount: 24 },
  // 1 d buckets (UTC days shifted to local midnight by `offsetMs`): 7-d window = 7 buckets
  '7d': { bucketMs: 86_400_000, bucketCount: 7 },
} as const;
export type WindowName = keyof typeof WINDOWS;
export const WINDOW_NAMES = Object.keys(WINDOWS) as WindowName[];

/**
 * The same keyed measures over the four windows at once. Each add is O(windows); memory is
 * O(keys × Σ buckets × channels) — about 121 buckets per key and channel.
 *
 * Roll-up adds (`addLineageAt`: an event counted for an area and all its ancestors) are staged per area
 * while they land in the same slots, and rolled up into every window and ancestor when anything reads or
 * the slots change: an event costs one add instead of windows × lineage adds. Every read flushes first,
 * so what is read is always exact.
 */
export class MultiWindow {
  private readonly byName: Readonly<Record<WindowName, SlidingWindow>>;
  private readonly list: SlidingWindow[];
  private readonly channels: number;
  /** staged[areaKey * channels + channel], for the areas in `stagedAreas`, at `stagedSlots`. */
  private staged: Float64Array;
  private readonly stagedSlots = new Int32Array(WINDOW_NAMES.length);
  private readonly stagedAreas: number[] = [];
  private stagedFlags: Uint8Array;
  private readonly stagedLineage: Int32Array[] = [];

  /** `offsetMs`: local-time offset so day buckets start at local midnight (Asia/Shanghai: +8 h). */
  constructor(
    channels: number,
    keys: number,
    private readonly offsetMs = 0,
  ) {
    const make = (name: WindowName) => new SlidingWindow({ ...WINDOWS[name], channels, keys });
    this.byName = { '5m': make('5m'), '1h': make('1h'), '24h': make('24h'), '7d': make('7d') };
    this.list = WINDOW_NAMES.map((n) => this.byName[n]);
    this.channels = channels;
    this.staged = new Float64Array(Math.max(1, keys) * channels);
    this.stagedFlags = new Uint8Array(Math.max(1, keys));
  }

  /** The four windows, with every staged add rolled up. */
  get windows(): Readonly<Record<WindowName, SlidingWindow>> {
    this.flush();
    return this.byName;
  }

  /** Moves all windows to `now`; `onExpire(window, key)` for each key whose counts left a window. */
  advanceTo(now: number, onExpire?: (window: WindowName, key: number) => void): WindowName[] {
    this.flush();
    const moved: WindowName[] = [];
    for (const name of WINDOW_NAMES) {
      const cb = onExpire ? (key: number) => onExpire(name, key) : undefined;
      if (this.byName[name].advanceTo(now + this.offsetMs, cb)) moved.push(name);
    }
    return moved;
  }

  /**
   * Adds `value` to `channel` for an area and all its ancestors (`lineage`, the area's own key last) at the
   * slots from `slotsFor`. Staged: see the class comment.
   */
  addLineageAt(slots: Int32Array, lineage: Int32Array, channel: number, value = 1): void {
    const s = this.stagedSlots;
    if (this.stagedAreas.length === 0) s.set(slots);
    else if (s[0] !== slots[0] || s[1] !== slots[1] || s[2] !== slots[2] || s[3] !== slots[3]) {
      this.flush();
      s.set(slots);
    }
    const area = lineage[lineage.length - 1]!;
    if (area >= this.stagedFlags.length) this.growStage(area + 1);
    if (this.stagedFlags[area] === 0) {
      this.stagedFlags[area] = 1;
      this.stagedAreas.push(area);
      this.stagedLineage[area] = lineage;
    }
    this.staged[area * this.channels + channel]! += value;
  }

  /** Rolls every staged add up into the windows. */
  flush(): void {
    const areas = this.stagedAreas;
    if (areas.length === 0) return;
    const ch = this.channels;
    const staged = this.staged;
    for (let a = 0; a < areas.length; a++) {
      const area = areas[a]!;
      const lineage = this.stagedLineage[area]!;
      for (let c = 0; c < ch; c++) {
        const v = staged[area * ch + c]!;
        if (v === 0) continue;
        staged[area * ch + c] = 0;
        this.addKeysAt(this.stagedSlots, lineage, c, v);
      }
      this.stagedFlags[area] = 0;
    }
    areas.length = 0;
  }

  /**
   * The slot of `time` in each window (-1 where the window does not hold it), for `addAt`. An event that adds
   * to many (key, channel) pairs computes its buckets once.
   */
  slotsFor(time: number, out: Int32Array = new Int32Array(4)): Int32Array {
    const t = time + this.offsetMs;
    const list = this.list;
    for (let i = 0; i < list.length; i++) out[i] = list[i]!.slotFor(t);
    return out;
  }

  /** Adds `value` at the slots from `slotsFor`. Returns whether the 5-min window took it. */
  addAt(slots: Int32Array, key: number, channel: number, value = 1): boolean {
    const list = this.list;
    for (let i = 0; i < list.length; i++) {
      const slot = slots[i]!;
      if (slot >= 0) list[i]!.addToSlot(slot, key, channel, value);
    }
    return slots[0]! >= 0;
  }

  /** Adds `value` to `channel` of every key of `keys` at the slots from `slotsFor`. */
  addKeysAt(slots: Int32Array, keys: Int32Array, channel: number, value = 1): void {
    const list = this.list;
    for (let i = 0; i < list.length; i++) {
      const slot = slots[i]!;
      if (slot >= 0) list[i]!.addToSlotKeys(slot, keys, channel, value);
    }
  }

  /** Adds to every window that still holds `time`. Returns whether the 5-min window took it. */
  add(key: number, channel: number, time: number, value = 1): boolean {
    // Not staged: no flush needed, adds commute.
    const t = time + this.offsetMs;
    const list = this.list;
    const inFirst = list[0]!.add(key, channel, t, value);
    for (let i = 1; i < list.length; i++) list[i]!.add(key, channel, t, value);
    return inFirst;
  }

  total(window: WindowName, key: number, channel: number): number {
    this.flush();
    return this.byName[window].total(key, channel);
  }

  series(window: WindowName, key: number, channel: number): number[] {
    this.flush();
    return this.byName[window].series(key, channel);
  }

  /** The absolute bucket of `time` in a window (buckets are counted in local time). */
  bucketOf(window: WindowName, time: number): number {
    return Math.floor((time + this.offsetMs) / WINDOWS[window].bucketMs);
  }

  /** Start (epoch ms) of an absolute bucket of a window. */
  bucketStart(window: WindowName, bucket: number): number {
    return bucket * WINDOWS[window].bucketMs - this.offsetMs;
  }

  bucketValue(window: WindowName, key: number, channel: number, bucket: number): number {
    this.flush();
    return this.byName[window].bucketValue(key, channel, bucket);
  }

  /** Start of the oldest bucket of a window, as epoch ms. */
  start(window: WindowName): number {
    return this.byName[window].start - this.offsetMs;
  }

  private growStage(keys: number): void {
    const n = Math.max(keys, this.stagedFlags.length * 2);
    const staged = new Float64Array(n * this.channels);
    staged.set(this.staged);
    this.staged = staged;
    const flags = new Uint8Array(n);
    flags.set(this.stagedFlags);
    this.stagedFlags = flags;
  }
}
