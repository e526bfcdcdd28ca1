import { cellToLatLng, getResolution } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { aggregateToCells, cellBoundary, cellOf } from './h3';
import { pointInGeometry } from './geometry';

describe('h3 helpers', () => {
  it('cellOf takes lon, lat and the boundary ring contains the point', () => {
    const cell = cellOf(120.12, 30.285, 9);
    expect(getResolution(cell)).toBe(9);
    const [lat, lng] = cellToLatLng(cell);
    expect(Math.abs(lng - 120.12)).toBeLessThan(0.01);
    expect(Math.abs(lat - 30.285)).toBeLessThan(0.01);
    const ring = cellBoundary(cell);
    expect(ring[0]).toEqual(ring[ring.length - 1]);
    expect(pointInGeometry([120.12, 30.285], { type: 'Polygon', coordinates: [ring] })).toBe(true);
  });

  it('aggregates counts and weights per cell', () => {
    const pts: [number, number][] = [
      [120.12, 30.285],
      [120.12001, 30.28501],
      [120.2, 30.3],
    ];
    const counts = aggregateToCells(pts, 9);
    expect([...counts.values()].sort()).toEqual([1, 2]);
    const sums = aggregateToCells(pts, 9, (_p, k) => k + 1);
    expect(sums.get(cellOf(120.2, 30.3, 9))).toBe(3);
    expect(sums.get(cellOf(120.12, 30.285, 9))).toBe(3);
  });
});
