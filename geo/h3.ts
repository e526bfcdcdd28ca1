import { cellToBoundary, latLngToCell } from 'h3-js';
import type { Position, Ring } from './district.types';

/** H3 cell of a WGS84 point at resolution `res` (0–15; 9 ≈ 0.1 km², 10 ≈ 15,000 m²). */
export function cellOf(lon: number, lat: number, res: number): string {
  return latLngToCell(lat, lon, res);
}

/** Boundary of a cell as a closed [lon, lat] ring (h3-js speaks [lat, lng]; GeoJSON order here). */
export function cellBoundary(cell: string): Ring {
  const ring = cellToBoundary(cell, true) as Position[];
  return ring;
}

/** Counts (or sums `weight`) of points per H3 cell. */
export function aggregateToCells(
  points: Iterable<Position>,
  res: number,
  weight: (point: Position, index: number) => number = () => 1,
): Map<string, number> {
  const out = new Map<string, number>();
  let k = 0;
  for (const p of points) {
    const cell = latLngToCell(p[1], p[0], res);
    out.set(cell, (out.get(cell) ?? 0) + weight(p, k++));
  }
  return out;
}
