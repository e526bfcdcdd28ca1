import type { AreaGeometry, Position, Ring } from './district.types';

/** Polygons of a geometry as arrays of rings (outer first, then holes). */
export function polygonsOf(g: AreaGeometry): Ring[][] {
  return g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
}

/** Signed planar area of a ring in degree² (positive = counter-clockwise). */
export function ringSignedArea(ring: Ring): number {
  let sum = 0;
  for (let k = 0; k + 1 < ring.length; k++) {
    const [x0, y0] = ring[k] as Position;
    const [x1, y1] = ring[k + 1] as Position;
    sum += x0 * y1 - x1 * y0;
  }
  return sum / 2;
}

/** [west, south, east, north] of a geometry. */
export function geometryBBox(g: AreaGeometry): [number, number, number, number] {
  let w = Infinity;
  let s = Infinity;
  let e = -Infinity;
  let n = -Infinity;
  for (const poly of polygonsOf(g)) {
    for (const [x, y] of poly[0] ?? []) {
      if (x < w) w = x;
      if (x > e) e = x;
      if (y < s) s = y;
      if (y > n) n = y;
    }
  }
  return [w, s, e, n];
}

/** Area-weighted centroid in the lon/lat plane (holes subtract). Can fall outside a concave shape. */
export function geometryCentroid(g: AreaGeometry): Position {
  let a = 0;
  let cx = 0;
  let cy = 0;
  for (const poly of polygonsOf(g)) {
    poly.forEach((ring, k) => {
      // Outer rings add, holes subtract, whatever their winding.
      const sign = k === 0 ? 1 : -1;
      const orient = Math.sign(ringSignedArea(ring)) || 1;
      for (let v = 0; v + 1 < ring.length; v++) {
        const [x0, y0] = ring[v] as Position;
        const [x1, y1] = ring[v + 1] as Position;
        const cross = (x0 * y1 - x1 * y0) * sign * orient;
        a += cross;
        cx += (x0 + x1) * cross;
        cy += (y0 + y1) * cross;
      }
    });
  }
  if (a === 0) {
    const first = polygonsOf(g)[0]?.[0]?.[0];
    if (!first) throw new Error('geometryCentroid: empty geometry');
    return [first[0], first[1]];
  }
  return [cx / (3 * a), cy / (3 * a)];
}

/**
 * Even-odd point-in-polygon over every ring of the geometry: holes and the parts of a MultiPolygon come out
 * right without special cases. Edges are evaluated with their endpoints ordered by latitude, so two neighbours
 * sharing an edge compute the same crossing and a point on that edge belongs to exactly one of them.
 */
export function pointInGeometry(p: Position, g: AreaGeometry): boolean {
  const [x, y] = p;
  let inside = false;
  for (const poly of polygonsOf(g)) {
    for (const ring of poly) {
      for (let k = 0, m = ring.length - 1; k < ring.length; m = k++) {
        const a = ring[k] as Position;
        const b = ring[m] as Position;
        if (a[1] > y !== b[1] > y) {
          const [lo, hi] = a[1] < b[1] ? [a, b] : [b, a];
          const xCross = lo[0] + ((y - lo[1]) * (hi[0] - lo[0])) / (hi[1] - lo[1]);
          if (x < xCross) inside = !inside;
        }
      }
    }
  }
  return inside;
}

/**
 * A point guaranteed inside the geometry, for labels: the centroid when it is inside, otherwise the middle of
 * the widest inside span on the horizontal line through the centroid (or the bbox middle) — the scan-line
 * interior point JTS uses.
 */
export function pointOnSurface(g: AreaGeometry): Position {
  const c = geometryCentroid(g);
  if (pointInGeometry(c, g)) return c;
  const [, s, , n] = geometryBBox(g);
  for (const y of [c[1], (s + n) / 2, s + (n - s) * 0.25, s + (n - s) * 0.75]) {
    const xs: number[] = [];
    for (const poly of polygonsOf(g)) {
      for (const ring of poly) {
        for (let k = 0; k + 1 < ring.length; k++) {
          const a = ring[k] as Position;
          const b = ring[k + 1] as Position;
          if (a[1] > y !== b[1] > y) xs.push(a[0] + ((y - a[1]) * (b[0] - a[0])) / (b[1] - a[1]));
        }
      }
    }
    xs.sort((p, q) => p - q);
    let best: Position | undefined;
    let bestWidth = 0;
    for (let k = 0; k + 1 < xs.length; k += 2) {
      const width = (xs[k + 1] as number) - (xs[k] as number);
      if (width > bestWidth) {
        bestWidth = width;
        best = [((xs[k] as number) + (xs[k + 1] as number)) / 2, y];
      }
    }
    if (best && pointInGeometry(best, g)) return best;
  }
  throw new Error('pointOnSurface: degenerate geometry');
}
