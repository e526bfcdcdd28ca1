import { kinks } from '@turf/turf';
import type { Geometry } from 'geojson';
import type { AreaGeometry, Position, Ring } from '../district.types';
import type { ImportProblem } from './import.types';

export interface CheckedGeometry {
  /** The geometry in WGS84, rings closed, repeated positions removed; undefined when nothing usable is left. */
  geometry?: AreaGeometry;
  problems: ImportProblem[];
}

const FIX_HINT = 'repair it in a GIS (QGIS "Fix geometries", `mapshaper -clean`) and import again, or pass --force';

function sameXY(a: readonly number[], b: readonly number[]): boolean {
  return a[0] === b[0] && a[1] === b[1];
}

/**
 * Removes spikes from a closed ring: a vertex where the boundary turns back on itself (A→B→A, or on along the
 * same line), which encloses no area. Quantised boundaries (e.g. echarts-style data on a 1/1024° lattice) are
 * full of them, and they would otherwise read as self-intersections.
 */
function removeSpikes(closed: Ring): Ring {
  const ring = closed.slice(0, -1);
  for (let changed = true; changed && ring.length > 3;) {
    changed = false;
    for (let i = 0; i < ring.length && ring.length > 3; i++) {
      const a = ring[(i - 1 + ring.length) % ring.length] as Position;
      const b = ring[i] as Position;
      const c = ring[(i + 1) % ring.length] as Position;
      const cross = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
      const dot = (b[0] - a[0]) * (c[0] - b[0]) + (b[1] - a[1]) * (c[1] - b[1]);
      if (sameXY(a, b) || (cross === 0 && dot < 0)) {
        ring.splice(i--, 1);
        changed = true;
      }
    }
  }
  return [...ring, ring[0] as Position];
}

function asGeometry(polygons: Ring[][]): AreaGeometry {
  return polygons.length === 1
    ? { type: 'Polygon', coordinates: polygons[0] as Ring[] }
    : { type: 'MultiPolygon', coordinates: polygons };
}

/** The ring in WGS84, without the repeats that rounding can make. */
function convertRing(ring: Ring, convert: (p: readonly number[]) => Position): Ring {
  const out: Ring = [];
  for (const p of ring) {
    const q = convert(p);
    const last = out[out.length - 1];
    if (!last || !sameXY(last, q)) out.push(q);
  }
  return out;
}

/**
 * Points where the boundary crosses itself. Kinks at a vertex of the geometry are the ring touching itself
 * (a pinch, common where a district narrows to a point); even-odd point-in-polygon reads those right, so only
 * crossings between vertices count.
 */
function crossings(g: AreaGeometry, rings: readonly Ring[]): Position[] {
  const vertices = new Set(rings.flatMap((r) => r.map((p) => `${p[0]},${p[1]}`)));
  try {
    return kinks(g)
      .features.map((k) => k.geometry.coordinates as Position)
      .filter((p) => !vertices.has(`${p[0]},${p[1]}`));
  } catch {
    return [];
  }
}

/**
 * Checks one feature's geometry and returns it normalised. Errors: not a polygon; a position that is not two
 * finite numbers (the feature is dropped); an unclosed ring (closed); a ring of fewer than 4 positions (dropped;
 * the polygon too when it is the outer ring); a self-intersection (kept). Warning: holes (kept).
 */
export function checkGeometry(
  featureId: string,
  geometry: Geometry | null,
  convert: (p: readonly number[]) => Position,
): CheckedGeometry {
  const problems: ImportProblem[] = [];
  const error = (kind: ImportProblem['kind'], message: string, hint: string): void => {
    problems.push({ featureId, severity: 'error', kind, message, hint });
  };
  if (!geometry || (geometry.type !== 'Polygon' && geometry.type !== 'MultiPolygon')) {
    error(
      'invalid-geometry',
      `geometry is ${geometry ? geometry.type : 'missing'}, not a Polygon or MultiPolygon`,
      'only areas can be imported: remove this feature or give it a polygon',
    );
    return { problems };
  }
  const polygons = (geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates) as unknown[][][][];
  const out: Ring[][] = [];
  for (const [p, poly] of polygons.entries()) {
    const rings: Ring[] = [];
    for (const [r, raw] of (Array.isArray(poly) ? poly : []).entries()) {
      const where = `${polygons.length > 1 ? `polygon ${p}, ` : ''}ring ${r}${r === 0 ? ' (outer)' : ''}`;
      if (!Array.isArray(raw)) {
        error('invalid-geometry', `${where} is not an array of positions`, FIX_HINT);
        return { problems };
      }
      const bad = raw.findIndex(
        (pos) => !Array.isArray(pos) || pos.length < 2 || !Number.isFinite(pos[0]) || !Number.isFinite(pos[1]),
      );
      if (bad >= 0) {
        error(
          'invalid-geometry',
          `${where}, position ${bad} is ${JSON.stringify(raw[bad])}, not two finite numbers (NaN or missing)`,
          `${FIX_HINT}; with --force the feature is left out`,
        );
        return { problems };
      }
      const ring: Ring = [];
      for (const pos of raw as number[][]) {
        const q: Position = [pos[0] as number, pos[1] as number];
        const last = ring[ring.length - 1];
        // Repeated positions (common after quantisation) carry nothing and confuse the self-intersection test.
        if (!last || !sameXY(last, q)) ring.push(q);
      }
      const first = raw[0] as number[] | undefined;
      const lastRaw = raw[raw.length - 1] as number[] | undefined;
      if (first && lastRaw && !sameXY(first, lastRaw)) {
        error(
          'invalid-geometry',
          `${where} is not closed (first and last positions differ)`,
          'close the ring: repeat its first position at the end; with --force it is closed for you',
        );
        ring.push(ring[0] as Position);
      } else if (ring.length > 1 && !sameXY(ring[0] as Position, ring[ring.length - 1] as Position)) {
        ring.push(ring[0] as Position);
      }
      const cleaned = ring.length >= 4 ? removeSpikes(ring) : ring;
      if (cleaned.length < 4) {
        error(
          'invalid-geometry',
          `${where} has ${cleaned.length} distinct positions once closed; a ring needs at least 4 (a triangle)`,
          `remove the degenerate ring or redraw it; with --force it is left out${r === 0 ? ' (with its polygon)' : ''}`,
        );
        if (r === 0) break;
        continue;
      }
      rings.push(cleaned);
    }
    if (rings.length > 0) out.push(rings);
  }
  if (out.length === 0) {
    if (!problems.some((q) => q.severity === 'error'))
      error('invalid-geometry', 'geometry has no rings', 'give the feature a polygon or remove it');
    return { problems };
  }
  // Cleaned and checked in the input's coordinates: conversion and rounding bend the lattice that quantised
  // boundaries sit on, and could turn a harmless spike into a crossing.
  const crossed = crossings(asGeometry(out), out.flat());
  const converted = out.map((rings) => rings.map((ring) => convertRing(ring, convert)));
  const result = asGeometry(converted);
  const holes = out.reduce((n, rings) => n + rings.length - 1, 0);
  if (holes > 0)
    problems.push({
      featureId,
      severity: 'warning',
      kind: 'hole',
      message: `has ${holes} hole${holes > 1 ? 's' : ''}`,
      hint: 'points in a hole belong to no area of this level unless another area fills it; check the hole is meant (an enclave) and that its area is imported too',
    });
  if (crossed.length > 0) {
    const at = crossed
      .slice(0, 3)
      .map(([x, y]) => `[${x.toFixed(6)}, ${y.toFixed(6)}]`)
      .join(', ');
    error(
      'self-intersection',
      `boundary crosses itself at ${crossed.length} point${crossed.length > 1 ? 's' : ''}: ${at}${crossed.length > 3 ? ', …' : ''}`,
      FIX_HINT,
    );
  }
  return { geometry: result, problems };
}
