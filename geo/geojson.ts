import type { Feature, FeatureCollection, LineString, MultiPolygon, Point, Polygon } from 'geojson';
import type { AreaLevel } from '../protocol';
import type { AreaGeometry, BuildingUse, District, LandUseKind, PoiKind, RoadClass } from './district.types';

/** Storey height used for extrusions, in metres (a typical residential floor-to-floor height). */
export const FLOOR_HEIGHT_M = 3;

export interface AreaProps {
  code: string;
  level: AreaLevel;
  name: string;
  /** English name, the Chinese name when there is none. */
  nameEn: string;
  /** Parent code; null for the top area. */
  parent: string | null;
}
export interface BuildingProps {
  id: string;
  name: string;
  grid: string;
  use: BuildingUse;
  floors: number;
  /** Metres: floors × {@link FLOOR_HEIGHT_M}. */
  height: number;
}
export interface RoadProps {
  id: string;
  name: string;
  nameEn: string;
  class: RoadClass;
}
export interface PoiProps {
  id: string;
  name: string;
  nameEn: string;
  kind: PoiKind;
  grid: string;
}
export interface WaterProps {
  id: string;
  name: string;
  nameEn: string;
}
export interface LandUseProps {
  id: string;
  name: string;
  nameEn: string;
  kind: LandUseKind;
}
export type LabelProps = Omit<AreaProps, 'parent'>;

/** The district as the GeoJSON layers the basemap style loads (`${dataUrl}/<key>.geojson`). */
export interface DistrictGeoJSON {
  areas: FeatureCollection<Polygon | MultiPolygon, AreaProps>;
  buildings: FeatureCollection<Polygon, BuildingProps>;
  roads: FeatureCollection<LineString, RoadProps>;
  pois: FeatureCollection<Point, PoiProps>;
  water: FeatureCollection<Polygon | MultiPolygon, WaterProps>;
  landuse: FeatureCollection<Polygon | MultiPolygon, LandUseProps>;
  labels: FeatureCollection<Point, LabelProps>;
}

function geometryOf(g: AreaGeometry): Polygon | MultiPolygon {
  return g.type === 'Polygon'
    ? { type: 'Polygon', coordinates: g.coordinates }
    : { type: 'MultiPolygon', coordinates: g.coordinates };
}

function collection<G extends Feature['geometry'], P>(features: Feature<G, P>[]): FeatureCollection<G, P> {
  return { type: 'FeatureCollection', features };
}

/** Area centres as points, for labels (the centre is a point inside each area). */
export function areaLabelPoints(d: District): FeatureCollection<Point, LabelProps> {
  return collection(
    d.areas.map((a) => ({
      type: 'Feature' as const,
      geometry: { type: 'Point' as const, coordinates: a.center },
      properties: { code: a.code, level: a.level, name: a.name, nameEn: a.nameEn ?? a.name },
    })),
  );
}

/** Every layer of the district as a GeoJSON FeatureCollection (coordinates shared, not copied). */
export function districtToGeoJSON(d: District): DistrictGeoJSON {
  return {
    areas: collection(
      d.areas.map((a) => ({
        type: 'Feature' as const,
        geometry: geometryOf(a.geometry),
        properties: {
          code: a.code,
          level: a.level,
          name: a.name,
          nameEn: a.nameEn ?? a.name,
          parent: a.parent ?? null,
        },
      })),
    ),
    buildings: collection(
      d.buildings.map((b) => ({
        type: 'Feature' as const,
        geometry: { type: 'Polygon' as const, coordinates: [b.footprint] },
        properties: {
          id: b.id,
          name: b.name,
          grid: b.grid,
          use: b.use,
          floors: b.floors,
          height: b.floors * FLOOR_HEIGHT_M,
        },
      })),
    ),
    roads: collection(
      d.roads.map((r) => ({
        type: 'Feature' as const,
        geometry: { type: 'LineString' as const, coordinates: r.line },
        properties: { id: r.id, name: r.name, nameEn: r.nameEn ?? r.name, class: r.class },
      })),
    ),
    pois: collection(
      d.pois.map((p) => ({
        type: 'Feature' as const,
        geometry: { type: 'Point' as const, coordinates: p.position },
        properties: { id: p.id, name: p.name, nameEn: p.nameEn ?? p.name, kind: p.kind, grid: p.grid },
      })),
    ),
    water: collection(
      d.water.map((w) => ({
        type: 'Feature' as const,
        geometry: geometryOf(w.geometry),
        properties: { id: w.id, name: w.name, nameEn: w.nameEn ?? w.name },
      })),
    ),
    landuse: collection(
      (d.landuse ?? []).map((l) => ({
        type: 'Feature' as const,
        geometry: geometryOf(l.geometry),
        properties: { id: l.id, name: l.name, nameEn: l.nameEn ?? l.name, kind: l.kind },
      })),
    ),
    labels: areaLabelPoints(d),
  };
}
