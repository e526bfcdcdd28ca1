/**
 * The case layers in one lazily imported chunk: HeatmapLayer, H3HexagonLayer and h3-js are loaded only when
 * the user turns cases on.
 */
export { createCaseHeatLayer, DEFAULT_CASE_HEAT } from './case-heat-layer';
export { caseHexCells, createCaseHexLayer, DEFAULT_CASE_HEX } from './case-hex-layer';
