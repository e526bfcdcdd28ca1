import type { AreaLevel } from '../protocol';

/**
 * The district package (DESIGN §3.1): everything GridPulse knows about the place it watches.
 * Coordinates are WGS84 [lon, lat]; polygons are GeoJSON-style rings (outer first, closed).
 */
export type Position = [number, number];
export type Ring = Position[];
/** A polygon or multipolygon, as GeoJSON coordinates. */
export type AreaGeometry = { type: 'Polygon'; coordinates: Ring[] } | { type: 'MultiPolygon'; coordinates: Ring[][] };

export interface Area {
  code: string;
  level: AreaLevel;
  name: string;
  nameEn?: string;
  /** Parent area code; absent for the top area. */
  parent?: string;
  geometry: AreaGeometry;
  /** Label anchor inside the area. */
  center: Position;
}

export type BuildingUse = 'residential' | 'office' | 'school' | 'clinic' | 'commercial' | 'public';

export interface Building {
  id: string;
  /** e.g. "3号楼" */
  name: string;
  grid: string;
  use: BuildingUse;
  floors: number;
  footprint: Ring;
  center: Position;
}

export type RoadClass = 'primary' | 'secondary' | 'tertiary' | 'residential' | 'path';

export interface Road {
  id: string;
  name: string;
  nameEn?: string;
  class: RoadClass;
  line: Position[];
}

export type PoiKind =
  'parking' | 'trash_station' | 'elderly_care' | 'school' | 'clinic' | 'community_office' | 'park' | 'market';

export interface Poi {
  id: string;
  name: string;
  nameEn?: string;
  kind: PoiKind;
  grid: string;
  position: Position;
}

export interface Water {
  id: string;
  name: string;
  nameEn?: string;
  geometry: AreaGeometry;
}

/** Land that is not built on, drawn under the buildings: parks and school grounds. */
export type LandUseKind = 'park' | 'school';

export interface LandUse {
  id: string;
  name: string;
  nameEn?: string;
  kind: LandUseKind;
  geometry: AreaGeometry;
}

export interface District {
  /** Format of the package; 1 today. */
  version: 1;
  /** Code of the top area (the street, or what the user imported). */
  code: string;
  name: string;
  nameEn?: string;
  /** [west, south, east, north] */
  bbox: [number, number, number, number];
  center: Position;
  /** Every area, top first; grids last. */
  areas: Area[];
  buildings: Building[];
  roads: Road[];
  pois: Poi[];
  water: Water[];
  /** Parks and school grounds; absent in imported districts that do not have them. */
  landuse?: LandUse[];
}
