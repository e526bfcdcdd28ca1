import type { FeedCounts } from '../../../../../protocol';

/**
 * Grid choropleth: a MapLibre fill on the basemap's `areas` source, coloured by feature-state `count`
 * (events in the last 5 minutes). Counts travel as feature-state, never as `setData` on the source: a state
 * change repaints without re-tiling the GeoJSON (STYLE 6).
 */
export interface GridChoroplethConfig {
  id: string;
  source: string;
  /** Colour ramp from 0 to the scale's maximum, evenly spaced. */
  colors: readonly string[];
  /** Colour of a grid with no events. */
  zeroColor: string;
  opacity: number;
  outlineColor: string;
}

export const DEFAULT_GRID_CHOROPLETH: Readonly<GridChoroplethConfig> = {
  id: 'gp-grid-choropleth',
  source: 'areas',
  colors: ['#0f3b57', '#137a8a', '#1fb5a0', '#e9c46a', '#f4845f', '#ef4444'],
  zeroColor: '#0b2238',
  opacity: 0.62,
  outlineColor: '#38bdf8',
};

/** A round maximum ≥ `max` (1, 2, 5 × 10ⁿ, at least 5) so the legend reads well and rarely changes. */
export function niceScaleMax(max: number): number {
  if (!(max > 5)) return 5;
  const pow = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 5, 10]) if (m * pow >= max) return m * pow;
  return 10 * pow;
}

/** Legend stops: value and colour at each ramp step. */
export function legendStops(config: GridChoroplethConfig, scaleMax: number): { value: number; color: string }[] {
  const n = config.colors.length - 1;
  return config.colors.map((color, i) => ({ value: Math.round((scaleMax * i) / n), color }));
}

/** The fill-color expression for a given scale maximum. */
export function fillColorExpression(config: GridChoroplethConfig, scaleMax: number): unknown[] {
  const stops: unknown[] = [];
  const n = config.colors.length - 1;
  config.colors.forEach((color, i) => stops.push((scaleMax * i) / n, color));
  return [
    'case',
    ['<=', ['coalesce', ['feature-state', 'count'], 0], 0],
    config.zeroColor,
    ['interpolate', ['linear'], ['coalesce', ['feature-state', 'count'], 0], ...stops],
  ];
}

/** The MapLibre layers (fill + outline) for the grids, as plain style JSON. */
export function createGridChoroplethLayers(config: GridChoroplethConfig, scaleMax: number) {
  const filter = ['==', ['get', 'level'], 'grid'];
  return [
    {
      id: config.id,
      type: 'fill' as const,
      source: config.source,
      filter,
      paint: {
        'fill-color': fillColorExpression(config, scaleMax),
        'fill-opacity': config.opacity,
      },
    },
    {
      id: `${config.id}-outline`,
      type: 'line' as const,
      source: config.source,
      filter,
      paint: {
        'line-color': config.outlineColor,
        'line-opacity': 0.35,
        'line-width': 0.8,
      },
    },
  ];
}

export function eventTotal(counts: FeedCounts): number {
  return counts.device + counts.case + counts.opinion;
}

/**
 * Which grids' feature-state must change: compares the wanted counts with what was last written, so each
 * frame touches only the grids that changed.
 */
export function featureStateDiff(
  applied: ReadonlyMap<string, number>,
  wanted: Iterable<[code: string, count: number]>,
): [code: string, count: number][] {
  const out: [string, number][] = [];
  for (const [code, count] of wanted) if (applied.get(code) !== count) out.push([code, count]);
  return out;
}
