import type { DeviceStatus, DeviceType, DeviceView } from '../../protocol';

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

export interface DeviceRecord {
  readonly id: string;
  type: DeviceType;
  grid: string;
  lon: number;
  lat: number;
  /** Event time of the newest event seen (late events never move it back). */
  lastSeen: number;
  fault: boolean;
  status: DeviceStatus;
  lineage: Int32Array;
  metrics: Record<string, number>;
  /** Id of the event that set lastSeen (tie-break for events with equal times). */
  lastEventId: string;
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

/**
 * Device state derived from events: online/offline by heartbeat timeout on the injected clock, fault by
 * report. Keeps per-area counts of each status up to date on every transition (no recount per tick).
 */
export class DeviceTracker {
  private readonly devices = new Map<string, DeviceRecord>();
  /** statusCounts[areaKey * 3 + statusIndex] */
  private statusCounts: Int32Array;
  private readonly dirtyDevices = new Set<string>();
  private readonly dirtyAreas = new Set<number>();

  constructor(
    areaCount: number,
    private readonly timeouts: Readonly<Record<DeviceType, number>> = DEFAULT_HEARTBEAT_TIMEOUT_MS,
  ) {
    this.statusCounts = new Int32Array(Math.max(1, areaCount) * 3);
  }

  get size(): number {
    return this.devices.size;
  }

  get(id: string): DeviceRecord | undefined {
    return this.devices.get(id);
  }

  /** Folds one device event in. Returns the record. */
  observe(o: DeviceObservation, now: number): DeviceRecord {
    let d = this.devices.get(o.id);
    if (!d) {
      d = {
        id: o.id,
        type: o.type,
        grid: o.grid,
        lon: o.lon ?? 0,
        lat: o.lat ?? 0,
        lastSeen: o.time,
        fault: o.fault ?? false,
        status: 'offline',
        lineage: o.lineage,
        metrics: { ...o.metrics },
        lastEventId: o.eventId,
      };
      this.devices.set(o.id, d);
      d.status = this.statusOf(d, now);
      this.bump(d.lineage, d.status, 1);
      this.dirtyDevices.add(d.id);
    } else if (o.time > d.lastSeen || (o.time === d.lastSeen && o.eventId > d.lastEventId)) {
      // Only the newest event (ties broken by id) moves the device or sets its fault flag, so the
      // state does not depend on arrival order (DESIGN §9.6).
      if (o.grid !== d.grid) {
        this.bump(d.lineage, d.status, -1);
        d.grid = o.grid;
        d.lineage = o.lineage;
        this.bump(d.lineage, d.status, 1);
        this.dirtyDevices.add(d.id);
      }
      if (o.lon !== undefined && o.lat !== undefined && (o.lon !== d.lon || o.lat !== d.lat)) {
        d.lon = o.lon;
        d.lat = o.lat;
        this.dirtyDevices.add(d.id);
      }
      if (o.fault !== undefined) d.fault = o.fault;
      if (o.metrics) Object.assign(d.metrics, o.metrics);
      d.lastSeen = o.time;
      d.lastEventId = o.eventId;
      this.refresh(d, now);
    }
    return d;
  }

  /** Re-derives every device's status at `now` (heartbeat timeouts). O(devices). */
  sweep(now: number): void {
    for (const d of this.devices.values()) this.refresh(d, now);
  }

  /** Counts of devices by status for an area key. */
  counts(areaKey: number): { total: number; online: number; offline: number; fault: number } {
    const i = areaKey * 3;
    const online = this.statusCounts[i] ?? 0;
    const offline = this.statusCounts[i + 1] ?? 0;
    const fault = this.statusCounts[i + 2] ?? 0;
    return { total: online + offline + fault, online, offline, fault };
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
    const out = { devices: [...this.dirtyDevices], areas: [...this.dirtyAreas] };
    this.dirtyDevices.clear();
    this.dirtyAreas.clear();
    return out;
  }

  private statusOf(d: DeviceRecord, now: number): DeviceStatus {
    if (now - d.lastSeen > this.timeouts[d.type]) return 'offline';
    return d.fault ? 'fault' : 'online';
  }

  private refresh(d: DeviceRecord, now: number): void {
    const next = this.statusOf(d, now);
    if (next === d.status) return;
    this.bump(d.lineage, d.status, -1);
    this.bump(d.lineage, next, 1);
    d.status = next;
    this.dirtyDevices.add(d.id);
  }

  private bump(lineage: Int32Array, status: DeviceStatus, delta: number): void {
    const s = STATUS_INDEX[status];
    for (let i = 0; i < lineage.length; i++) {
      const key = lineage[i]!;
      const idx = key * 3 + s;
      if (idx >= this.statusCounts.length) this.grow(key + 1);
      this.statusCounts[idx]! += delta;
      this.dirtyAreas.add(key);
    }
  }

  private grow(areas: number): void {
    const next = new Int32Array(Math.max(areas, (this.statusCounts.length / 3) * 2) * 3);
    next.set(this.statusCounts);
    this.statusCounts = next;
  }
}
