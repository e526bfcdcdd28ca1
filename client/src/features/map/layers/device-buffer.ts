import type { DeviceStatus, DeviceView } from '../../../../../protocol';

/** Status as a small integer, in order of severity: the worst of a set is the largest. */
export const STATUS_ORDER: readonly DeviceStatus[] = ['online', 'offline', 'fault'];
export const STATUS_CODE: Readonly<Record<DeviceStatus, number>> = { online: 0, offline: 1, fault: 2 };

export type Rgba = [number, number, number, number];

/**
 * Devices as columns of typed arrays, one row per device, for deck.gl binary attributes: a delta rewrites only
 * the rows of the devices it carries, and the layer uploads arrays instead of running accessors over 100,000
 * objects per update.
 */
export interface DeviceBuffer {
  length: number;
  /** Row → the device's latest view (picking, tooltips). */
  views: DeviceView[];
  /** lon, lat per row. */
  positions: Float64Array;
  /** Web Mercator x, y in [0, 1] per row (clustering). */
  mercator: Float64Array;
  /** {@link STATUS_CODE} per row. */
  status: Uint8Array;
  /** RGBA per row, from the palette. */
  colors: Uint8Array;
  /** Radius factor per row (faults are drawn larger). */
  sizes: Float32Array;
  rowOf: Map<string, number>;
  /** Upsert call that last touched each row: a device twice in one batch is reported once. */
  stamp: Uint32Array;
  generation: number;
  palette: Readonly<Record<DeviceStatus, Rgba>>;
}

/** What a row looked like before an upsert; `prevStatus` is -1 for a new row. */
export interface DeviceRowChange {
  row: number;
  prevStatus: number;
  prevX: number;
  prevY: number;
}

export function mercatorX(lon: number): number {
  return (lon + 180) / 360;
}

export function mercatorY(lat: number): number {
  const s = Math.sin((lat * Math.PI) / 180);
  return 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
}

export function createDeviceBuffer(palette: Readonly<Record<DeviceStatus, Rgba>>, capacity = 1024): DeviceBuffer {
  return {
    length: 0,
    views: [],
    positions: new Float64Array(capacity * 2),
    mercator: new Float64Array(capacity * 2),
    status: new Uint8Array(capacity),
    colors: new Uint8Array(capacity * 4),
    sizes: new Float32Array(capacity),
    rowOf: new Map(),
    stamp: new Uint32Array(capacity),
    generation: 0,
    palette,
  };
}

function grow(buf: DeviceBuffer, need: number) {
  const cap = buf.status.length;
  if (need <= cap) return;
  const next = Math.max(need, cap * 2);
  const copy = <T extends Float64Array | Float32Array | Uint8Array | Uint32Array>(
    a: T,
    per: number,
    make: (n: number) => T,
  ) => {
    const b = make(next * per);
    b.set(a);
    return b;
  };
  buf.positions = copy(buf.positions, 2, (n) => new Float64Array(n));
  buf.mercator = copy(buf.mercator, 2, (n) => new Float64Array(n));
  buf.status = copy(buf.status, 1, (n) => new Uint8Array(n));
  buf.colors = copy(buf.colors, 4, (n) => new Uint8Array(n));
  buf.sizes = copy(buf.sizes, 1, (n) => new Float32Array(n));
  buf.stamp = copy(buf.stamp, 1, (n) => new Uint32Array(n));
}

/**
 * Writes devices into their rows (new devices get new rows) and returns what each row was before, for
 * incremental clustering. Arrays may be reallocated when the buffer grows.
 */
export function upsertDevices(buf: DeviceBuffer, devices: readonly DeviceView[]): DeviceRowChange[] {
  grow(buf, buf.length + devices.length);
  const changes: DeviceRowChange[] = new Array(devices.length);
  let k = 0;
  const gen = ++buf.generation;
  for (const d of devices) {
    let row = buf.rowOf.get(d.id);
    let prevStatus = -1;
    let prevX = 0;
    let prevY = 0;
    if (row === undefined) {
      row = buf.length++;
      buf.rowOf.set(d.id, row);
    } else {
      prevStatus = buf.status[row]!;
      prevX = buf.mercator[row * 2]!;
      prevY = buf.mercator[row * 2 + 1]!;
    }
    // Seen earlier in this batch: its first record already holds the state before the batch.
    const repeat = buf.stamp[row] === gen;
    buf.stamp[row] = gen;
    buf.views[row] = d;
    buf.positions[row * 2] = d.lon;
    buf.positions[row * 2 + 1] = d.lat;
    buf.mercator[row * 2] = mercatorX(d.lon);
    buf.mercator[row * 2 + 1] = mercatorY(d.lat);
    const s = STATUS_CODE[d.status];
    buf.status[row] = s;
    const c = buf.palette[d.status];
    buf.colors.set(c, row * 4);
    buf.sizes[row] = d.status === 'fault' ? 1.8 : 1;
    if (!repeat) changes[k++] = { row, prevStatus, prevX, prevY };
  }
  changes.length = k;
  return changes;
}

/** Empties the buffer and writes `devices` (a snapshot). */
export function resetDevices(buf: DeviceBuffer, devices: readonly DeviceView[]): void {
  buf.length = 0;
  buf.views = [];
  buf.rowOf = new Map();
  upsertDevices(buf, devices);
}
