import { H3HexagonLayer } from '@deck.gl/geo-layers';
import { aggregateToCells } from '../../../../../geo/h3';
import type { CaseView } from '../../../../../protocol';
import { caseWeight } from './case-window';

import { DEFAULT_CASE_HEX, type CaseHexLayerConfig, type Rgba } from './case-layer-config';

export { DEFAULT_CASE_HEX, type CaseHexLayerConfig };

export interface CaseHexCell {
  hex: string;
  /** Weighted count (overdue cases count double). */
  weight: number;
}

/** Weighted case counts per H3 cell, heaviest first. */
export function caseHexCells(cases: readonly CaseView[], resolution: number): CaseHexCell[] {
  const cells = aggregateToCells(
    cases.map((c) => [c.lon, c.lat] as [number, number]),
    resolution,
    (_, i) => caseWeight(cases[i]!),
  );
  return [...cells]
    .map(([hex, weight]) => ({ hex, weight }))
    .sort((a, b) => b.weight - a.weight || (a.hex < b.hex ? -1 : 1));
}

/** Colour of a cell: the ramp step of `weight` in [1, max]. */
export function hexColor(weight: number, max: number, colors: readonly Rgba[]): Rgba {
  const t = max <= 1 ? 1 : (weight - 1) / (max - 1);
  return colors[Math.min(colors.length - 1, Math.floor(t * colors.length))]!;
}

export function createCaseHexLayer(data: readonly CaseHexCell[], config: CaseHexLayerConfig = DEFAULT_CASE_HEX) {
  const max = data.reduce((m, c) => Math.max(m, c.weight), 1);
  return new H3HexagonLayer<CaseHexCell>({
    id: config.id,
    data,
    getHexagon: (c) => c.hex,
    getFillColor: (c) => hexColor(c.weight, max, config.colors),
    getLineColor: config.lineColor,
    lineWidthMinPixels: 1,
    extruded: false,
    stroked: true,
    pickable: true,
    highPrecision: false,
    updateTriggers: { getFillColor: [max, config.colors] },
  });
}
