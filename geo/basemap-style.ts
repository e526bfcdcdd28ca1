/**
 * The offline basemap: a MapLibre style (spec version 8) over the district's own GeoJSON layers.
 * No `glyphs` and no `sprite`: MapLibre then draws label text locally with the browser's fonts, and the map
 * makes no request outside the deployment (DESIGN §9.9). This module only builds a plain object; geo never
 * imports maplibre-gl (the client casts the result to its `StyleSpecification`).
 */

/** A style expression or literal value, as JSON. */
export type StyleValue = string | number | boolean | null | StyleValue[] | { [key: string]: StyleValue };

export interface GeoJsonSourceSpec {
  type: 'geojson';
  /** URL of the GeoJSON, always under `dataUrl`. */
  data: string;
  promoteId?: string;
  /** Deepest zoom MapLibre cuts tiles for; closer in, those tiles are drawn overzoomed. */
  maxzoom?: number;
}

export interface BasemapLayer {
  id: string;
  type: 'background' | 'fill' | 'line' | 'symbol' | 'circle' | 'fill-extrusion';
  source?: string;
  filter?: StyleValue;
  minzoom?: number;
  maxzoom?: number;
  layout?: Record<string, StyleValue>;
  paint?: Record<string, StyleValue>;
}

export interface BasemapStyle {
  version: 8;
  name: string;
  /** `gridpulse:label-chars`: every character a label of this style can draw (see {@link labelCharacters}). */
  metadata?: { [LABEL_CHARS_METADATA]?: string };
  sources: Record<string, GeoJsonSourceSpec>;
  layers: BasemapLayer[];
}

export type BasemapTheme = 'dark' | 'light';

export interface BasemapOptions {
  theme: BasemapTheme;
  /** Base URL of the GeoJSON layers, e.g. `/api/geo/data`; sources load `${dataUrl}/<name>.geojson`. */
  dataUrl: string;
  /** Label language; `en` falls back to the Chinese name where there is no English one. Default `zh`. */
  lang?: 'zh' | 'en';
  /**
   * Every character the labels can draw ({@link labelCharacters}), carried in the style's metadata so the client
   * can have MapLibre draw their glyphs once while the map loads.
   */
  labelChars?: string;
}

/** The style metadata key that carries {@link BasemapOptions.labelChars}. */
export const LABEL_CHARS_METADATA = 'gridpulse:label-chars';

/**
 * The distinct characters of the names that label features (`name`, and `nameEn` for English labels), in
 * first-seen order, whitespace left out. Without a glyph server MapLibre draws each character of a label
 * the first time it is shown, on the main thread (a CJK glyph in software is ~0.3 ms): a camera move to a
 * new part of the district used to draw tens of them in one frame.
 */
export function labelCharacters(
  collections: Iterable<{ features: readonly { properties?: Record<string, unknown> | null }[] }>,
  lang: 'zh' | 'en' = 'zh',
): string {
  const seen = new Set<string>();
  const add = (v: unknown) => {
    if (typeof v !== 'string') return;
    for (const c of v) if (!/\s/u.test(c)) seen.add(c);
  };
  for (const fc of collections)
    for (const f of fc.features) {
      add(f.properties?.name);
      if (lang === 'en') add(f.properties?.nameEn);
    }
  return [...seen].join('');
}

/** GeoJSON layers the style loads; the server serves each as `${dataUrl}/<name>.geojson`. */
export const BASEMAP_SOURCES = ['areas', 'buildings', 'roads', 'pois', 'water', 'landuse', 'labels'] as const;

/**
 * The deepest zoom each source is cut into tiles for (MapLibre's default is 18). A street fits in a few tiles at
 * z14; cut deeper, a grid's view at z17 takes a dozen tiles per source, each parsed, uploaded and given the
 * choropleth's feature state in the frame after the camera jumps there (bench/panels.ts). Overzoomed, the same
 * view takes one to four. At z14 a tile unit is ~0.3 m, at z15 ~0.15 m: below a pixel at every zoom the map uses
 * for areas and labels, and for buildings and roads (z15) up to the closest view of a building (z18.5).
 */
const SOURCE_MAXZOOM: Record<(typeof BASEMAP_SOURCES)[number], number> = {
  areas: 14,
  buildings: 15,
  roads: 15,
  pois: 14,
  water: 14,
  landuse: 14,
  labels: 14,
};

/** Insert area fills (the choropleth on the `areas` source, driven by feature-state) before this layer: above buildings, under every boundary and label. */
export const BASEMAP_DATA_LAYER_BEFORE = 'area-grid-line';
/** Insert point/marker layers before this layer: above boundaries, under every label. */
export const BASEMAP_LABEL_LAYER_BEFORE = 'label-road';
/** The 3-D buildings: hidden by default; show it when the map is pitched (see {@link buildingExtrusionVisibility}). */
export const BASEMAP_EXTRUSION_LAYER = 'building-3d';

/** Fonts for labels, Chinese first; rendered locally because the style has no glyph server. */
export const LABEL_FONTS = ['Noto Sans CJK SC', 'Noto Sans SC', 'Microsoft YaHei', 'PingFang SC', 'sans-serif'];

/** Visibility of {@link BASEMAP_EXTRUSION_LAYER} for a camera pitch in degrees: extrusions only when tilted. */
export function buildingExtrusionVisibility(pitch: number): 'visible' | 'none' {
  return pitch >= 5 ? 'visible' : 'none';
}

interface Palette {
  background: string;
  park: string;
  school: string;
  water: string;
  waterLine: string;
  casing: string;
  road: Record<'primary' | 'secondary' | 'tertiary' | 'residential' | 'path', string>;
  building: string;
  buildingLine: string;
  extrusion: string;
  street: string;
  community: string;
  grid: string;
  text: string;
  textMuted: string;
  halo: string;
  poi: string;
}

const PALETTES: Record<BasemapTheme, Palette> = {
  // Command centre: deep navy ground, teal boundaries, quiet streets so live data stands out.
  dark: {
    background: '#0a1628',
    park: '#0d3330',
    school: '#1a2740',
    water: '#0c3557',
    waterLine: '#1b5d8a',
    casing: '#050d19',
    road: { primary: '#1f6675', secondary: '#1a5664', tertiary: '#164656', residential: '#12394a', path: '#1d5a4f' },
    building: '#14304b',
    buildingLine: '#1f4a6e',
    extrusion: '#1c3d5e',
    street: '#2ee6d6',
    community: '#38bdf8',
    grid: '#5eead4',
    text: '#d7ecff',
    textMuted: '#8fb3c9',
    halo: '#0a1628',
    poi: '#7dd3c0',
  },
  // Tablet: calm paper-like ground, soft greens and blues, readable in daylight.
  light: {
    background: '#f3f0e8',
    park: '#d3e8c8',
    school: '#efe4cf',
    water: '#a8d2ea',
    waterLine: '#86bcdc',
    casing: '#d4cdbf',
    road: { primary: '#ffe3a0', secondary: '#fff1c9', tertiary: '#ffffff', residential: '#ffffff', path: '#b7d3a8' },
    building: '#e3ddd2',
    buildingLine: '#cbc3b4',
    extrusion: '#dcd4c6',
    street: '#2b6cb0',
    community: '#3182ce',
    grid: '#5a9fd6',
    text: '#2d3748',
    textMuted: '#5a6677',
    halo: '#ffffff',
    poi: '#2f855a',
  },
};

/** Road width in pixels by zoom for a class (at z12 and z18; exponential in between). */
const ROAD_WIDTH: Record<keyof Palette['road'], [number, number]> = {
  primary: [2.5, 22],
  secondary: [1.8, 16],
  tertiary: [1.2, 11],
  residential: [0.6, 7],
  path: [0.5, 2.5],
};

function byZoom(z0: number, v0: number, z1: number, v1: number, base = 1.6): StyleValue {
  return ['interpolate', ['exponential', base], ['zoom'], z0, v0, z1, v1];
}

function roadLayers(p: Palette): BasemapLayer[] {
  const classes = ['path', 'residential', 'tertiary', 'secondary', 'primary'] as const;
  const casing = classes
    .filter((c) => c !== 'path')
    .map((c): BasemapLayer => ({
      id: `road-${c}-casing`,
      type: 'line',
      source: 'roads',
      filter: ['==', ['get', 'class'], c],
      minzoom: c === 'residential' ? 14 : 0,
      layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: { 'line-color': p.casing, 'line-width': byZoom(12, ROAD_WIDTH[c][0] + 1, 18, ROAD_WIDTH[c][1] + 3) },
    }));
  const fill = classes.map((c): BasemapLayer => ({
    id: `road-${c}`,
    type: 'line',
    source: 'roads',
    filter: ['==', ['get', 'class'], c],
    minzoom: c === 'residential' || c === 'path' ? 14 : 0,
    layout: { 'line-cap': 'round', 'line-join': 'round' },
    paint: {
      'line-color': p.road[c],
      'line-width': byZoom(12, ROAD_WIDTH[c][0], 18, ROAD_WIDTH[c][1]),
      ...(c === 'path' ? { 'line-dasharray': [2, 1.5] } : {}),
    },
  }));
  return [...casing, ...fill];
}

/** Layout and paint of a text label; fonts from {@link LABEL_FONTS}, drawn locally. */
function text(
  p: Palette,
  field: StyleValue,
  size: StyleValue,
  color: string,
  layout: Record<string, StyleValue> = {},
): Pick<BasemapLayer, 'layout' | 'paint'> {
  return {
    layout: { 'text-field': field, 'text-font': LABEL_FONTS, 'text-size': size, ...layout },
    paint: { 'text-color': color, 'text-halo-color': p.halo, 'text-halo-width': 1.4 },
  };
}

/** The offline basemap style for a theme; every source URL is `${dataUrl}/<name>.geojson`. */
export function basemapStyle(options: BasemapOptions): BasemapStyle {
  const p = PALETTES[options.theme];
  const base = options.dataUrl.replace(/\/+$/, '');
  const name: StyleValue = options.lang === 'en' ? ['coalesce', ['get', 'nameEn'], ['get', 'name']] : ['get', 'name'];
  const sources: Record<string, GeoJsonSourceSpec> = {};
  for (const s of BASEMAP_SOURCES)
    sources[s] = { type: 'geojson', data: `${base}/${s}.geojson`, maxzoom: SOURCE_MAXZOOM[s] };
  // The client drives its choropleth with feature-state keyed by area code.
  (sources.areas as GeoJsonSourceSpec).promoteId = 'code';
  const levelIs = (level: string): StyleValue => ['==', ['get', 'level'], level];

  const layers: BasemapLayer[] = [
    { id: 'background', type: 'background', paint: { 'background-color': p.background } },
    {
      id: 'landuse-park',
      type: 'fill',
      source: 'landuse',
      filter: ['==', ['get', 'kind'], 'park'],
      paint: { 'fill-color': p.park },
    },
    {
      id: 'landuse-school',
      type: 'fill',
      source: 'landuse',
      filter: ['==', ['get', 'kind'], 'school'],
      paint: { 'fill-color': p.school },
    },
    { id: 'water', type: 'fill', source: 'water', paint: { 'fill-color': p.water, 'fill-outline-color': p.waterLine } },
    ...roadLayers(p),
    {
      id: 'building',
      type: 'fill',
      source: 'buildings',
      minzoom: 13,
      paint: {
        'fill-color': p.building,
        'fill-outline-color': p.buildingLine,
        'fill-opacity': byZoom(13, 0.4, 16, 1, 1),
      },
    },
    {
      id: BASEMAP_EXTRUSION_LAYER,
      type: 'fill-extrusion',
      source: 'buildings',
      minzoom: 14,
      layout: { visibility: 'none' },
      paint: {
        'fill-extrusion-color': p.extrusion,
        'fill-extrusion-height': ['get', 'height'],
        'fill-extrusion-base': 0,
        'fill-extrusion-opacity': 0.85,
      },
    },
    {
      id: BASEMAP_DATA_LAYER_BEFORE,
      type: 'line',
      source: 'areas',
      filter: levelIs('grid'),
      minzoom: 13.5,
      paint: {
        'line-color': p.grid,
        'line-width': byZoom(13.5, 0.5, 18, 1.5, 1.2),
        'line-opacity': 0.55,
        'line-dasharray': [3, 2],
      },
    },
    {
      id: 'area-community-line',
      type: 'line',
      source: 'areas',
      filter: levelIs('community'),
      layout: { 'line-join': 'round' },
      paint: { 'line-color': p.community, 'line-width': byZoom(11, 1, 18, 3, 1.2), 'line-opacity': 0.85 },
    },
    {
      id: 'area-street-line',
      type: 'line',
      source: 'areas',
      filter: ['any', levelIs('street'), levelIs('district')],
      layout: { 'line-join': 'round' },
      paint: { 'line-color': p.street, 'line-width': byZoom(10, 2, 18, 5, 1.2) },
    },
    {
      id: BASEMAP_LABEL_LAYER_BEFORE,
      type: 'symbol',
      source: 'roads',
      minzoom: 14,
      filter: ['!=', ['get', 'class'], 'path'],
      ...text(p, name, byZoom(14, 10, 18, 14, 1.2), p.textMuted, {
        'symbol-placement': 'line',
        'text-letter-spacing': 0.1,
      }),
    },
    {
      id: 'poi-dot',
      type: 'circle',
      source: 'pois',
      minzoom: 15.5,
      paint: { 'circle-color': p.poi, 'circle-radius': 3, 'circle-stroke-color': p.halo, 'circle-stroke-width': 1 },
    },
    {
      id: 'label-poi',
      type: 'symbol',
      source: 'pois',
      minzoom: 16,
      ...text(p, name, 11, p.poi, { 'text-offset': [0, 0.9], 'text-anchor': 'top', 'text-optional': true }),
    },
    { id: 'label-water', type: 'symbol', source: 'water', minzoom: 14, ...text(p, name, 12, p.waterLine) },
    {
      id: 'label-grid',
      type: 'symbol',
      source: 'labels',
      filter: levelIs('grid'),
      minzoom: 15,
      ...text(p, name, 11, p.grid),
    },
    {
      id: 'label-community',
      type: 'symbol',
      source: 'labels',
      filter: levelIs('community'),
      minzoom: 12,
      maxzoom: 17,
      ...text(p, name, byZoom(12, 12, 16, 18, 1.2), p.text),
    },
    {
      id: 'label-street',
      type: 'symbol',
      source: 'labels',
      filter: ['any', levelIs('street'), levelIs('district')],
      maxzoom: 12.5,
      ...text(p, name, 16, p.text),
    },
  ];
  const style: BasemapStyle = { version: 8, name: `GridPulse ${options.theme}`, sources, layers };
  if (options.labelChars) style.metadata = { [LABEL_CHARS_METADATA]: options.labelChars };
  return style;
}
