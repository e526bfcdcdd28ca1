import { area, featureCollection, intersect, polygon, multiPolygon } from '@turf/turf';
import Flatbush from 'flatbush';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import type { AreaGeometry, Position } from '../district.types';
import { geometryBBox, pointInGeometry, pointOnSurface } from '../geometry';

/** An area being imported, with what the spatial steps need computed once. */
export interface Shape {
  geometry: AreaGeometry;
  bbox: [number, number, number, number];
  /** A point inside the area (label anchor, containment probe). */
  point: Position;
  /** Area in m² (turf, spherical). */
  m2: number;
}

export function toFeature(g: AreaGeometry): Feature<Polygon | MultiPolygon> {
  return g.type === 'Polygon' ? polygon(g.coordinates) : multiPolygon(g.coordinates);
}

export function makeShape(geometry: AreaGeometry): Shape {
  return { geometry, bbox: geometryBBox(geometry), point: pointOnSurface(geometry), m2: area(toFeature(geometry)) };
}

/** Area of the intersection of two areas in m²; 0 when they do not meet or the clipper fails on them. */
export function overlapM2(a: AreaGeometry, b: AreaGeometry): number {
  try {
    const x = intersect(featureCollection([toFeature(a), toFeature(b)]));
    return x ? area(x) : 0;
  } catch {
    return 0;
  }
}

/** Bounding-box index over shapes (Flatbush), for the pairwise containment and overlap tests. */
export class ShapeIndex<T extends Shape> {
  private readonly tree: Flatbush;

  constructor(readonly items: readonly T[]) {
    this.tree = new Flatbush(Math.max(items.length, 1));
    for (const s of items) this.tree.add(...s.bbox);
    if (items.length === 0) this.tree.add(0, 0, 0, 0);
    this.tree.finish();
  }

  /** Items whose bbox meets the given one. */
  near(bbox: readonly [number, number, number, number]): T[] {
    if (this.items.length === 0) return [];
    return this.tree.search(...bbox).map((k) => this.items[k] as T);
  }

  /**
   * The smallest item, other than `child` and larger than it, holding the child's interior point and more than
   * half its area; when none holds the point, the one holding the largest share above half (a child whose
   * point lands on a generalised boundary still finds its parent).
   */
  container(child: Shape, accept: (candidate: T) => boolean = () => true): T | undefined {
    const candidates = this.near(child.bbox).filter((c) => c !== child && c.m2 > child.m2 && accept(c));
    const holding = candidates.filter((c) => pointInGeometry(child.point, c.geometry)).sort((a, b) => a.m2 - b.m2);
    for (const c of holding) if (overlapM2(child.geometry, c.geometry) > 0.5 * child.m2) return c;
    let best: T | undefined;
    let bestShare = 0.5;
    for (const c of candidates) {
      const share = overlapM2(child.geometry, c.geometry) / child.m2;
      if (share > bestShare) [best, bestShare] = [c, share];
    }
    return best;
  }
}
