/**
 * Learned baselines for anomaly rules (issue #5 item 3), bounded in memory: per (key, measure)
 * - an EWMA of the per-minute value (short-term level), and
 * - an hour-of-week seasonal profile (168 slots) of the hourly value, as EWMA mean and variance per slot.
 * Fed with completed buckets only, on the injected clock; O(keys × measures × 168) floats in all.
 */
export interface BaselineOptions {
  /** Measures (window channels) to learn. */
  measures: readonly number[];
  /** Smoothing of the per-minute EWMA (default 0.05 ≈ a 20-minute memory). */
  minuteAlpha?: number;
  /** Smoothing of each hour-of-week slot (default 0.3: recent weeks weigh most). */
  seasonalAlpha?: number;
  /** Local time offset (ms) so slots follow local hours and weekdays. */
  utcOffsetMs?: number;
}

export interface BaselineReading {
  /** EWMA of the per-minute value, or null before the first minute completed. */
  perMinute: number | null;
  /** Seasonal mean of the hourly value for the slot of `time`, or null before that slot was seen. */
  hourly: number | null;
  /** Seasonal standard deviation of the hourly value (0 with one sample). */
  hourlyStd: number | null;
  /** How many weeks taught the slot. */
  samples: number;
}

export interface BaselineState {
  keys: number;
  measures: number[];
  minute: Float64Array;
  minuteSeen: Uint8Array;
  mean: Float64Array;
  variance: Float64Array;
  count: Uint16Array;
}

const SLOTS = 168;

export class BaselineModel {
  private readonly measureIndex = new Map<number, number>();
  private readonly m: number;
  private minute: Float64Array;
  private minuteSeen: Uint8Array;
  private mean: Float64Array;
  private variance: Float64Array;
  private count: Uint16Array;
  private keys = 0;
  private readonly minuteAlpha: number;
  private readonly seasonalAlpha: number;
  private readonly offset: number;

  constructor(opts: BaselineOptions) {
    opts.measures.forEach((measure, i) => this.measureIndex.set(measure, i));
    this.m = opts.measures.length;
    this.minuteAlpha = opts.minuteAlpha ?? 0.05;
    this.seasonalAlpha = opts.seasonalAlpha ?? 0.3;
    this.offset = opts.utcOffsetMs ?? 8 * 3_600_000;
    this.minute = new Float64Array(0);
    this.minuteSeen = new Uint8Array(0);
    this.mean = new Float64Array(0);
    this.variance = new Float64Array(0);
    this.count = new Uint16Array(0);
    this.ensure(64);
  }

  get measures(): number[] {
    return [...this.measureIndex.keys()];
  }

  /** Hour-of-week slot (0 = Monday 00:00 local) of an epoch-ms time. */
  slotOf(time: number): number {
    const hours = Math.floor((time + this.offset) / 3_600_000);
    // 1970-01-01 was a Thursday: shift so that slot 0 is Monday 00:00.
    return (((hours + 72) % SLOTS) + SLOTS) % SLOTS;
  }

  /** Learns a completed minute's value. */
  observeMinute(key: number, measure: number, value: number): void {
    const mi = this.measureIndex.get(measure);
    if (mi === undefined) return;
    this.ensure(key + 1);
    const i = key * this.m + mi;
    if (this.minuteSeen[i]) this.minute[i] = this.minute[i]! + this.minuteAlpha * (value - this.minute[i]!);
    else {
      this.minute[i] = value;
      this.minuteSeen[i] = 1;
    }
  }

  /** Learns a completed hour's value for the slot of `hourStart`. */
  observeHour(key: number, measure: number, hourStart: number, value: number): void {
    const mi = this.measureIndex.get(measure);
    if (mi === undefined) return;
    this.ensure(key + 1);
    const i = (key * this.m + mi) * SLOTS + this.slotOf(hourStart);
    const n = this.count[i]!;
    if (n === 0) {
      this.mean[i] = value;
      this.variance[i] = 0;
    } else {
      // EWMA mean and variance (West's incremental form).
      const a = this.seasonalAlpha;
      const diff = value - this.mean[i]!;
      const incr = a * diff;
      this.mean[i] = this.mean[i]! + incr;
      this.variance[i] = (1 - a) * (this.variance[i]! + diff * incr);
    }
    if (n < 65535) this.count[i] = n + 1;
  }

  read(key: number, measure: number, time: number): BaselineReading {
    const mi = this.measureIndex.get(measure);
    if (mi === undefined || key >= this.keys) return { perMinute: null, hourly: null, hourlyStd: null, samples: 0 };
    const i = key * this.m + mi;
    const s = i * SLOTS + this.slotOf(time);
    const samples = this.count[s]!;
    return {
      perMinute: this.minuteSeen[i] ? this.minute[i]! : null,
      hourly: samples ? this.mean[s]! : null,
      hourlyStd: samples ? Math.sqrt(this.variance[s]!) : null,
      samples,
    };
  }

  exportState(): BaselineState {
    return {
      keys: this.keys,
      measures: this.measures,
      minute: this.minute.slice(),
      minuteSeen: this.minuteSeen.slice(),
      mean: this.mean.slice(),
      variance: this.variance.slice(),
      count: this.count.slice(),
    };
  }

  /** Throws unless `s` is a state `importState` can restore. */
  checkState(s: BaselineState): void {
    if (s.measures.join() !== this.measures.join()) throw new Error('baseline snapshot has other measures');
  }

  importState(s: BaselineState): void {
    this.checkState(s);
    this.keys = s.keys;
    this.minute = s.minute.slice();
    this.minuteSeen = s.minuteSeen.slice();
    this.mean = s.mean.slice();
    this.variance = s.variance.slice();
    this.count = s.count.slice();
  }

  private ensure(keys: number): void {
    if (keys <= this.keys) return;
    const n = Math.max(keys, this.keys * 2);
    const grow = <T extends Float64Array | Uint8Array | Uint16Array>(old: T, make: (len: number) => T, per: number): T => {
      const next = make(n * per);
      next.set(old);
      return next;
    };
    this.minute = grow(this.minute, (l) => new Float64Array(l), this.m);
    this.minuteSeen = grow(this.minuteSeen, (l) => new Uint8Array(l), this.m);
    this.mean = grow(this.mean, (l) => new Float64Array(l), this.m * SLOTS);
    this.variance = grow(this.variance, (l) => new Float64Array(l), this.m * SLOTS);
    this.count = grow(this.count, (l) => new Uint16Array(l), this.m * SLOTS);
    this.keys = n;
  }
}
