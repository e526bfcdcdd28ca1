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

export interface DeviceRecord {
  readonly id: string;
  type: DeviceType;
  grid: string;
  lon: number;
  lat: number;
  /** Event time of the newest event seen (late events never move it back). */
  lastSeen: number;
  /** Id of the event that set lastSeen (tie-break for events with equal times). */
  lastEventId: string;
  fault: boolean;
  status: DeviceStatus;
  lineage: Int32Array;
  metrics: Record<string, number>;
  /** The gauge channel this device adds 1 to, or -1. */
  gauge: number;
  /** (time, event id) of the events that set the position, the fault flag and the metrics (-Infinity: none yet). */
  posTime: number;
  posId: string;
  faultTime: number;
  faultId: string;
  metricsTime: number;
  metricsId: string;
  /** Event time of the oldest event seen. */
  firstSeen: number;
  /** Whether the device has an entry in the timeout heap (derived; reset on restore). */
  queued: boolean;
  /** Per metric watch key: event time of the newest telemetry that matched it (absent: none yet). */
  matched: Map<string, number> | undefined;
}

/** Whether event (time, id) comes after (t, i): by time, then by id for equal times. */
function after(time: number, id: string, t: number, i: string): boolean {
  return time > t || (time === t && id > i);
}

export interface DeviceObservation {
  id: string;
  eventId: string;
  type: DeviceType;
  grid: string;
  lineage: Int32Array;
  lon: number | undefined;
  lat: number | undefined;
  time: number;
  fault: boolean | undefined;
  metrics: Record<string, number> | undefined;
}

const STATUS_INDEX: Readonly<Record<DeviceStatus, number>> = { online: 0, offline: 1, fault: 2 };
/** Slots per area in the status table: all types, then each type. */
const TYPE_SLOTS = DEVICE_TYPES.length + 1;

function gaugeOf(type: DeviceType, metrics: Record<string, number>): number {
  switch (type) {
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
  private readonly devices = new Map<string, DeviceRecord>();
  /** statusCounts[(areaKey * TYPE_SLOTS + slot) * 3 + status]; slot 0 = all types. */
  private statusCounts: Int32Array;
  /** gauges[areaKey * GAUGE_COUNT + gauge] */
  private gauges: Int32Array;
  private readonly dirtyDevices = new Set<string>();
  private readonly dirtyAreas = new DirtyKeys();
  /**
   * Devices that can time out (online or fault), by the time they would: at most one entry per device. An entry
   * that comes due for a device seen since is re-queued at its new deadline, so a sweep costs O(due devices),
   * not O(devices) — a 600× replay or a day of history stays cheap.
   */
  private readonly timeouts = new MinHeap<DeviceRecord>();
  private watches: MetricWatch[] = [];
  /** Per watch key: the clock time it was first registered; matches before it were not looked for. */
  private readonly watchSince = new Map<string, number>();
  private latest = -Infinity;

  constructor(
    areaCount: number,
    private readonly timeoutOf: Readonly<Record<DeviceType, number>> = DEFAULT_HEARTBEAT_TIMEOUT_MS,
  ) {
    const areas = Math.max(1, areaCount);
    this.statusCounts = new Int32Array(areas * TYPE_SLOTS * 3);
    this.gauges = new Int32Array(areas * GAUGE_COUNT);
  }

  get size(): number {
    return this.devices.size;
  }

  get(id: string): DeviceRecord | undefined {
    return this.devices.get(id);
  }

  /**
   * Folds one device event in. Each fact follows the newest event that carries it (ties broken by event id):
   * grid and last seen follow any event, position the newest with lon/lat, fault the newest with a fault
   * flag, metrics the newest telemetry. So the state does not depend on arrival order (DESIGN §9.6).
   * Hot path: no allocation for a known device.
   */
  observe(o: DeviceObservation, now: number): DeviceRecord {
    let d = this.devices.get(o.id);
    if (!d) {
      const NONE = -Infinity;
      const hasPos = o.lon !== undefined && o.lat !== undefined;
      d = {
        id: o.id,
        type: o.type,
        grid: o.grid,
        lon: o.lon ?? 0,
        lat: o.lat ?? 0,
        lastSeen: o.time,
        lastEventId: o.eventId,
        fault: o.fault ?? false,
        status: 'offline',
        lineage: o.lineage,
        metrics: o.metrics ?? {},
        gauge: -1,
        posTime: hasPos ? o.time : NONE,
        posId: hasPos ? o.eventId : '',
        faultTime: o.fault !== undefined ? o.time : NONE,
        faultId: o.fault !== undefined ? o.eventId : '',
        metricsTime: o.metrics ? o.time : NONE,
        metricsId: o.metrics ? o.eventId : '',
        queued: false,
        firstSeen: o.time,
        matched: undefined,
      };
      this.devices.set(o.id, d);
      if (o.metrics && this.watches.length > 0) this.match(d, o.metrics, o.time);
      if (now > this.latest) this.latest = now;
      d.status = this.statusOf(d, now);
      d.gauge = gaugeOf(d.type, d.metrics);
      this.bumpStatus(d, d.status, 1);
      this.bumpGauge(d, 1);
      this.enqueue(d);
      this.dirtyDevices.add(d.id);
      return d;
    }
    const time = o.time;
    const id = o.eventId;
    if (now > this.latest) this.latest = now;
    if (time < d.firstSeen) d.firstSeen = time;
    if (o.metrics && this.watches.length > 0) this.match(d, o.metrics, time);
    if (after(time, id, d.lastSeen, d.lastEventId)) {
      if (o.grid !== d.grid) {
        this.bumpStatus(d, d.status, -1);
        this.bumpGauge(d, -1);
        d.grid = o.grid;
        d.lineage = o.lineage;
        this.bumpStatus(d, d.status, 1);
        this.bumpGauge(d, 1);
        this.dirtyDevices.add(d.id);
      }
      d.lastSeen = time;
      d.lastEventId = id;
    }
    if (o.lon !== undefined && o.lat !== undefined && after(time, id, d.posTime, d.posId)) {
      d.posTime = time;
      d.posId = id;
      if (o.lon !== d.lon || o.lat !== d.lat) {
        d.lon = o.lon;
        d.lat = o.lat;
        this.dirtyDevices.add(d.id);
      }
    }
    if (o.fault !== undefined && after(time, id, d.faultTime, d.faultId)) {
      d.faultTime = time;
      d.faultId = id;
      d.fault = o.fault;
    }
    if (o.metrics && after(time, id, d.metricsTime, d.metricsId)) {
      d.metricsTime = time;
      d.metricsId = id;
      // Validated events are never mutated afterwards: keep the reference, copy nothing.
      d.metrics = o.metrics;
      const gauge = gaugeOf(d.type, d.metrics);
      if (gauge !== d.gauge) {
        this.bumpGauge(d, -1);
        d.gauge = gauge;
        this.bumpGauge(d, 1);
      }
    }
    this.refresh(d, now);
    return d;
  }

  /** Turns devices silent past their heartbeat timeout offline at `now`. O(devices due). */
  sweep(now: number): void {
    const heap = this.timeouts;
    while ((heap.peekKey() ?? Infinity) < now) {
      const d = heap.pop()!;
      d.queued = false;
      if (this.devices.get(d.id) === d) this.refresh(d, now);
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
    for (const d of this.devices.values()) if (d.matched) for (const key of d.matched.keys()) if (!keys.has(key)) d.matched.delete(key);
  }

  /**
   * Since when the device has not matched watch `key`: its last match, or — when it never matched — the later
   * of its first event and the watch's registration. Undefined for an unknown watch.
   */
  quietSince(d: DeviceRecord, key: string): number | undefined {
    const since = this.watchSince.get(key);
    if (since === undefined) return undefined;
    return d.matched?.get(key) ?? Math.max(d.firstSeen, since);
  }

  /** Devices of one type (all areas). */
  *ofType(type: DeviceType): Iterable<DeviceRecord> {
    for (const d of this.devices.values()) if (d.type === type) yield d;
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
    return { id: d.id, type: d.type, grid: d.grid, lon: d.lon, lat: d.lat, status: d.status, lastSeen: d.lastSeen };
  }

  /** Devices whose grid lies in `scope` (a prefix; '*' for all). */
  *within(scope: string): Iterable<DeviceRecord> {
    for (const d of this.devices.values()) if (scope === '*' || d.grid.startsWith(scope)) yield d;
  }

  /** Devices and area keys changed since the last call. */
  takeDirty(): { devices: string[]; areas: number[] } {
    const out = { devices: [...this.dirtyDevices], areas: this.dirtyAreas.take() };
    this.dirtyDevices.clear();
    return out;
  }

  /** Every device record without its lineage (derived), for a snapshot. */
  exportState(): { devices: Omit<DeviceRecord, 'lineage'>[] } {
    const devices: Omit<DeviceRecord, 'lineage'>[] = [];
    for (const d of this.devices.values()) {
      const { lineage: _lineage, ...rest } = d;
      devices.push(rest);
    }
    return { devices };
  }

  /**
   * Restores records from `exportState` into an empty tracker; counts and gauges are re-derived from them.
   * Devices whose grid the district no longer has are dropped.
   */
  importState(state: { devices: Omit<DeviceRecord, 'lineage'>[] }, lineageOf: (grid: string) => Int32Array | undefined): void {
    if (this.devices.size > 0) throw new Error('importState needs an empty device tracker');
    for (const rest of state.devices) {
      const lineage = lineageOf(rest.grid);
      if (!lineage) continue;
      const d: DeviceRecord = { ...rest, lineage, queued: false };
      this.devices.set(d.id, d);
      this.bumpStatus(d, d.status, 1);
      this.bumpGauge(d, 1);
      this.enqueue(d);
    }
    this.dirtyAreas.take();
    this.dirtyDevices.clear();
  }

  /** Order-independent: each watch keeps the newest matching event time. */
  private match(d: DeviceRecord, metrics: Record<string, number>, time: number): void {
    for (const w of this.watches) {
      if (w.type !== d.type) continue;
      const v = metrics[w.metric];
      if (v === undefined || !compareMetric(v, w.op, w.value)) continue;
      const m = (d.matched ??= new Map());
      const prev = m.get(w.key);
      if (prev === undefined || time > prev) m.set(w.key, time);
    }
  }

  private statusOf(d: DeviceRecord, now: number): DeviceStatus {
    if (now - d.lastSeen > this.timeoutOf[d.type]) return 'offline';
    return d.fault ? 'fault' : 'online';
  }

  private refresh(d: DeviceRecord, now: number): void {
    const next = this.statusOf(d, now);
    if (next !== d.status) {
      this.bumpStatus(d, d.status, -1);
      this.bumpStatus(d, next, 1);
      d.status = next;
      this.dirtyDevices.add(d.id);
    }
    this.enqueue(d);
  }

  /** Queues a device that can time out, once. */
  private enqueue(d: DeviceRecord): void {
    if (d.status === 'offline' || d.queued) return;
    d.queued = true;
    this.timeouts.push(d.lastSeen + this.timeoutOf[d.type], d);
  }

  private bumpStatus(d: DeviceRecord, status: DeviceStatus, delta: number): void {
    const s = STATUS_INDEX[status];
    const slot = DEVICE_TYPE_INDEX[d.type] + 1;
    const lineage = d.lineage;
    for (let i = 0; i < lineage.length; i++) {
      const key = lineage[i]!;
      const base = key * TYPE_SLOTS * 3;
      if (base + TYPE_SLOTS * 3 > this.statusCounts.length) this.grow(key + 1);
      this.statusCounts[base + s]! += delta;
      this.statusCounts[base + slot * 3 + s]! += delta;
      this.dirtyAreas.add(key);
    }
  }

  private bumpGauge(d: DeviceRecord, delta: number): void {
    if (d.gauge < 0) return;
    const lineage = d.lineage;
    for (let i = 0; i < lineage.length; i++) {
      const key = lineage[i]!;
      if ((key + 1) * GAUGE_COUNT > this.gauges.length) this.grow(key + 1);
      this.gauges[key * GAUGE_COUNT + d.gauge]! += delta;
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
