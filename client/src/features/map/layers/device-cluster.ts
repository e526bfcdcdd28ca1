import type { DeviceStatus } from '../../../../../protocol';
import { STATUS_ORDER, type DeviceBuffer, type DeviceRowChange } from './device-buffer';

/**
 * Screen-grid clustering of devices (supercluster's idea on a fixed grid): at integer zoom z the world is cut
 * into square cells of `cellPx` screen pixels; each cell with devices is one cluster at the mean position of
 * its devices, showing their count and worst state. The index is incremental: a delta moves only the rows it
 * carries between cells, so 5,000 changes cost 5,000 updates, not a pass over 100,000 devices.
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

interface Cell {
  n: number;
  counts: [number, number, number];
  sumLon: number;
  sumLat: number;
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
  /** The integer zoom the cells are cut for; NaN before the first rebuild. */
  readonly zoom: number;
  /** Recut every row for zoom `z` (zoom level changed, or a snapshot arrived). */
  rebuild(buf: DeviceBuffer, z: number): void;
  /** Move the changed rows between cells. */
  apply(buf: DeviceBuffer, changes: readonly DeviceRowChange[]): void;
  /** The clusters, ordered by key. */
  clusters(): DeviceCluster[];
}

export function createDeviceClusterIndex(config: DeviceClusterConfig = DEFAULT_DEVICE_CLUSTER): DeviceClusterIndex {
  let zoom = Number.NaN;
  let size = 1;
  let cells = new Map<number, Cell>();

  function add(key: number, status: number, lon: number, lat: number, sign: 1 | -1) {
    let cell = cells.get(key);
    if (!cell) {
      cell = { n: 0, counts: [0, 0, 0], sumLon: 0, sumLat: 0 };
      cells.set(key, cell);
    }
    cell.n += sign;
    cell.counts[status as 0 | 1 | 2] += sign;
    cell.sumLon += sign * lon;
    cell.sumLat += sign * lat;
    if (cell.n === 0) cells.delete(key);
  }

  return {
    get zoom() {
      return zoom;
    },
    rebuild(buf, z) {
      zoom = Math.floor(z);
      size = cellSize(zoom, config.cellPx);
      cells = new Map();
      const { mercator, positions, status } = buf;
      for (let i = 0; i < buf.length; i++) {
        add(
          cellKey(mercator[i * 2]!, mercator[i * 2 + 1]!, size),
          status[i]!,
          positions[i * 2]!,
          positions[i * 2 + 1]!,
          1,
        );
      }
    },
    apply(buf, changes) {
      if (Number.isNaN(zoom)) return;
      const { mercator, positions, status } = buf;
      for (const c of changes) {
        const i = c.row;
        const x = mercator[i * 2]!;
        const y = mercator[i * 2 + 1]!;
        const lon = positions[i * 2]!;
        const lat = positions[i * 2 + 1]!;
        if (c.prevStatus >= 0) {
          // The previous position is only kept in mercator; positions of a device rarely move, and when one
          // does its old lon/lat follow from the old mercator cell it is removed from.
          const prevLon = c.prevX * 360 - 180;
          const prevLat = (Math.atan(Math.sinh(Math.PI * (1 - 2 * c.prevY))) * 180) / Math.PI;
          add(cellKey(c.prevX, c.prevY, size), c.prevStatus, prevLon, prevLat, -1);
        }
        add(cellKey(x, y, size), status[i]!, lon, lat, 1);
      }
    },
    clusters() {
      const keys = [...cells.keys()].sort((a, b) => a - b);
      return keys.map((key) => {
        const c = cells.get(key)!;
        return {
          key,
          lon: c.sumLon / c.n,
          lat: c.sumLat / c.n,
          count: c.n,
          counts: [c.counts[0], c.counts[1], c.counts[2]],
          worst: worstOf(c.counts),
        };
      });
    },
  };
}
