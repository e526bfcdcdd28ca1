import type { DeviceStatus, DeviceView } from '../../../../../protocol';

/** Status as a small integer, in order of severity: the worst of a set is the largest. */
export const STATUS_ORDER: readonly DeviceStatus[] = ['online', 'offline', 'fault'];
export const STATUS_CODE: Readonly<Record<DeviceStatus, number>> = { online: 0, offline: 1, fault: 2 };

export type Rgba = [number, number, number, number];

/**
 * Devices as columns of typed arrays for deck.gl binary attributes, one row per device. Rows are the devices
 * store's rows (stores/devices.ts assigns them, once per id), so a delta arrives as row numbers and costs no id
 * lookup here; only the rows it names are rewritten, and the layer uploads arrays instead of running accessors
 * over 100,000 objects. Rows [0, length) are written; a snapshot is followed by appending rows in slices.
 */
export interface DeviceBuffer {
  length: number;
  /** Row → the device's view as last written (picking, tooltips). */
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
  /** Moves when a row is added or a device moved: the position column must be handed to deck anew. */
  positionsVersion: number;
  /** Moves when any row's status changed (colours, sizes). */
  statusVersion: number;
  palette: Readonly<Record<DeviceStatus, Rgba>>;
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
    positionsVersion: 0,
    statusVersion: 0,
    palette,
  };
}

function grow(buf: DeviceBuffer, need: number) {
  const cap = buf.status.length;
  if (need <= cap) return;
  const next = Math.max(need, cap * 2);
  const copy = <T extends Float64Array | Float32Array | Uint8Array>(a: T, per: number, make: (n: number) => T) => {
    const b = make(next * per);
    b.set(a);
    return b;
  };
  buf.positions = copy(buf.positions, 2, (n) => new Float64Array(n));
  buf.mercator = copy(buf.mercator, 2, (n) => new Float64Array(n));
  buf.status = copy(buf.status, 1, (n) => new Uint8Array(n));
  buf.colors = copy(buf.colors, 4, (n) => new Uint8Array(n));
  buf.sizes = copy(buf.sizes, 1, (n) => new Float32Array(n));
}

function writeStatus(buf: DeviceBuffer, row: number, status: DeviceStatus) {
  const s = STATUS_CODE[status];
  buf.status[row] = s;
  const c = buf.palette[status];
  const o = row * 4;
  const colors = buf.colors;
  colors[o] = c[0];
  colors[o + 1] = c[1];
  colors[o + 2] = c[2];
  colors[o + 3] = c[3];
  buf.sizes[row] = s === 2 ? 1.8 : 1;
}

/**
 * Rewrites written rows from their latest views (`views[row]`); rows not yet appended are skipped (appending
 * will read them). Returns how many rows were rewritten. Repeated rows are harmless.
 */
export function rewriteRows(
  buf: DeviceBuffer,
  views: readonly DeviceView[],
  rows: ArrayLike<number>,
  count = rows.length,
): number {
  const { positions, mercator, status } = buf;
  let n = 0;
  let moved = false;
  let restyled = false;
  for (let i = 0; i < count; i++) {
    const row = rows[i]!;
    if (row >= buf.length) continue;
    const d = views[row]!;
    buf.views[row] = d;
    n++;
    if (positions[row * 2] !== d.lon || positions[row * 2 + 1] !== d.lat) {
      positions[row * 2] = d.lon;
      positions[row * 2 + 1] = d.lat;
      mercator[row * 2] = mercatorX(d.lon);
      mercator[row * 2 + 1] = mercatorY(d.lat);
      moved = true;
    }
    if (status[row] !== STATUS_CODE[d.status]) {
      writeStatus(buf, row, d.status);
      restyled = true;
    }
  }
  if (moved) buf.positionsVersion++;
  if (restyled) buf.statusVersion++;
  return n;
}

/** Appends rows [length, min(end, views.length)) from their views; returns the first row appended. */
export function appendRows(buf: DeviceBuffer, views: readonly DeviceView[], end: number): number {
  const from = buf.length;
  const to = Math.min(end, views.length);
  if (to <= from) return from;
  grow(buf, to);
  const { positions, mercator } = buf;
  for (let row = from; row < to; row++) {
    const d = views[row]!;
    buf.views[row] = d;
    positions[row * 2] = d.lon;
    positions[row * 2 + 1] = d.lat;
    mercator[row * 2] = mercatorX(d.lon);
    mercator[row * 2 + 1] = mercatorY(d.lat);
    writeStatus(buf, row, d.status);
  }
  buf.length = to;
  buf.positionsVersion++;
  buf.statusVersion++;
  return from;
}

/** Forgets every row (a snapshot replaced the table); keeps the allocated columns. */
export function clearRows(buf: DeviceBuffer): void {
  buf.length = 0;
  buf.views = [];
  buf.positionsVersion++;
  buf.statusVersion++;
}
