import { area, difference, featureCollection, union } from '@turf/turf';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import type { AreaGeometry, Position, Ring } from '../district.types';
import { pointOnSurface } from '../geometry';
import type { Item } from './hierarchy';
import type { ImportProblem } from './import.types';
import { overlapM2, ShapeIndex, toFeature } from './spatial';

const fmt = (p: Position): string => `[${p[0].toFixed(6)}, ${p[1].toFixed(6)}]`;
const ha = (m2: number): string => (m2 >= 1e4 ? `${(m2 / 1e4).toFixed(2)} ha` : `${Math.round(m2)} m²`);

/** Union of areas as one geometry, or undefined when the clipper fails on them. */
export function unionOf(geometries: readonly AreaGeometry[]): AreaGeometry | undefined {
  if (geometries.length === 1) return geometries[0];
  try {
    const u = union(featureCollection(geometries.map(toFeature)));
    return u ? fromFeature(u) : undefined;
  } catch {
    return undefined;
  }
}

function fromFeature(f: Feature<Polygon | MultiPolygon>): AreaGeometry {
  return f.geometry.type === 'Polygon'
    ? { type: 'Polygon', coordinates: f.geometry.coordinates as Ring[] }
    : { type: 'MultiPolygon', coordinates: f.geometry.coordinates as Ring[][] };
}

/**
 * Siblings (children of one parent) that overlap by more than `tolerance` × the smaller one's area: an error,
 * since a point there would belong to two areas. Reported on the later feature of each pair.
 */
export function findOverlaps(siblings: readonly Item[], tolerance: number, tick: () => void): ImportProblem[] {
  const problems: ImportProblem[] = [];
  const index = new ShapeIndex(siblings);
  const order = new Map(siblings.map((s, i) => [s, i]));
  siblings.forEach((a, i) => {
    for (const b of index.near(a.bbox)) {
      if ((order.get(b) ?? -1) <= i) continue;
      const m2 = overlapM2(a.geometry, b.geometry);
      const smaller = Math.min(a.m2, b.m2);
      if (m2 > tolerance * smaller)
        problems.push({
          featureId: b.featureId,
          severity: 'error',
          kind: 'overlap',
          message: `overlaps ${a.featureId} (${a.name}) by ${ha(m2)}, ${((100 * m2) / smaller).toFixed(2)}% of the smaller area`,
          hint: `fix the shared boundary so the two do not overlap (QGIS snapping and "Fix geometries", \`mapshaper -clean\`), or raise --tolerance (now ${tolerance})`,
        });
    }
    tick();
  });
  return problems;
}

/**
 * Whether the children of `parent` cover it: the uncovered share above `tolerance` × the parent's area is an
 * error (a point in the gap would be located in no child), named with a point inside the largest gap.
 */
export function findGap(parent: Item, children: readonly Item[], tolerance: number): ImportProblem | undefined {
  const covered = unionOf(children.map((c) => c.geometry));
  if (!covered) return undefined;
  let rest: Feature<Polygon | MultiPolygon> | null;
  try {
    rest = difference(featureCollection([toFeature(parent.geometry), toFeature(covered)]));
  } catch {
    return undefined;
  }
  if (!rest) return undefined;
  const m2 = area(rest);
  if (m2 <= tolerance * parent.m2) return undefined;
  const pieces = rest.geometry.type === 'Polygon' ? [rest.geometry.coordinates] : rest.geometry.coordinates;
  let largest: AreaGeometry | undefined;
  let largestM2 = 0;
  for (const rings of pieces) {
    const g: AreaGeometry = { type: 'Polygon', coordinates: rings as Ring[] };
    const a = area(toFeature(g));
    if (a > largestM2) [largest, largestM2] = [g, a];
  }
  let at = '';
  try {
    if (largest) at = `; the largest gap (${ha(largestM2)}) is around ${fmt(pointOnSurface(largest))}`;
  } catch {
    at = '';
  }
  return {
    featureId: parent.featureId,
    severity: 'error',
    kind: 'gap',
    message: `its ${children.length} ${children[0]?.level ?? 'child'} areas leave ${ha(m2)} uncovered (${((100 * m2) / parent.m2).toFixed(2)}% of it)${at}`,
    hint: `extend the children to the parent's boundary (or add the missing area), or raise --tolerance (now ${tolerance}); events in a gap are located in no ${children[0]?.level ?? 'child'}`,
  };
}
