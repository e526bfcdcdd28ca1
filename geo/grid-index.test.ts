import { booleanPointInPolygon } from '@turf/turf';
import type { MultiPolygon, Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { areasByLevel, builtinDistrict } from './district';
import type { Area, District, Ring } from './district.types';
import { createGridIndex } from './grid-index';
import { testRng } from './test-support/random-points';

const d = builtinDistrict();
const index = createGridIndex(d);
const grids = areasByLevel(d, 'grid');

function square(x0: number, y0: number, size: number): Ring {
  return [
    [x0, y0],
    [x0 + size, y0],
    [x0 + size, y0 + size],
    [x0, y0 + size],
    [x0, y0],
  ];
}

function tinyDistrict(): District {
  const grid = (code: string, geometry: Area['geometry']): Area => ({
    code,
    level: 'grid',
    name: code,
    parent: '330106001001',
    geometry,
    center: [0, 0],
  });
  return {
    version: 1,
    code: '330106001',
    name: 't',
    bbox: [0, 0, 4, 4],
    center: [1, 1],
    areas: [
      // A square with a square hole, the hole filled by another grid; and a two-part MultiPolygon.
      grid('330106001001001', { type: 'Polygon', coordinates: [square(0, 0, 3), square(1, 1, 1)] }),
      grid('330106001001002', { type: 'Polygon', coordinates: [square(1, 1, 1)] }),
      grid('330106001001003', { type: 'MultiPolygon', coordinates: [[square(3, 0, 1)], [square(3, 2, 1)]] }),
    ],
    buildings: [],
    roads: [],
    pois: [],
    water: [],
  };
}

describe('createGridIndex', () => {
  it('agrees with brute-force turf point-in-polygon on 10,000 random points', () => {
    const rng = testRng(5);
    const [w, s, e, n] = d.bbox;
    let inside = 0;
    for (let k = 0; k < 10_000; k++) {
      const p: [number, number] = [w + (e - w) * rng(), s + (n - s) * rng()];
      const expected = grids
        .filter((g) => booleanPointInPolygon(p, g.geometry as Polygon | MultiPolygon))
        .map((g) => g.code);
      expect(expected.length).toBeLessThanOrEqual(1);
      expect(index.gridAt(p[0], p[1])).toBe(expected[0]);
      if (expected[0]) inside++;
    }
    expect(inside).toBeGreaterThan(8000);
    expect(index.size).toBe(grids.length);
  });

  it('finds buildings by footprint and agrees with turf', () => {
    for (const b of d.buildings) expect(index.buildingAt(b.center[0], b.center[1])?.id).toBe(b.id);
    const rng = testRng(9);
    const [w, s, e, n] = d.bbox;
    for (let k = 0; k < 3000; k++) {
      const p: [number, number] = [w + (e - w) * rng(), s + (n - s) * rng()];
      const expected = d.buildings.find((b) =>
        booleanPointInPolygon(p, { type: 'Polygon', coordinates: [b.footprint] }),
      );
      expect(index.buildingAt(p[0], p[1])?.id).toBe(expected?.id);
    }
  });

  it('returns undefined outside the district', () => {
    expect(index.gridAt(0, 0)).toBeUndefined();
    expect(index.gridAt(d.bbox[0] - 0.001, d.center[1])).toBeUndefined();
    expect(index.buildingAt(200, 100)).toBeUndefined();
  });

  it('handles holes and MultiPolygons', () => {
    const ix = createGridIndex(tinyDistrict());
    expect(ix.gridAt(0.5, 0.5)).toBe('330106001001001');
    expect(ix.gridAt(1.5, 1.5)).toBe('330106001001002');
    expect(ix.gridAt(3.5, 0.5)).toBe('330106001001003');
    expect(ix.gridAt(3.5, 2.5)).toBe('330106001001003');
    expect(ix.gridAt(3.5, 1.5)).toBeUndefined();
    expect(ix.gridAt(5, 5)).toBeUndefined();
  });

  it('puts a point on a shared border in exactly one grid', () => {
    const ix = createGridIndex(tinyDistrict());
    // The hole's west edge at x = 1 is shared by grids 001 and 002.
    expect(['330106001001001', '330106001001002']).toContain(ix.gridAt(1, 1.5));
    // Vertices shared by neighbouring built-in grids resolve to one grid.
    for (const g of grids.slice(0, 20)) {
      for (const [x, y] of (g.geometry.coordinates[0] as Ring).slice(0, 5)) {
        const owners = grids.filter((o) =>
          booleanPointInPolygon([x, y], o.geometry as Polygon, { ignoreBoundary: false }),
        );
        if (owners.length > 1) expect(owners.map((o) => o.code)).toContain(index.gridAt(x, y));
      }
    }
  });

  it('indexes an empty district', () => {
    const ix = createGridIndex({ ...tinyDistrict(), areas: [] });
    expect(ix.size).toBe(0);
    expect(ix.gridAt(1, 1)).toBeUndefined();
    expect(ix.buildingAt(1, 1)).toBeUndefined();
  });
});
