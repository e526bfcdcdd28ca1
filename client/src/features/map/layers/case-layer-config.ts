/** Config of the case layers (MapLibre layers under the deck overlay), apart from their layer specs. */
export type Rgb = [number, number, number];

/** Case density as a heatmap (a MapLibre `heatmap` layer). Serializable; defaults below. */
export interface CaseHeatLayerConfig {
  id: string;
  radiusPixels: number;
  intensity: number;
  /** 0..1: densities below this are not drawn. */
  threshold: number;
  /** Cold to hot. */
  colorRange: Rgb[];
  opacity: number;
}

export const DEFAULT_CASE_HEAT: Readonly<CaseHeatLayerConfig> = {
  id: 'gp-case-heat',
  radiusPixels: 40,
  intensity: 1.2,
  threshold: 0.05,
  colorRange: [
    [65, 182, 196],
    [127, 205, 187],
    [199, 233, 180],
    [254, 217, 118],
    [253, 141, 60],
    [227, 26, 28],
  ],
  opacity: 0.75,
};

export type Rgba = [number, number, number, number];

/** Cases counted per H3 cell (by the server, `GET /api/cases/hexes`), drawn as MapLibre fill + outline. Serializable. */
export interface CaseHexLayerConfig {
  id: string;
  /** H3 resolution: 9 ≈ 0.1 km² per cell (a few blocks), 10 ≈ 15,000 m²; {@link closeResolution} from zoom 16. */
  resolution: number;
  closeResolution: number;
  /** Colour ramp from 1 case to the domain maximum. */
  colors: Rgba[];
  lineColor: Rgba;
}

export const DEFAULT_CASE_HEX: Readonly<CaseHexLayerConfig> = {
  id: 'gp-case-hex',
  resolution: 9,
  closeResolution: 10,
  colors: [
    [254, 240, 138, 150],
    [253, 186, 116, 175],
    [249, 115, 22, 200],
    [220, 38, 38, 220],
  ],
  lineColor: [255, 237, 213, 160],
};
