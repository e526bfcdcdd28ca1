import {
  area as turfArea,
  booleanIntersects,
  booleanPointInPolygon,
  booleanWithin,
  featureCollection,
  intersect,
  lineString,
  polygon,
} from '@turf/turf';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { levelOfCode } from '../protocol';
import { areaByCode, areasByLevel, builtinDistrict, childrenOf, DistrictFormatError, parseDistrict } from './district';
import type { Area, AreaGeometry, District, Ring } from './district.types';
import { geometryBBox, geometryCentroid, pointInGeometry } from './geometry';
import { pointsInside, testRng } from './test-support/random-points';

const d = builtinDistrict();
const grids = areasByLevel(d, 'grid');
const communities = areasByLevel(d, 'community');

function feature(g: AreaGeometry): Feature<Polygon | MultiPolygon> {
  return { type: 'Feature', properties: {}, geometry: g as Polygon | MultiPolygon };
}

function boxesTouch(a: AreaGeometry, b: AreaGeometry): boolean {
  const [aw, as, ae, an] = geometryBBox(a);
  const [bw, bs, be, bn] = geometryBBox(b);
  return aw <= be && bw <= ae && as <= bn && bs <= an;
}

describe('codes and hierarchy', () => {
  it('orders areas street, communities, grids, with levels by code length and parents as prefixes', () => {
    expect(d.areas.map((a) => a.level)).toEqual([
      'street',
      ...communities.map(() => 'community'),
      ...grids.map(() => 'grid'),
    ]);
    expect(new Set(d.areas.map((a) => a.code)).size).toBe(d.areas.length);
    for (const a of d.areas) {
      expect(levelOfCode(a.code)).toBe(a.level);
      if (a.level === 'street') expect(a.parent).toBeUndefined();
      else expect(a.code.startsWith(a.parent as string) && a.parent?.length === a.code.length - 3).toBe(true);
    }
    for (const g of grids) expect(g.code).toMatch(/^\d{15}$/);
    expect(grids.length).toBeGreaterThanOrEqual(90);
    expect(grids.length).toBeLessThanOrEqual(110);
  });

  it('numbers grids west→east, north→south inside each community', () => {
    for (const c of communities) {
      const kids = childrenOf(d, c.code);
      expect(kids.map((g) => g.code)).toEqual(kids.map((_, k) => c.code + String(k + 1).padStart(3, '0')));
      expect(kids.map((g) => g.name)).toEqual(kids.map((_, k) => `第${k + 1}网格`));
      const heights = kids
        .map((g) => geometryBBox(g.geometry))
        .map(([, s, , n]) => n - s)
        .sort((a, b) => a - b);
      const tolerance = 0.5 * (heights[Math.floor(heights.length / 2)] as number);
      let rowTop = Infinity;
      kids.forEach((g, k) => {
        const [x, y] = geometryCentroid(g.geometry);
        if (k > 0 && rowTop - y <= tolerance) {
          // Same row: east of the previous grid.
          expect(x, g.code).toBeGreaterThan(geometryCentroid((kids[k - 1] as Area).geometry)[0]);
        } else {
          // A new row starts more than the tolerance south of the previous row's first grid.
          if (k > 0) expect(y, g.code).toBeLessThan(rowTop - tolerance);
          rowTop = y;
        }
      });
    }
  });

  it('puts every area centre inside its area', () => {
    for (const a of d.areas) expect(pointInGeometry(a.center, a.geometry), a.code).toBe(true);
  });
});

describe('grids tile their community', () => {
  it('sum of grid areas equals the community area (0.1%), communities sum to the street', () => {
    for (const c of communities) {
      const sum = childrenOf(d, c.code).reduce((acc, g) => acc + turfArea(feature(g.geometry)), 0);
      expect(Math.abs(sum - turfArea(feature(c.geometry))) / turfArea(feature(c.geometry))).toBeLessThan(0.001);
    }
    const street = d.areas[0] as Area;
    const sum = communities.reduce((acc, c) => acc + turfArea(feature(c.geometry)), 0);
    expect(Math.abs(sum - turfArea(feature(street.geometry))) / turfArea(feature(street.geometry))).toBeLessThan(0.001);
  });

  it('5,000 random points in each community fall in exactly one of its grids', () => {
    const rng = testRng(11);
    for (const c of communities) {
      const kids = childrenOf(d, c.code);
      for (const p of pointsInside(c.geometry, 5000, rng)) {
        const hits = kids.filter((g) => booleanPointInPolygon(p, feature(g.geometry)));
        expect(hits.length).toBe(1);
      }
    }
  });

  it('no two neighbouring grids overlap', () => {
    let pairs = 0;
    for (let a = 0; a < grids.length; a++) {
      for (let b = a + 1; b < grids.length; b++) {
        const ga = (grids[a] as Area).geometry;
        const gb = (grids[b] as Area).geometry;
        if (!boxesTouch(ga, gb)) continue;
        pairs++;
        const overlap = intersect(featureCollection([feature(ga), feature(gb)]));
        expect(overlap ? turfArea(overlap) : 0).toBeLessThan(1);
      }
    }
    expect(pairs).toBeGreaterThan(grids.length);
  });
});

describe('buildings, roads and POIs', () => {
  const byCode = areaByCode(d);

  it('every building lies inside exactly the grid it names, away from roads and water', () => {
    expect(new Set(d.buildings.map((b) => b.id)).size).toBe(d.buildings.length);
    for (const b of d.buildings) {
      const fp = polygon([b.footprint]);
      const grid = byCode.get(b.grid) as Area;
      expect(booleanWithin(fp, feature(grid.geometry)), b.id).toBe(true);
      const others = grids.filter((g) => g.code !== b.grid && pointInGeometry(b.center, g.geometry));
      expect(others).toHaveLength(0);
      expect(pointInGeometry(b.center, grid.geometry)).toBe(true);
    }
  });

  it('no building crosses a road or stands in water', () => {
    const boxes = d.buildings.map((b) => ({ b, box: geometryBBox({ type: 'Polygon', coordinates: [b.footprint] }) }));
    for (const road of d.roads) {
      const line = lineString(road.line);
      const [rw, rs, re, rn] = geometryBBox({ type: 'Polygon', coordinates: [road.line] });
      for (const { b, box } of boxes) {
        if (box[0] > re || box[2] < rw || box[1] > rn || box[3] < rs) continue;
        expect(booleanIntersects(polygon([b.footprint]), line), `${b.id} × ${road.name}`).toBe(false);
      }
    }
    for (const w of d.water) {
      for (const { b } of boxes) expect(booleanIntersects(polygon([b.footprint]), feature(w.geometry))).toBe(false);
    }
  });

  it('has every kind of POI, one community office per community, each in the grid it names', () => {
    const kinds = new Set(d.pois.map((p) => p.kind));
    expect(kinds).toEqual(
      new Set(['parking', 'trash_station', 'elderly_care', 'school', 'clinic', 'community_office', 'park', 'market']),
    );
    for (const c of communities) {
      expect(d.pois.filter((p) => p.kind === 'community_office' && p.grid.startsWith(c.code))).toHaveLength(1);
    }
    for (const p of d.pois) expect(pointInGeometry(p.position, (byCode.get(p.grid) as Area).geometry), p.id).toBe(true);
  });
});

describe('parseDistrict', () => {
  const clone = (): District => JSON.parse(JSON.stringify(d));
  const at = <T>(items: T[], k: number): T => {
    const item = items[k];
    if (item === undefined) throw new Error(`no item ${k}`);
    return item;
  };

  it('accepts the built-in package and caches builtinDistrict', () => {
    expect(parseDistrict(clone()).areas).toHaveLength(d.areas.length);
    expect(builtinDistrict()).toBe(d);
  });

  it.each<[string, (x: District) => void, string]>([
    ['version', (x) => Object.assign(x, { version: 2 }), 'version'],
    [
      'unclosed ring',
      (x) => at(at(x.areas, 3).geometry.coordinates as Ring[][], 0).pop(),
      'areas[3].geometry.coordinates[0]',
    ],
    ['projected coordinate', (x) => (at(x.buildings, 5).center = [13_370_000, 3_540_000]), 'buildings[5].center[0]'],
    ['level/code mismatch', (x) => (at(x.areas, 1).level = 'grid'), 'areas[1].level'],
    ['unknown grid', (x) => (at(x.pois, 2).grid = '330106007999999'), 'pois[2].grid'],
    ['duplicate code', (x) => (at(x.areas, 2).code = at(x.areas, 1).code), 'areas[2].code'],
    ['bad road class', (x) => Object.assign(at(x.roads, 0), { class: 'motorway' }), 'roads[0].class'],
  ])('rejects %s with the path of the problem', (_label, mutate, path) => {
    const bad = clone();
    mutate(bad);
    let error: unknown;
    try {
      parseDistrict(bad);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DistrictFormatError);
    expect((error as DistrictFormatError).issues.some((i) => i.startsWith(`${path}:`))).toBe(true);
    expect((error as Error).message).toContain(path);
  });

  it('rejects non-objects', () => {
    expect(() => parseDistrict(null)).toThrow(DistrictFormatError);
    expect(() => parseDistrict('x')).toThrow(/\(root\)/);
  });
});

describe('helpers', () => {
  it('areasByLevel, areaByCode and childrenOf agree', () => {
    expect(areasByLevel(d, 'street')).toHaveLength(1);
    expect(childrenOf(d, d.code)).toEqual(communities);
    expect(areaByCode(d).get(grids[0]?.code as string)).toBe(grids[0]);
    expect(childrenOf(d, grids[0]?.code as string)).toEqual([]);
  });
});
