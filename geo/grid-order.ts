import type { Position } from './district.types';

/** What the ordering needs to know of a grid. */
export interface OrderItem {
  /** Centroid (or any representative interior point) [lon, lat]. */
  center: Position;
  /** North-south extent of the grid in degrees (bbox height). */
  height: number;
}

/**
 * Orders the grids of one community west→east, north→south (DESIGN §3.1 unit-grid numbering).
 * Rows: grids sorted by centroid latitude, north first; a grid joins the current row while its centroid lies
 * within `0.5 × median grid height` of the row's first (northernmost) centroid, otherwise it starts the next
 * row. Inside a row, grids go by centroid longitude, west first. Returns the items in numbering order.
 */
export function orderWestEastNorthSouth<T extends OrderItem>(items: readonly T[]): T[] {
  if (items.length === 0) return [];
  const heights = items.map((t) => t.height).sort((a, b) => a - b);
  const tolerance = 0.5 * (heights[Math.floor(heights.length / 2)] as number);
  const byLat = [...items].sort((a, b) => b.center[1] - a.center[1] || a.center[0] - b.center[0]);
  const rows: T[][] = [];
  let rowTop = Infinity;
  for (const item of byLat) {
    const row = rows[rows.length - 1];
    if (row && rowTop - item.center[1] <= tolerance) row.push(item);
    else {
      rows.push([item]);
      rowTop = item.center[1];
    }
  }
  return rows.flatMap((row) => row.sort((a, b) => a.center[0] - b.center[0]));
}

/** `seq` (1-based) as the 3-digit suffix of a code. */
export function codeSuffix(seq: number): string {
  if (!Number.isInteger(seq) || seq < 1 || seq > 999) throw new RangeError(`code sequence out of range: ${seq}`);
  return String(seq).padStart(3, '0');
}
