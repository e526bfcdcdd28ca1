import Flatbush from 'flatbush';
import type { AreaGeometry, Building, District, Ring } from './district.types';
import { polygonsOf } from './geometry';

/** Point → grid / building lookups over a district. */
export interface GridIndex {
  /** Code of the grid containing the point, or undefined outside every grid. */
  gridAt(lon: number, lat: number): string | undefined;
  /** The building whose footprint contains the point, or undefined. */
  buildingAt(lon: number, lat: number): Building | undefined;
  /** Number of grids indexed. */
  size: number;
}

/** All rings of a geometry flattened to [x0, y0, x1, y1, …] arrays (closing position included). */
function flatRings(rings: readonly Ring[]): Float64Array[] {
  return rings.map((ring) => {
    const flat = new Float64Array(ring.length * 2);
    ring.forEach(([x, y], k) => {
      flat[2 * k] = x;
      flat[2 * k + 1] = y;
    });
    return flat;
  });
}

function ringsOf(g: AreaGeometry): Ring[] {
  return polygonsOf(g).flat();
}

/**
 * Even-odd ray cast over flat Float64Array rings. Hand-written rather than @turf/boolean-point-in-polygon
 * because this is the aggregation hot path (DESIGN §8: ≥ 1 M events/s): turf builds GeoJSON wrappers and
 * checks bboxes per call, this touches only typed arrays and allocates nothing. Even-odd over all rings
 * handles holes and MultiPolygon parts alike. Edge endpoints are ordered by latitude before the crossing is
 * computed, so two grids sharing an edge get bit-identical crossings and a point on the shared edge falls in
 * exactly one of them.
 */
function inRings(rings: readonly Float64Array[], x: number, y: number): boolean {
  let inside = false;
  for (let r = 0; r < rings.length; r++) {
    const a = rings[r] as Float64Array;
    const n = a.length;
    for (let k = 0; k + 2 < n; k += 2) {
      const y0 = a[k + 1] as number;
      const y1 = a[k + 3] as number;
      if (y0 > y === y1 > y) continue;
      const x0 = a[k] as number;
      const x1 = a[k + 2] as number;
      const xCross = y0 < y1 ? x0 + ((y - y0) * (x1 - x0)) / (y1 - y0) : x1 + ((y - y1) * (x0 - x1)) / (y0 - y1);
      if (x < xCross) inside = !inside;
    }
  }
  return inside;
}

/** Whether segment (x0,y0)-(x1,y1) touches the rectangle (Liang–Barsky clipping). */
function segmentHitsBox(
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  bx0: number,
  by0: number,
  bx1: number,
  by1: number,
): boolean {
  if ((x0 < bx0 && x1 < bx0) || (x0 > bx1 && x1 > bx1) || (y0 < by0 && y1 < by0) || (y0 > by1 && y1 > by1))
    return false;
  let t0 = 0;
  let t1 = 1;
  const dx = x1 - x0;
  const dy = y1 - y0;
  const clip = (p: number, q: number): boolean => {
    if (p === 0) return q >= 0;
    const t = q / p;
    if (p < 0) {
      if (t > t1) return false;
      if (t > t0) t0 = t;
    } else {
      if (t < t0) return false;
      if (t < t1) t1 = t;
    }
    return true;
  };
  return clip(-dx, x0 - bx0) && clip(dx, bx1 - x0) && clip(-dy, y0 - by0) && clip(dy, by1 - y0) && t0 <= t1;
}

function ringsCrossBox(rings: readonly Float64Array[], bx0: number, by0: number, bx1: number, by1: number): boolean {
  for (const a of rings) {
    for (let k = 0; k + 2 < a.length; k += 2) {
      if (
        segmentHitsBox(a[k] as number, a[k + 1] as number, a[k + 2] as number, a[k + 3] as number, bx0, by0, bx1, by1)
      )
        return true;
    }
  }
  return false;
}

const EMPTY = -1;
const MIXED = -2;
/** 1e-9° ≈ 0.1 mm. */
const PAD = 1e-9;

/**
 * A polygon index answering "which polygon contains this point" (polygons must not overlap).
 * Flatbush finds, for every bucket of a uniform raster over the data, the polygons whose boxes touch it; a
 * bucket that no polygon edge crosses is resolved once at build time (inside one polygon, or in none), and
 * only buckets with an edge through them keep a short candidate list for the exact ray cast. Most lookups
 * are then one array read, which is what makes millions of lookups per second per core possible; the
 * answers are exactly those of the ray cast.
 */
class PolygonIndex<T> {
  private readonly rings: Float64Array[][];
  private readonly resolved: Int32Array;
  private readonly start: Uint32Array;
  private readonly candidates: Uint32Array;
  private readonly x0: number;
  private readonly y0: number;
  private readonly sx: number;
  private readonly sy: number;
  private readonly nx: number;
  private readonly ny: number;

  constructor(
    readonly items: readonly T[],
    ringsOfItem: (item: T) => Ring[],
    buckets: number,
  ) {
    this.rings = items.map((item) => flatRings(ringsOfItem(item)));
    const tree = new Flatbush(Math.max(items.length, 1));
    let w = Infinity;
    let s = Infinity;
    let e = -Infinity;
    let n = -Infinity;
    for (const rs of this.rings) {
      let iw = Infinity;
      let is = Infinity;
      let ie = -Infinity;
      let iN = -Infinity;
      for (const a of rs) {
        for (let k = 0; k < a.length; k += 2) {
          iw = Math.min(iw, a[k] as number);
          ie = Math.max(ie, a[k] as number);
          is = Math.min(is, a[k + 1] as number);
          iN = Math.max(iN, a[k + 1] as number);
        }
      }
      tree.add(iw, is, ie, iN);
      w = Math.min(w, iw);
      s = Math.min(s, is);
      e = Math.max(e, ie);
      n = Math.max(n, iN);
    }
    // Flatbush needs one box; an empty index gets one nothing can reach.
    if (items.length === 0) {
      tree.add(0, 0, 0, 0);
      [w, s, e, n] = [0, 0, 0, 0];
    }
    tree.finish();
    const spanX = e - w || 1e-9;
    const spanY = n - s || 1e-9;
    this.nx = spanX >= spanY ? buckets : Math.max(1, Math.round((buckets * spanX) / spanY));
    this.ny = spanY >= spanX ? buckets : Math.max(1, Math.round((buckets * spanY) / spanX));
    this.x0 = w;
    this.y0 = s;
    this.sx = this.nx / spanX;
    this.sy = this.ny / spanY;
    this.resolved = new Int32Array(this.nx * this.ny);
    this.start = new Uint32Array(this.nx * this.ny + 1);
    const list: number[] = [];
    const bw = spanX / this.nx;
    const bh = spanY / this.ny;
    for (let j = 0; j < this.ny; j++) {
      for (let i = 0; i < this.nx; i++) {
        const b = i + j * this.nx;
        this.start[b] = list.length;
        const bx0 = w + i * bw;
        const by0 = s + j * bh;
        const bx1 = bx0 + bw;
        const by1 = by0 + bh;
        const near = items.length === 0 ? [] : tree.search(bx0 - PAD, by0 - PAD, bx1 + PAD, by1 + PAD);
        // Slightly grown box: a point that floor() puts in this bucket may sit an ulp outside its bounds.
        const crossed = near.filter((k) =>
          ringsCrossBox(this.rings[k] as Float64Array[], bx0 - PAD, by0 - PAD, bx1 + PAD, by1 + PAD),
        );
        if (crossed.length > 0) {
          this.resolved[b] = MIXED;
          list.push(...near);
        } else {
          // No edge in the bucket: the whole bucket is inside the polygon that holds its centre, or in none.
          const cx = (bx0 + bx1) / 2;
          const cy = (by0 + by1) / 2;
          this.resolved[b] = near.find((k) => inRings(this.rings[k] as Float64Array[], cx, cy)) ?? EMPTY;
        }
      }
    }
    this.start[this.nx * this.ny] = list.length;
    this.candidates = Uint32Array.from(list);
  }

  /** Index of the item containing the point, or -1. */
  find(x: number, y: number): number {
    const i = Math.floor((x - this.x0) * this.sx);
    const j = Math.floor((y - this.y0) * this.sy);
    if (i < 0 || j < 0 || i >= this.nx || j >= this.ny) {
      // Points on the far edge of the data bbox still need the exact test.
      if (i === this.nx || j === this.ny)
        return this.scan(Math.min(i, this.nx - 1) + Math.min(j, this.ny - 1) * this.nx, x, y);
      return EMPTY;
    }
    const b = i + j * this.nx;
    const r = this.resolved[b] as number;
    return r === MIXED ? this.scan(b, x, y) : r;
  }

  private scan(b: number, x: number, y: number): number {
    const end = this.start[b + 1] as number;
    for (let c = this.start[b] as number; c < end; c++) {
      const k = this.candidates[c] as number;
      if (inRings(this.rings[k] as Float64Array[], x, y)) return k;
    }
    return EMPTY;
  }
}

/**
 * Builds the point index of a district. Grids must tile without overlaps (a point has one grid); so must
 * building footprints.
 */
export function createGridIndex(district: District): GridIndex {
  const grids = new PolygonIndex(
    district.areas.filter((a) => a.level === 'grid'),
    (a) => ringsOf(a.geometry),
    256,
  );
  const buildings = new PolygonIndex(district.buildings, (b) => [b.footprint], 256);
  return {
    size: grids.items.length,
    gridAt(lon, lat) {
      const k = grids.find(lon, lat);
      return k < 0 ? undefined : grids.items[k]?.code;
    },
    buildingAt(lon, lat) {
      const k = buildings.find(lon, lat);
      return k < 0 ? undefined : buildings.items[k];
    },
  };
}
