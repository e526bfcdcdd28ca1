import type * as maplibregl from 'maplibre-gl';
import type { CaseHexCell } from '../../../../../protocol';
import { DEFAULT_CASE_HEX, type CaseHexLayerConfig, type Rgba } from './case-layer-config';

export { DEFAULT_CASE_HEX, type CaseHexLayerConfig };

/** Colour of a cell: the ramp step of `weight` in [1, max]. */
export function hexColor(weight: number, max: number, colors: readonly Rgba[]): Rgba {
  const t = max <= 1 ? 1 : (weight - 1) / (max - 1);
  return colors[Math.min(colors.length - 1, Math.floor(t * colors.length))]!;
}

const css = (c: Rgba) => `rgba(${c[0]},${c[1]},${c[2]},${Math.round((c[3] / 255) * 1000) / 1000})`;

/** H3 resolution of the hexagons at a zoom: finer cells from street level (zoom 16) on. */
export function hexResolution(zoom: number, config: CaseHexLayerConfig = DEFAULT_CASE_HEX): number {
  return zoom >= 16 ? config.closeResolution : config.resolution;
}

export interface CaseHexProps {
  hex: string;
  weight: number;
  color: string;
}

/** The server's cells as GeoJSON polygons with their weight and ramp colour (relative to the heaviest cell). */
export function caseHexData(
  cells: readonly CaseHexCell[],
  config: CaseHexLayerConfig = DEFAULT_CASE_HEX,
): GeoJSON.FeatureCollection<GeoJSON.Polygon, CaseHexProps> {
  const max = cells.reduce((m, c) => Math.max(m, c.weight), 1);
  return {
    type: 'FeatureCollection',
    features: cells.map((c) => ({
      type: 'Feature',
      geometry: { type: 'Polygon', coordinates: [c.boundary] },
      properties: { hex: c.hex, weight: c.weight, color: css(hexColor(c.weight, max, config.colors)) },
    })),
  };
}

/** Fill (id = config id, what the tooltip queries) and outline layers on `source`. */
export function caseHexLayers(
  source: string,
  config: CaseHexLayerConfig = DEFAULT_CASE_HEX,
): maplibregl.AddLayerObject[] {
  return [
    {
      id: config.id,
      type: 'fill',
      source,
      layout: { visibility: 'none' },
      paint: { 'fill-color': ['get', 'color'] },
    },
    {
      id: `${config.id}-outline`,
      type: 'line',
      source,
      layout: { visibility: 'none' },
      paint: { 'line-color': css(config.lineColor), 'line-width': 1 },
    },
  ];
}
