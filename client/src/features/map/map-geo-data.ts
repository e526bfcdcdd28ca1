import type { Feature, FeatureCollection, MultiPolygon, Polygon, Position } from 'geojson';
import { pointInGeometry } from '../../../../geo/geometry';
import type { DeviceView } from '../../../../protocol';

export type BBox = [west: number, south: number, east: number, north: number];

/** Bounding box of a polygon or multipolygon. */
export function geometryBounds(g: Polygon | MultiPolygon): BBox {
  const box: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  const visit = (p: Position) => {
    box[0] = Math.min(box[0], p[0]!);
    box[1] = Math.min(box[1], p[1]!);
    box[2] = Math.max(box[2], p[0]!);
    box[3] = Math.max(box[3], p[1]!);
  };
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  for (const poly of polys) for (const ring of poly) ring.forEach(visit);
  return box;
}

export interface BuildingShape {
  id: string;
  name: string;
  grid: string;
  bounds: BBox;
  geometry: Polygon;
}

/** Devices whose position lies in a building's footprint (smoke detectors, meters and wearables live in flats). */
export function devicesInBuilding(devices: Iterable<DeviceView>, b: BuildingShape): DeviceView[] {
  const out: DeviceView[] = [];
  const geometry = { type: 'Polygon' as const, coordinates: b.geometry.coordinates as [number, number][][] };
  for (const d of devices) {
    if (d.grid !== b.grid) continue;
    if (d.lon < b.bounds[0] || d.lon > b.bounds[2] || d.lat < b.bounds[1] || d.lat > b.bounds[3]) continue;
    if (pointInGeometry([d.lon, d.lat], geometry)) out.push(d);
  }
  return out;
}

async function getGeoJson<G extends Polygon | MultiPolygon, P>(layer: string): Promise<FeatureCollection<G, P>> {
  const res = await fetch(`/api/geo/data/${layer}.geojson`);
  if (!res.ok) throw new Error(`${layer}.geojson: HTTP ${res.status}`);
  return (await res.json()) as FeatureCollection<G, P>;
}

/** Area bounds by code (for drill-down camera moves), from the same GeoJSON the basemap draws. */
export async function loadAreaBounds(): Promise<Map<string, BBox>> {
  const fc = await getGeoJson<Polygon | MultiPolygon, { code: string }>('areas');
  return new Map(fc.features.map((f) => [f.properties.code, geometryBounds(f.geometry)]));
}

/** Building footprints by id, loaded when the user first drills into a grid. */
export async function loadBuildings(): Promise<Map<string, BuildingShape>> {
  const fc = await getGeoJson<Polygon, { id: string; name: string; grid: string }>('buildings');
  return new Map(
    fc.features.map((f: Feature<Polygon, { id: string; name: string; grid: string }>) => [
      f.properties.id,
      { ...f.properties, bounds: geometryBounds(f.geometry), geometry: f.geometry },
    ]),
  );
}
