import gcoord, { type CRSTypes } from 'gcoord';
import type { Position } from '../district.types';
import { ImportError, type InputCrs } from './import.types';
import type { RawFeature } from './read-input';

/** Stored precision: 1e-7° is about 1 cm, far below any boundary's accuracy, and keeps the package small. */
const DECIMALS = 1e7;

const FROM: Record<Exclude<InputCrs, 'wgs84'>, CRSTypes> = { gcj02: gcoord.GCJ02, bd09: gcoord.BD09 };

/** A converter from the input CRS to WGS84, rounding to the stored precision. */
export function toWgs84(crs: InputCrs): (p: readonly number[]) => Position {
  const round = (x: number): number => Math.round(x * DECIMALS) / DECIMALS;
  if (crs === 'wgs84') return (p) => [round(p[0] as number), round(p[1] as number)];
  const from = FROM[crs];
  return (p) => {
    const [x, y] = gcoord.transform([p[0] as number, p[1] as number], from, gcoord.WGS84);
    return [round(x), round(y)];
  };
}

function* positionsOf(coords: unknown): Generator<unknown[]> {
  if (!Array.isArray(coords)) return;
  if (typeof coords[0] === 'number') {
    yield coords;
    return;
  }
  for (const c of coords) yield* positionsOf(c);
}

/**
 * Refuses projected input (metres, e.g. Web Mercator or a CGCS2000 Gauss–Krüger zone): any |x| > 180 or
 * |y| > 90. Checked over the whole file before anything else, since one such feature means the file is in
 * the wrong coordinate system.
 * @throws ImportError naming the first feature and the position.
 */
export function refuseProjected(features: readonly RawFeature[], describe: (f: RawFeature) => string): void {
  for (const f of features) {
    const g = f.geometry;
    if (!g || g.type === 'GeometryCollection') continue;
    for (const p of positionsOf(g.coordinates)) {
      const [x, y] = p as number[];
      if (Math.abs(x as number) > 180 || Math.abs(y as number) > 90)
        throw new ImportError(
          `feature ${describe(f)} has the position [${String(x)}, ${String(y)}], outside longitude/latitude: the file looks projected (e.g. metres)`,
          'reproject it to WGS84 longitude/latitude first, e.g. `ogr2ogr -f GeoJSON -t_srs EPSG:4326 out.geojson in.geojson`, then import with --crs wgs84',
        );
    }
  }
}
