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
 */
export class MultiWindow {
  readonly windows: Readonly<Record<WindowName, SlidingWindow>>;
  private readonly list: SlidingWindow[];

  /** `offsetMs`: local-time offset so day buckets start at local midnight (Asia/Shanghai: +8 h). */
  constructor(
    channels: number,
    keys: number,
    private readonly offsetMs = 0,
  ) {
    const make = (name: WindowName) => new SlidingWindow({ ...WINDOWS[name], channels, keys });
    this.windows = { '5m': make('5m'), '1h': make('1h'), '24h': make('24h'), '7d': make('7d') };
    this.list = WINDOW_NAMES.map((n) => this.windows[n]);
  }

  /** Moves all windows to `now`; `onExpire(window, key)` for each key whose counts left a window. */
  advanceTo(now: number, onExpire?: (window: WindowName, key: number) => void): WindowName[] {
    const moved: WindowName[] = [];
    for (const name of WINDOW_NAMES) {
      const cb = onExpire ? (key: number) => onExpire(name, key) : undefined;
      if (this.windows[name].advanceTo(now + this.offsetMs, cb)) moved.push(name);
    }
    return moved;
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

  /** Adds to every window that still holds `time`. Returns whether the 5-min window took it. */
  add(key: number, channel: number, time: number, value = 1): boolean {
    const t = time + this.offsetMs;
    const list = this.list;
    const inFirst = list[0]!.add(key, channel, t, value);
    for (let i = 1; i < list.length; i++) list[i]!.add(key, channel, t, value);
    return inFirst;
  }

  total(window: WindowName, key: number, channel: number): number {
    return this.windows[window].total(key, channel);
  }

  series(window: WindowName, key: number, channel: number): number[] {
    return this.windows[window].series(key, channel);
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
    return this.windows[window].bucketValue(key, channel, bucket);
  }

  /** Start of the oldest bucket of a window, as epoch ms. */
  start(window: WindowName): number {
    return this.windows[window].start - this.offsetMs;
  }
}
