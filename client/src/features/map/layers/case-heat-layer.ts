import { HeatmapLayer } from '@deck.gl/aggregation-layers';
import type { CaseView } from '../../../../../protocol';
import { caseWeight } from './case-window';

import { DEFAULT_CASE_HEAT, type CaseHeatLayerConfig } from './case-layer-config';

export { DEFAULT_CASE_HEAT, type CaseHeatLayerConfig };

export function createCaseHeatLayer(data: readonly CaseView[], config: CaseHeatLayerConfig = DEFAULT_CASE_HEAT) {
  return new HeatmapLayer<CaseView>({
    id: config.id,
    data,
    getPosition: (c) => [c.lon, c.lat],
    getWeight: caseWeight,
    radiusPixels: config.radiusPixels,
    intensity: config.intensity,
    threshold: config.threshold,
    colorRange: config.colorRange,
    opacity: config.opacity,
    aggregation: 'SUM',
  });
}
