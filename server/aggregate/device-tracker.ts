import { DEVICE_TYPES, type DeviceStatus, type DeviceType, type DeviceView } from '../../protocol';
import { DirtyKeys } from './dirty-keys';
import { MinHeap } from './min-heap';
import { DEVICE_TYPE_INDEX } from './measures';
import { compareMetric, type MetricWatch } from './metric-watch';

/** Default heartbeat timeouts per type (ms): a device silent for longer is offline (DESIGN §3.2). */
export const DEFAULT_HEARTBEAT_TIMEOUT_MS: Readonly<Record<DeviceType, number>> = {
  access: 15 * 60_000,
  parking: 15 * 60_000,
  water: 30 * 60_000,
  power: 30 * 60_000,
  bin: 30 * 60_000,
  smoke: 60 * 60_000,
  wearable: 15 * 60_000,
  camera: 5 * 60_000,
};

export type DeviceCounts = { total: number; online: number; offline: number; fault: number };

/**
 * Live gauges per area, from each device's latest metrics: parking spaces occupied, bins by fill class
 * (<25 %, <50 %, <75 %, <90 %, ≥90 %), smoke detectors alarming, wearables with SOS raised.
 */
export const GAUGE = { occupied: 0, bin0: 1, smoke: 6, sos: 7 } as const;
const GAUGE_COUNT = 8;
const BIN_LIMITS = [0.25, 0.5, 0.75, 0.9];

/**
 * A device as read from the tracker: a copy made by `get` / `ofType` / `within` (the tracker itself keeps
 * devices in typed arrays). Holding one does not keep it current.
 */
export interface DeviceRecord {
  /** Dense index of the device in the tracker (first seen = 0). */
  readonly index: number;
  readonly id: string;
  readonly type: DeviceType;
  readonly grid: string;
  readonly lon: number;
  readonly lat: number;
  /** Event time of the newest event seen (late events never move it back). */
  readonly lastSeen: number;
  /** Event time of the oldest event seen. */
  readonly firstSeen: number;
  readonly fault: boolean;
  readonly status: DeviceStatus;
  /** Latest telemetry metrics (the validated event's own object, never mutated). */
  readonly metrics: Readonly<Record<string, number>>;
  /** Per metric watch key: event time of the newest telemetry that matched it (absent: none yet). */
  readonly matched: ReadonlyMap<string, number> | undefined;
}

export interface DeviceObservation {
  id: string;
  eventId: string;
  type: DeviceType;
  /** The area the event was located in; its key is the last of `lineage`. */
  grid: string;
  lineage: Int32Array;
  lon: number | undefined;
  lat: number | undefined;
  time: number;
  fault: boolean | undefined;
  metrics: Record<string, number> | undefined;
}

/** Device state of a snapshot (format 2): the packed records, in first-seen order, and the reference columns. */
export interface DeviceTrackerState {
  count: number;
  ids: string[];
  /** `count × RECORD_BYTES` bytes of packed records (see the layout below). */
  records: Uint8Array;
  firstSeen: Float64Array;
  /** 5 entries per device: last event id, position id, fault id, metrics id, metrics. */
  refs: (string | Record<string, number>)[];
  /** Area code of each grid key the records use. */
  gridCodes: [number, string][];
  /** Per watch key, per device: event time of its newest matching telemetry (-Infinity: none). */
  matched: [string, Float64Array][];
}

const STATUSES: readonly DeviceStatus[] = ['online', 'offline', 'fault'];
const ONLINE = 0;
const OFFLINE = 1;
const FAULT = 2;
/** Slots per area in the status table: all types, then each type. */
const TYPE_SLOTS = DEVICE_TYPES.length + 1;
const NONE = -Infinity;
const EMPTY_METRICS: Readonly<Record<string, number>> = Object.freeze({});

/*
 * Storage. The device table is an open-addressing hash table (linear probing, at most half full) whose slots
 * ARE the device records: a 64-byte record (one cache line) in a shared ArrayBuffer, read through a
 * Float64Array (times, position) and, for its last 16 bytes, an Int32Array and a Uint8Array, plus a row of
 * references in a JS array. A lookup hashes the id and lands directly on the record and the row; it compares
 * the stored hash, then the id held in the row. So an event for a known device costs one hash, one record and
 * one row — no Map (a Map<string, …> of 100,000 ids spent most of the device path in bucket chains: `perf`),
 * no index indirection, no allocation — and 100,000 devices are ~30 MB of flat arrays, not ~100,000 heap
 * objects for the GC to trace. Each device also has a dense index (first seen = 0) that stays put when the
 * table grows: the timeout heap, the dirty set, the watch columns and snapshots use it.
 */
const STRIDE = 8; // float64 slots per record
const RECORD_BYTES = STRIDE * 8;
const F_LAST = 0; // lastSeen
const F_POS = 1; // time of the event that set the position
const F_FAULT = 2; // time of the event that set the fault flag
const F_METRICS = 3; // time of the event that set the metrics
const F_LON = 4;
const F_LAT = 5;
const I_HASH = 12; // int32 slots in the record (slot * 16 + n): the id's hash,
const I_GRID = 13; // the grid's area key,
const I_INDEX = 14; // the dense index + 1 (0: empty slot)
const B_TYPE = 60; // byte offsets in the record
const B_STATUS = 61;
const B_FLAGS = 62; // bit 0: fault, bit 1: queued on the timeout heap, bits 2–4: *_LAST
const B_GAUGE = 63; // gauge channel + 1, 0 = none
const FLAG_FAULT = 1;
const FLAG_QUEUED = 2;
/**
 * The position / fault flag / metrics were set by the event that set lastSeen, so their tie-break id is the row's
 * last event id: most events set all the facts they carry at once, and this spares a young event id string
 * being stored three more times (each store into the old row array costs a write barrier and a remembered-set
 * entry until the next scavenge).
 */
const POS_LAST = 4;
const FAULT_LAST = 8;
const METRICS_LAST = 16;
/**
 * The row of a slot: the device id, the ids of the events that set lastSeen, the position, the fault flag
 * and the metrics (ties between equal times are broken by event id), and the metrics object.
 */
const ROW = 6;
const R_ID = 0;
const R_LAST = 1;
const R_POS = 2;
const R_FAULT = 3;
const R_METRICS_ID = 4;
const R_METRICS = 5;

/** FNV-1a over UTF-16 code units, then a multiply-xorshift finish so that the low bits used for slots mix. */
function hashOf(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  return h ^ (h >>> 15);
}

function gaugeOf(type: number, metrics: Readonly<Record<string, number>>): number {
  switch (DEVICE_TYPES[type]) {
    case 'parking':
      return metrics.occupied === 1 ? GAUGE.occupied : -1;
    case 'bin': {
      const fill = metrics.fill;
      if (fill === undefined) return -1;
      let cls = 0;
      while (cls < BIN_LIMITS.length && fill >= BIN_LIMITS[cls]!) cls++;
      return GAUGE.bin0 + cls;
    }
    case 'smoke':
      return metrics.smoke === 1 ? GAUGE.smoke : -1;
    case 'wearable':
      return metrics.sos === 1 ? GAUGE.sos : -1;
    default:
      return -1;
  }
}

/**
 * Device state derived from events: online/offline by heartbeat timeout on the injected clock, fault by
 * report, and the latest metrics. Keeps per-area counts (by status, by type) and gauges up to date on every
 * transition, so reading an area is O(1) and nothing is recounted per tick.
 */
export class DeviceTracker {
  private count = 0;
  /** Devices the dense arrays hold; the table has twice as many slots. */
  private capacity = 0;
  private mask = 0;
  private f64 = new Float64Array(0);
  private i32 = new Int32Array(0);
  private u8 = new Uint8Array(0);
  /** ROW cells per slot (see ROW). */
  private rows: unknown[] = [];
  /** By dense index: the device's slot, and its first-seen time (cold: it moves only for out-of-order events). */
  private slotOf = new Int32Array(0);
  private firstSeen = new Float64Array(0);
  /** Per area key (as seen in observations): its code and lineage. */
  private readonly codeByKey: string[] = [];
  private readonly lineageByKey: Int32Array[] = [];
  private readonly timeoutByType: Float64Array;
  /** statusCounts[(areaKey * TYPE_SLOTS + slot) * 3 + status]; slot 0 = all types. */
  private statusCounts: Int32Array;
  /** gauges[areaKey * GAUGE_COUNT + gauge] */
  private gauges: Int32Array;
  /** Dense indices of devices changed since the last take. */
  private readonly dirtyDevices = new DirtyKeys();
  private readonly dirtyAreas = new DirtyKeys();
  /**
   * Devices that can time out (online or fault), by the time they would, as dense indices: at most one entry per
   * device. An entry that comes due for a device seen since is re-queued at its new deadline, so a sweep costs
   * O(due devices), not O(devices) — a 600× replay or a day of history stays cheap.
   */
  private readonly timeouts = new MinHeap<number>();
  private watches: MetricWatch[] = [];
  /** The type index and match-time column of each watch in `watches`, for the hot path. */
  private watchTypes = new Int32Array(0);
  private watchColumns: Float64Array[] = [];
  /** Per watch key, per dense index: event time of the newest matching telemetry (-Infinity: none yet). */
  private readonly matched = new Map<string, Float64Array>();
  /** Per watch key: the clock time it was first registered; matches before it were not looked for. */
  private readonly watchSince = new Map<string, number>();
  private latest = -Infinity;
  /** The latest `sweep` time: every device due before it has its status settled. */
  private sweptAt = -Infinity;

  constructor(areaCount: number, timeoutOf: Readonly<Record<DeviceType, number>> = DEFAULT_HEARTBEAT_TIMEOUT_MS) {
    const areas = Math.max(1, areaCount);
    this.statusCounts = new Int32Array(areas * TYPE_SLOTS * 3);
    this.gauges = new Int32Array(areas * GAUGE_COUNT);
    this.timeoutByType = Float64Array.from(DEVICE_TYPES, (t) => timeoutOf[t]);
    this.reserve(1024);
  }

  get size(): number {
    return this.count;
  }

  /** A copy of the device's current state, or undefined for an unknown id. */
  get(id: string): DeviceRecord | undefined {
    const s = this.find(id, hashOf(id));
    return s < 0 ? undefined : this.record(s);
  }

  /** The grid (area code) a known device is in, without copying its record. */
  gridOf(id: string): string | undefined {
    const s = this.find(id, hashOf(id));
    return s < 0 ? undefined : this.codeByKey[this.i32[s * 16 + I_GRID]!];
  }

  /**
   * Folds one device event in. Each fact follows the newest event that carries it (ties broken by event id):
   * grid and last seen follow any event, position the newest with lon/lat, fault the newest with a fault
   * flag, metrics the newest telemetry. So the state does not depend on arrival order (DESIGN §9.6).
   * Hot path: one hash, one record, one row; no allocation for a known device.
   */
  observe(o: DeviceObservation, now: number): void {
    if (now > this.latest) this.latest = now;
    const id = o.id;
    const h = hashOf(id);
    const i32 = this.i32;
    const rows = this.rows;
    const mask = this.mask;
    let s = h & mask;
    for (;;) {
      if (i32[s * 16 + I_INDEX] === 0) {
        this.create(o, now, h);
        return;
      }
      if (i32[s * 16 + I_HASH] === h && rows[s * ROW] === id) break;
      s = (s + 1) & mask;
    }
    const f = this.f64;
    const u8 = this.u8;
    const b = s * STRIDE;
    const r = s * ROW;
    const at = s * RECORD_BYTES;
    const time = o.time;
    const eventId = o.eventId;
    const metrics = o.metrics;
    const last = f[b + F_LAST]!;
    if (time < last) {
      // firstSeen ≤ lastSeen: only an event older than the newest can be older than the first.
      const i = i32[s * 16 + I_INDEX]! - 1;
      if (time < this.firstSeen[i]!) this.firstSeen[i] = time;
    }
    if (metrics !== undefined && this.watches.length > 0) this.match(s, metrics, time);
    const lastId = rows[r + R_LAST] as string;
    const newest = time > last || (time === last && eventId > lastId);
    const lon = o.lon;
    const lat = o.lat;
    const hasPos = lon !== undefined && lat !== undefined;
    const fault = o.fault;
    let flags = u8[at + B_FLAGS]!;
    if (newest) {
      // Facts set by the previous newest event point at its id through the *_LAST flags; the ones this event
      // does not carry get that id written out before lastId moves on.
      if (flags & POS_LAST && !hasPos) rows[r + R_POS] = lastId;
      if (flags & FAULT_LAST && fault === undefined) rows[r + R_FAULT] = lastId;
      if (flags & METRICS_LAST && metrics === undefined) rows[r + R_METRICS_ID] = lastId;
      flags &= ~(POS_LAST | FAULT_LAST | METRICS_LAST);
      const lineage = o.lineage;
      const gridKey = lineage[lineage.length - 1]!;
      if (gridKey !== i32[s * 16 + I_GRID]) {
        this.learnArea(gridKey, o.grid, lineage);
        this.bumpStatus(s, -1);
        this.bumpGauge(s, -1);
        i32[s * 16 + I_GRID] = gridKey;
        this.bumpStatus(s, 1);
        this.bumpGauge(s, 1);
        this.dirtyDevices.add(i32[s * 16 + I_INDEX]! - 1);
      }
      f[b + F_LAST] = time;
      rows[r + R_LAST] = eventId;
    }
    // A fact marked *_LAST was set by the newest event, which an older event cannot beat; the newest event beats
    // every fact. Only an older event against an unmarked fact needs the (time, id) comparison.
    if (hasPos) {
      let wins = newest;
      if (!newest && !(flags & POS_LAST)) {
        const t = f[b + F_POS]!;
        wins = time > t || (time === t && eventId > (rows[r + R_POS] as string));
        if (wins) rows[r + R_POS] = eventId;
      }
      if (wins) {
        f[b + F_POS] = time;
        if (newest) flags |= POS_LAST;
        if (lon !== f[b + F_LON] || lat !== f[b + F_LAT]) {
          f[b + F_LON] = lon;
          f[b + F_LAT] = lat;
          this.dirtyDevices.add(i32[s * 16 + I_INDEX]! - 1);
        }
      }
    }
    let faultChanged = false;
    if (fault !== undefined) {
      let wins = newest;
      if (!newest && !(flags & FAULT_LAST)) {
        const t = f[b + F_FAULT]!;
        wins = time > t || (time === t && eventId > (rows[r + R_FAULT] as string));
        if (wins) rows[r + R_FAULT] = eventId;
      }
      if (wins) {
        f[b + F_FAULT] = time;
        if (newest) flags |= FAULT_LAST;
        const next = fault ? flags | FLAG_FAULT : flags & ~FLAG_FAULT;
        faultChanged = (next & FLAG_FAULT) !== (flags & FLAG_FAULT);
        flags = next;
      }
    }
    if (metrics !== undefined) {
      let wins = newest;
      if (!newest && !(flags & METRICS_LAST)) {
        const t = f[b + F_METRICS]!;
        wins = time > t || (time === t && eventId > (rows[r + R_METRICS_ID] as string));
        if (wins) rows[r + R_METRICS_ID] = eventId;
      }
      if (wins) {
        f[b + F_METRICS] = time;
        if (newest) flags |= METRICS_LAST;
        // Validated events are never mutated afterwards: keep the reference, copy nothing.
        rows[r + R_METRICS] = metrics;
        const gauge = gaugeOf(u8[at + B_TYPE]!, metrics);
        if (gauge + 1 !== u8[at + B_GAUGE]) {
          u8[at + B_FLAGS] = flags;
          this.bumpGauge(s, -1);
          u8[at + B_GAUGE] = gauge + 1;
          this.bumpGauge(s, 1);
        }
      }
    }
    u8[at + B_FLAGS] = flags;
    // The status can only move if the device was offline (seen again), its fault flag changed, or the clock
    // moved past the last sweep (which settled every device due by then; the rest are queued and current).
    if (faultChanged || now > this.sweptAt || u8[at + B_STATUS] === OFFLINE) this.refresh(s, now);
  }

  /** Turns devices silent past their heartbeat timeout offline at `now`. O(devices due). */
  sweep(now: number): void {
    if (now > this.sweptAt) this.sweptAt = now;
    const heap = this.timeouts;
    while ((heap.peekKey() ?? Infinity) < now) {
      const s = this.slotOf[heap.pop()!]!;
      this.u8[s * RECORD_BYTES + B_FLAGS]! &= ~FLAG_QUEUED;
      this.refresh(s, now);
    }
  }

  /**
   * Replaces the metric watches. A new key starts at the tracker's current time (earlier events were not
   * looked at); a kept key keeps every device's last match.
   */
  watchMetrics(watches: readonly MetricWatch[]): void {
    this.watches = [...watches];
    const keys = new Set(watches.map((w) => w.key));
    for (const key of keys) if (!this.watchSince.has(key)) this.watchSince.set(key, this.latest);
    for (const key of [...this.watchSince.keys()]) if (!keys.has(key)) this.watchSince.delete(key);
    for (const key of [...this.matched.keys()]) if (!keys.has(key)) this.matched.delete(key);
    this.watchTypes = Int32Array.from(this.watches, (w) => DEVICE_TYPE_INDEX[w.type]);
    this.watchColumns = this.watches.map((w) => this.matchColumn(w.key));
  }

  /**
   * Since when the device has not matched watch `key`: its last match, or — when it never matched — the later
   * of its first event and the watch's registration. Undefined for an unknown watch.
   */
  quietSince(d: DeviceRecord, key: string): number | undefined {
    const since = this.watchSince.get(key);
    if (since === undefined) return undefined;
    const last = this.matched.get(key)?.[d.index] ?? NONE;
    return last !== NONE ? last : Math.max(this.firstSeen[d.index]!, since);
  }

  /** Devices of one type (all areas), in first-seen order. */
  *ofType(type: DeviceType): Iterable<DeviceRecord> {
    const t = DEVICE_TYPE_INDEX[type];
    for (let i = 0; i < this.count; i++) {
      const s = this.slotOf[i]!;
      if (this.u8[s * RECORD_BYTES + B_TYPE] === t) yield this.record(s);
    }
  }

  /** Counts by status for an area key, over all types or one type. */
  counts(areaKey: number, type?: DeviceType): DeviceCounts {
    const slot = type === undefined ? 0 : DEVICE_TYPE_INDEX[type] + 1;
    const i = (areaKey * TYPE_SLOTS + slot) * 3;
    const s = this.statusCounts;
    const online = s[i] ?? 0;
    const offline = s[i + 1] ?? 0;
    const fault = s[i + 2] ?? 0;
    return { total: online + offline + fault, online, offline, fault };
  }

  gauge(areaKey: number, gauge: number): number {
    return this.gauges[areaKey * GAUGE_COUNT + gauge] ?? 0;
  }

  view(d: DeviceRecord): DeviceView {
    return {
      id: d.id,
      ix: d.index,
      type: d.type,
      grid: d.grid,
      lon: d.lon,
      lat: d.lat,
      status: d.status,
      lastSeen: d.lastSeen,
    };
  }

  /** Map views of the devices whose grid lies in `scope` (a prefix; '*' for all), in first-seen order. */
  views(scope: string): DeviceView[] {
    const out: DeviceView[] = [];
    const all = scope === '*';
    const inScope = all ? undefined : this.codeByKey.map((code) => code !== undefined && code.startsWith(scope));
    const f = this.f64;
    const u8 = this.u8;
    const i32 = this.i32;
    for (let i = 0; i < this.count; i++) {
      const s = this.slotOf[i]!;
      const key = i32[s * 16 + I_GRID]!;
      if (inScope && !inScope[key]) continue;
      const b = s * STRIDE;
      out.push({
        id: this.rows[s * ROW + R_ID] as string,
        ix: i,
        type: DEVICE_TYPES[u8[s * RECORD_BYTES + B_TYPE]!]!,
        grid: this.codeByKey[key]!,
        lon: f[b + F_LON]!,
        lat: f[b + F_LAT]!,
        status: STATUSES[u8[s * RECORD_BYTES + B_STATUS]!]!,
        lastSeen: f[b + F_LAST]!,
      });
    }
    return out;
  }

  /** Devices whose grid lies in `scope` (a prefix; '*' for all), in first-seen order. */
  *within(scope: string): Iterable<DeviceRecord> {
    for (let i = 0; i < this.count; i++) {
      const s = this.slotOf[i]!;
      const code = this.codeByKey[this.i32[s * 16 + I_GRID]!]!;
      if (scope === '*' || code.startsWith(scope)) yield this.record(s);
    }
  }

  /** Devices and area keys changed since the last call. */
  takeDirty(): { devices: string[]; areas: number[] } {
    const devices = this.dirtyDevices.take().map((i) => this.rows[this.slotOf[i]! * ROW + R_ID] as string);
    return { devices, areas: this.dirtyAreas.take() };
  }

  /** Every device, for a snapshot (copies, in first-seen order). */
  exportState(): DeviceTrackerState {
    const gridCodes: [number, string][] = [];
    this.codeByKey.forEach((code, key) => gridCodes.push([key, code]));
    const n = this.count;
    const records = new Uint8Array(n * RECORD_BYTES);
    const ids: string[] = new Array<string>(n);
    const refs: DeviceTrackerState['refs'] = new Array<string | Record<string, number>>(n * (ROW - 1));
    for (let i = 0; i < n; i++) {
      const s = this.slotOf[i]!;
      records.set(this.u8.subarray(s * RECORD_BYTES, (s + 1) * RECORD_BYTES), i * RECORD_BYTES);
      ids[i] = this.rows[s * ROW + R_ID] as string;
      for (let c = 1; c < ROW; c++)
        refs[i * (ROW - 1) + c - 1] = this.rows[s * ROW + c] as string | Record<string, number>;
    }
    return {
      count: n,
      ids,
      records,
      firstSeen: this.firstSeen.slice(0, n),
      refs,
      gridCodes,
      matched: [...this.matched].map(([key, times]) => [key, times.slice(0, n)]),
    };
  }

  /** Throws unless `s` is a state `importState` can restore into this (empty) tracker. */
  checkState(s: DeviceTrackerState, lineageOf: (grid: string) => Int32Array | undefined): void {
    if (this.count > 0) throw new Error('importState needs an empty device tracker');
    const ok =
      Number.isInteger(s.count) &&
      s.records instanceof Uint8Array &&
      s.records.length === s.count * RECORD_BYTES &&
      s.firstSeen instanceof Float64Array &&
      s.firstSeen.length === s.count &&
      s.ids.length === s.count &&
      new Set(s.ids).size === s.count &&
      s.refs.length === s.count * (ROW - 1) &&
      s.matched.every(([, times]) => times instanceof Float64Array && times.length === s.count);
    if (!ok) throw new Error('device snapshot is malformed');
    const known = new Set<number>();
    for (const [key, code] of s.gridCodes) {
      const lineage = lineageOf(code);
      if (!lineage || lineage[lineage.length - 1] !== key)
        throw new Error(`device snapshot grid ${code} does not match this district`);
      known.add(key);
    }
    const bytes = s.records.byteOffset % 4 === 0 ? s.records : s.records.slice();
    const i32 = new Int32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
    for (let i = 0; i < s.count; i++) {
      if (!known.has(i32[i * 16 + I_GRID]!))
        throw new Error(`device snapshot: device ${s.ids[i]} is in an area the snapshot does not name`);
    }
  }

  /**
   * Restores devices from `exportState` into an empty tracker; counts, gauges and the timeout heap are
   * re-derived from them. The grid keys must be those of this district (the aggregator checks the codes).
   */
  importState(s: DeviceTrackerState, lineageOf: (grid: string) => Int32Array | undefined): void {
    this.checkState(s, lineageOf);
    for (const [key, code] of s.gridCodes) this.learnArea(key, code, lineageOf(code)!);
    let cap = this.capacity;
    while (cap < s.count) cap *= 2;
    this.reserve(cap);
    for (let i = 0; i < s.count; i++) {
      const id = s.ids[i]!;
      const h = hashOf(id);
      const slot = this.emptySlot(h);
      this.u8.set(s.records.subarray(i * RECORD_BYTES, (i + 1) * RECORD_BYTES), slot * RECORD_BYTES);
      this.i32[slot * 16 + I_HASH] = h;
      this.i32[slot * 16 + I_INDEX] = i + 1;
      this.u8[slot * RECORD_BYTES + B_FLAGS]! &= ~FLAG_QUEUED;
      this.rows[slot * ROW + R_ID] = id;
      for (let c = 1; c < ROW; c++) this.rows[slot * ROW + c] = s.refs[i * (ROW - 1) + c - 1];
      this.slotOf[i] = slot;
    }
    this.firstSeen.set(s.firstSeen);
    this.count = s.count;
    for (const [key, times] of s.matched) this.matchColumn(key).set(times);
    for (let i = 0; i < this.count; i++) {
      const slot = this.slotOf[i]!;
      this.bumpStatus(slot, 1);
      this.bumpGauge(slot, 1);
      this.enqueue(slot);
    }
    this.dirtyAreas.take();
    this.dirtyDevices.take();
  }

  /** The slot of `id` (hash `h`), or -1. */
  private find(id: string, h: number): number {
    const i32 = this.i32;
    const mask = this.mask;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      if (i32[s * 16 + I_INDEX] === 0) return -1;
      if (i32[s * 16 + I_HASH] === h && this.rows[s * ROW] === id) return s;
    }
  }

  /** The first empty slot on the probe path of hash `h`. */
  private emptySlot(h: number): number {
    const i32 = this.i32;
    const mask = this.mask;
    let s = h & mask;
    while (i32[s * 16 + I_INDEX] !== 0) s = (s + 1) & mask;
    return s;
  }

  private create(o: DeviceObservation, now: number, h: number): void {
    if (this.count >= this.capacity) this.reserve(this.capacity * 2);
    const i = this.count++;
    const s = this.emptySlot(h);
    this.slotOf[i] = s;
    const lineage = o.lineage;
    const gridKey = lineage[lineage.length - 1]!;
    this.learnArea(gridKey, o.grid, lineage);
    const hasPos = o.lon !== undefined && o.lat !== undefined;
    const time = o.time;
    const f = this.f64;
    const b = s * STRIDE;
    f[b + F_LAST] = time;
    f[b + F_POS] = hasPos ? time : NONE;
    f[b + F_FAULT] = o.fault !== undefined ? time : NONE;
    f[b + F_METRICS] = o.metrics ? time : NONE;
    f[b + F_LON] = o.lon ?? 0;
    f[b + F_LAT] = o.lat ?? 0;
    this.firstSeen[i] = time;
    this.i32[s * 16 + I_HASH] = h;
    this.i32[s * 16 + I_GRID] = gridKey;
    this.i32[s * 16 + I_INDEX] = i + 1;
    const u8 = this.u8;
    const at = s * RECORD_BYTES;
    const type = DEVICE_TYPE_INDEX[o.type];
    const metrics = o.metrics ?? EMPTY_METRICS;
    u8[at + B_TYPE] = type;
    u8[at + B_FLAGS] =
      (o.fault ? FLAG_FAULT : 0) |
      (hasPos ? POS_LAST : 0) |
      (o.fault !== undefined ? FAULT_LAST : 0) |
      (o.metrics ? METRICS_LAST : 0);
    u8[at + B_GAUGE] = gaugeOf(type, metrics) + 1;
    const r = s * ROW;
    const rows = this.rows;
    rows[r + R_ID] = o.id;
    rows[r + R_LAST] = o.eventId;
    rows[r + R_POS] = '';
    rows[r + R_FAULT] = '';
    rows[r + R_METRICS_ID] = '';
    rows[r + R_METRICS] = metrics;
    if (o.metrics && this.watches.length > 0) this.match(s, o.metrics, time);
    u8[at + B_STATUS] = this.statusOf(s, now);
    this.bumpStatus(s, 1);
    this.bumpGauge(s, 1);
    this.enqueue(s);
    this.dirtyDevices.add(i);
  }

  private record(s: number): DeviceRecord {
    const f = this.f64;
    const b = s * STRIDE;
    const at = s * RECORD_BYTES;
    const i = this.i32[s * 16 + I_INDEX]! - 1;
    return {
      index: i,
      id: this.rows[s * ROW + R_ID] as string,
      type: DEVICE_TYPES[this.u8[at + B_TYPE]!]!,
      grid: this.codeByKey[this.i32[s * 16 + I_GRID]!]!,
      lon: f[b + F_LON]!,
      lat: f[b + F_LAT]!,
      lastSeen: f[b + F_LAST]!,
      firstSeen: this.firstSeen[i]!,
      fault: (this.u8[at + B_FLAGS]! & FLAG_FAULT) !== 0,
      status: STATUSES[this.u8[at + B_STATUS]!]!,
      metrics: this.rows[s * ROW + R_METRICS] as Record<string, number>,
      matched: this.matchedOf(i),
    };
  }

  /** The watch keys a device matched, with the time of its newest match. */
  private matchedOf(i: number): Map<string, number> | undefined {
    let out: Map<string, number> | undefined;
    for (const [key, times] of this.matched) if (times[i] !== NONE) (out ??= new Map()).set(key, times[i]!);
    return out;
  }

  /** The match-time column of a watch key, created (all -Infinity) when new. */
  private matchColumn(key: string): Float64Array {
    let times = this.matched.get(key);
    if (!times) this.matched.set(key, (times = new Float64Array(this.capacity).fill(NONE)));
    return times;
  }

  /**
   * Grows to hold `n` devices (the table to 2n slots): every device moves to its slot in the new table; dense
   * indices, and so the heap, the dirty set and the watch columns, stay as they are.
   */
  private reserve(n: number): void {
    if (n <= this.capacity) return;
    const slots = 2 * n;
    const oldU8 = this.u8;
    const oldI32 = this.i32;
    const oldRows = this.rows;
    const buffer = new ArrayBuffer(slots * RECORD_BYTES);
    this.u8 = new Uint8Array(buffer);
    this.f64 = new Float64Array(buffer);
    this.i32 = new Int32Array(buffer);
    this.rows = new Array<unknown>(slots * ROW).fill(0);
    this.mask = slots - 1;
    const slotOf = new Int32Array(n);
    for (let i = 0; i < this.count; i++) {
      const old = this.slotOf[i]!;
      const s = this.emptySlot(oldI32[old * 16 + I_HASH]!);
      this.u8.set(oldU8.subarray(old * RECORD_BYTES, (old + 1) * RECORD_BYTES), s * RECORD_BYTES);
      for (let c = 0; c < ROW; c++) this.rows[s * ROW + c] = oldRows[old * ROW + c];
      slotOf[i] = s;
    }
    this.slotOf = slotOf;
    const firstSeen = new Float64Array(n);
    firstSeen.set(this.firstSeen);
    this.firstSeen = firstSeen;
    this.capacity = n;
    for (const [key, old] of this.matched) {
      const times = new Float64Array(n).fill(NONE);
      times.set(old);
      this.matched.set(key, times);
    }
    this.watchColumns = this.watches.map((w) => this.matched.get(w.key)!);
  }

  private learnArea(key: number, code: string, lineage: Int32Array): void {
    if (this.lineageByKey[key] === lineage) return;
    this.lineageByKey[key] = lineage;
    this.codeByKey[key] = code;
    for (let k = 0; k < lineage.length; k++)
      if ((lineage[k]! + 1) * GAUGE_COUNT > this.gauges.length) this.grow(lineage[k]! + 1);
  }

  /** Order-independent: each watch keeps the newest matching event time. */
  private match(s: number, metrics: Record<string, number>, time: number): void {
    const type = this.u8[s * RECORD_BYTES + B_TYPE]!;
    const types = this.watchTypes;
    for (let k = 0; k < types.length; k++) {
      if (types[k] !== type) continue;
      const w = this.watches[k]!;
      const v = metrics[w.metric];
      if (v === undefined || !compareMetric(v, w.op, w.value)) continue;
      const times = this.watchColumns[k]!;
      const i = this.i32[s * 16 + I_INDEX]! - 1;
      if (time > times[i]!) times[i] = time;
    }
  }

  private statusOf(s: number, now: number): number {
    const at = s * RECORD_BYTES;
    if (now - this.f64[s * STRIDE + F_LAST]! > this.timeoutByType[this.u8[at + B_TYPE]!]!) return OFFLINE;
    return this.u8[at + B_FLAGS]! & FLAG_FAULT ? FAULT : ONLINE;
  }

  private refresh(s: number, now: number): void {
    const next = this.statusOf(s, now);
    const at = s * RECORD_BYTES + B_STATUS;
    if (next !== this.u8[at]) {
      this.bumpStatus(s, -1);
      this.u8[at] = next;
      this.bumpStatus(s, 1);
      this.dirtyDevices.add(this.i32[s * 16 + I_INDEX]! - 1);
    }
    this.enqueue(s);
  }

  /** Queues a device that can time out, once. */
  private enqueue(s: number): void {
    const at = s * RECORD_BYTES;
    const u8 = this.u8;
    if (u8[at + B_STATUS] === OFFLINE || u8[at + B_FLAGS]! & FLAG_QUEUED) return;
    u8[at + B_FLAGS]! |= FLAG_QUEUED;
    this.timeouts.push(
      this.f64[s * STRIDE + F_LAST]! + this.timeoutByType[u8[at + B_TYPE]!]!,
      this.i32[s * 16 + I_INDEX]! - 1,
    );
  }

  private bumpStatus(s: number, delta: number): void {
    const at = s * RECORD_BYTES;
    const status = this.u8[at + B_STATUS]!;
    const slot = this.u8[at + B_TYPE]! + 1;
    const lineage = this.lineageByKey[this.i32[s * 16 + I_GRID]!]!;
    const counts = this.statusCounts;
    for (let k = 0; k < lineage.length; k++) {
      const key = lineage[k]!;
      const base = key * TYPE_SLOTS * 3;
      counts[base + status]! += delta;
      counts[base + slot * 3 + status]! += delta;
      this.dirtyAreas.add(key);
    }
  }

  private bumpGauge(s: number, delta: number): void {
    const gauge = this.u8[s * RECORD_BYTES + B_GAUGE]! - 1;
    if (gauge < 0) return;
    const lineage = this.lineageByKey[this.i32[s * 16 + I_GRID]!]!;
    for (let k = 0; k < lineage.length; k++) {
      const key = lineage[k]!;
      this.gauges[key * GAUGE_COUNT + gauge]! += delta;
      this.dirtyAreas.add(key);
    }
  }

  private grow(areas: number): void {
    const n = Math.max(areas, (this.gauges.length / GAUGE_COUNT) * 2);
    const counts = new Int32Array(n * TYPE_SLOTS * 3);
    counts.set(this.statusCounts);
    this.statusCounts = counts;
    const gauges = new Int32Array(n * GAUGE_COUNT);
    gauges.set(this.gauges);
    this.gauges = gauges;
  }
}
