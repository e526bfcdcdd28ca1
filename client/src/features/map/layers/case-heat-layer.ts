import type * as maplibregl from 'maplibre-gl';
import type { CaseView } from '../../../../../protocol';
import { DEFAULT_CASE_HEAT, type CaseHeatLayerConfig, type Rgb } from './case-layer-config';
import { caseWeight } from './case-window';

export { DEFAULT_CASE_HEAT, type CaseHeatLayerConfig };

/** The cases as GeoJSON points for the heatmap's source, each with its weight `w` (overdue cases count double). */
export function caseHeatData(cases: readonly CaseView[]): GeoJSON.FeatureCollection<GeoJSON.Point, { w: number }> {
  return {
    type: 'FeatureCollection',
    features: cases.map((c) => ({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [c.lon, c.lat] },
      properties: { w: caseWeight(c) },
    })),
  };
}

const rgb = (c: Rgb, a = 1) => `rgba(${c[0]},${c[1]},${c[2]},${a})`;

/**
 * The heatmap's colour by density: transparent below the threshold, then the colour range evenly from the
 * threshold to full density (MapLibre's `heatmap-density` is 0..1).
 */
export function heatColorExpression(config: CaseHeatLayerConfig): unknown[] {
  const { colorRange: colors, threshold } = config;
  const stops: unknown[] = [0, rgb(colors[0]!, 0), threshold, rgb(colors[0]!, 0)];
  const span = 1 - threshold;
  colors.forEach((c, i) =>
    stops.push(i === colors.length - 1 ? 1 : threshold + (span * (i + 1)) / colors.length, rgb(c)),
  );
  return ['interpolate', ['linear'], ['heatmap-density'], ...stops];
}

/** The heatmap layer on `source` (MapLibre's own: no deck.gl aggregation code in the client). */
export function caseHeatLayer(
  source: string,
  config: CaseHeatLayerConfig = DEFAULT_CASE_HEAT,
): maplibregl.AddLayerObject {
  return {
    id: config.id,
    type: 'heatmap',
    source,
    layout: { visibility: 'none' },
    paint: {
      'heatmap-weight': ['get', 'w'],
      'heatmap-radius': config.radiusPixels,
      'heatmap-intensity': config.intensity,
      'heatmap-opacity': config.opacity,
      'heatmap-color': heatColorExpression(config) as maplibregl.ExpressionSpecification,
    },
  };
}
