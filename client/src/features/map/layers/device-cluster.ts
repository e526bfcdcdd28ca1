import type { DeviceStatus } from '../../../../../protocol';
import { STATUS_ORDER, type DeviceBuffer } from './device-buffer';

/**
 * Screen-grid clustering of devices (supercluster's idea on a fixed grid): at integer zoom z the world is cut
 * into square cells of `cellPx` screen pixels; each cell with devices is one cluster at the mean position of
 * its devices, showing their count and worst state. The index is incremental and columnar: it remembers, per
 * buffer row, the cell and state it counted the row in, so a status change is two counter updates and only a
 * device that moved is re-keyed; 5,000 changes cost 5,000 such steps, not a pass over 100,000 devices.
 */
export interface DeviceClusterConfig {
  /** Cell edge in screen pixels (at 512-px tiles, MapLibre's zoom). */
  cellPx: number;
  /** Clusters are drawn below this zoom, single devices from it on. */
  maxZoom: number;
}

export const DEFAULT_DEVICE_CLUSTER: Readonly<DeviceClusterConfig> = { cellPx: 56, maxZoom: 16 };

export interface DeviceCluster {
  /** Cell key, stable while the zoom level stays. */
  key: number;
  lon: number;
  lat: number;
  count: number;
  /** Devices per state, in {@link STATUS_ORDER}. */
  counts: [online: number, offline: number, fault: number];
  worst: DeviceStatus;
}

/** Cell edge in Web Mercator units ([0, 1] world) at integer zoom `z`. */
export function cellSize(z: number, cellPx: number): number {
  return cellPx / (512 * 2 ** z);
}

/** Key of the cell holding mercator (x, y) for a cell size. Exact in a double up to z ≈ 24. */
export function cellKey(x: number, y: number, size: number): number {
  return Math.floor(x / size) * 67_108_864 + Math.floor(y / size);
}

export function worstOf(counts: readonly number[]): DeviceStatus {
  for (let s = counts.length - 1; s > 0; s--) if ((counts[s] ?? 0) > 0) return STATUS_ORDER[s]!;
  return 'online';
}

export interface DeviceClusterIndex {
  /** The integer zoom the cells are cut for; NaN before the first rebuild and after {@link clear}. */
  readonly zoom: number;
  /** Moves when any cell's device count changed (cluster labels need redrawing); not on a status change. */
  readonly countsVersion: number;
  /** Recut every written row for zoom `z` (zoom level changed, or a snapshot arrived). */
  rebuild(buf: DeviceBuffer, z: number): void;
  /** Forget every row; the next {@link rebuild} starts over. */
  clear(): void;
  /**
   * Bring rows in line with the buffer: a row not counted yet is added, a moved row changes cell, a row whose
   * state changed moves between its cell's counters. Rows at or past `buf.length` are ignored.
   */
  apply(buf: DeviceBuffer, rows: ArrayLike<number>, count?: number): void;
  /** Count rows [from, buf.length), just appended to the buffer. */
  applyRange(buf: DeviceBuffer, from: number): void;
  /** The clusters, in cell order (stable while the zoom level stays). */
  clusters(): DeviceCluster[];
}

export function createDeviceClusterIndex(config: DeviceClusterConfig = DEFAULT_DEVICE_CLUSTER): DeviceClusterIndex {
  let zoom = Number.NaN;
  let size = 1;
  let countsVersion = 0;
  // Per buffer row: the cell it is counted in (-1: none) and the state and position it was counted with.
  let rowCell = new Int32Array(0);
  let rowStatus = new Uint8Array(0);
  let rowPos = new Float64Array(0);
  // Per cell: key, device count, per-state counts, and lon/lat sums for the mean position.
  let cellKeys = new Float64Array(64);
  let cellN = new Int32Array(64);
  let cellCounts = new Int32Array(64 * 3);
  let cellSums = new Float64Array(64 * 2);
  let cellsUsed = 0;
  let free: number[] = [];
  let byKey = new Map<number, number>();

  function ensureRows(n: number) {
    if (n <= rowCell.length) return;
    const cap = Math.max(n, rowCell.length * 2, 1024);
    const cell = new Int32Array(cap).fill(-1);
    cell.set(rowCell);
    rowCell = cell;
    const st = new Uint8Array(cap);
    st.set(rowStatus);
    rowStatus = st;
    const pos = new Float64Array(cap * 2);
    pos.set(rowPos);
    rowPos = pos;
  }

  function newCell(key: number): number {
    let c = free.pop();
    if (c === undefined) {
      c = cellsUsed++;
      if (c >= cellN.length) {
        const cap = cellN.length * 2;
        const k = new Float64Array(cap);
        k.set(cellKeys);
        cellKeys = k;
        const n = new Int32Array(cap);
        n.set(cellN);
        cellN = n;
        const counts = new Int32Array(cap * 3);
        counts.set(cellCounts);
        cellCounts = counts;
        const sums = new Float64Array(cap * 2);
        sums.set(cellSums);
        cellSums = sums;
      }
    }
    cellKeys[c] = key;
    byKey.set(key, c);
    return c;
  }

  function add(buf: DeviceBuffer, row: number) {
    const { mercator, positions } = buf;
    const key = cellKey(mercator[row * 2]!, mercator[row * 2 + 1]!, size);
    const c = byKey.get(key) ?? newCell(key);
    const s = buf.status[row]!;
    const lon = positions[row * 2]!;
    const lat = positions[row * 2 + 1]!;
    cellN[c]!++;
    cellCounts[c * 3 + s]!++;
    cellSums[c * 2] = cellSums[c * 2]! + lon;
    cellSums[c * 2 + 1] = cellSums[c * 2 + 1]! + lat;
    rowCell[row] = c;
    rowStatus[row] = s;
    rowPos[row * 2] = lon;
    rowPos[row * 2 + 1] = lat;
  }

  function remove(row: number) {
    const c = rowCell[row]!;
    rowCell[row] = -1;
    cellCounts[c * 3 + rowStatus[row]!]!--;
    if (--cellN[c]! === 0) {
      byKey.delete(cellKeys[c]!);
      cellSums[c * 2] = 0;
      cellSums[c * 2 + 1] = 0;
      free.push(c);
    } else {
      cellSums[c * 2] = cellSums[c * 2]! - rowPos[row * 2]!;
      cellSums[c * 2 + 1] = cellSums[c * 2 + 1]! - rowPos[row * 2 + 1]!;
    }
  }

  function reset() {
    rowCell.fill(-1);
    cellN.fill(0);
    cellCounts.fill(0);
    cellSums.fill(0);
    cellsUsed = 0;
    free = [];
    byKey = new Map();
    countsVersion++;
  }

  return {
    get zoom() {
      return zoom;
    },
    get countsVersion() {
      return countsVersion;
    },
    clear() {
      reset();
      zoom = Number.NaN;
    },
    rebuild(buf, z) {
      zoom = Math.floor(z);
      size = cellSize(zoom, config.cellPx);
      reset();
      ensureRows(buf.length);
      for (let row = 0; row < buf.length; row++) add(buf, row);
    },
    apply(buf, rows, count = rows.length) {
      if (Number.isNaN(zoom)) return;
      ensureRows(buf.length);
      const { positions, status } = buf;
      let recounted = false;
      for (let i = 0; i < count; i++) {
        const row = rows[i]!;
        if (row >= buf.length) continue;
        const c = rowCell[row]!;
        if (c < 0) {
          add(buf, row);
          recounted = true;
        } else if (positions[row * 2] !== rowPos[row * 2] || positions[row * 2 + 1] !== rowPos[row * 2 + 1]) {
          remove(row);
          add(buf, row);
          recounted = true;
        } else {
          const s = status[row]!;
          const was = rowStatus[row]!;
          if (s !== was) {
            cellCounts[c * 3 + was]!--;
            cellCounts[c * 3 + s]!++;
            rowStatus[row] = s;
          }
        }
      }
      if (recounted) countsVersion++;
    },
    applyRange(buf, from) {
      if (Number.isNaN(zoom) || from >= buf.length) return;
      ensureRows(buf.length);
      for (let row = from; row < buf.length; row++) {
        if (rowCell[row]! >= 0) remove(row);
        add(buf, row);
      }
      countsVersion++;
    },
    clusters() {
      const out: DeviceCluster[] = [];
      for (let c = 0; c < cellsUsed; c++) {
        const n = cellN[c]!;
        if (n === 0) continue;
        const counts: [number, number, number] = [cellCounts[c * 3]!, cellCounts[c * 3 + 1]!, cellCounts[c * 3 + 2]!];
        out.push({
          key: cellKeys[c]!,
          lon: cellSums[c * 2]! / n,
          lat: cellSums[c * 2 + 1]! / n,
          count: n,
          counts,
          worst: worstOf(counts),
        });
      }
      return out;
    },
  };
}
