/** `GET /api/cases/hexes`: the map's H3 case hexagons, counted on the server (the client ships no h3-js). */

/** Which cases the case layers draw: open now, or reported in the last 24 h / 7 days. */
export const CASE_WINDOWS = ['open', '24h', '7d'] as const;
export type CaseWindow = (typeof CASE_WINDOWS)[number];

/** H3 resolutions the hexagons may be asked at (7 ≈ 5 km² a cell, 11 ≈ 2,000 m²). */
export const CASE_HEX_RESOLUTIONS = { min: 7, max: 11 } as const;

export interface CaseHexCell {
  /** H3 cell id. */
  hex: string;
  /** Weighted case count: overdue cases count double. */
  weight: number;
  /** The cell's closed [lon, lat] ring. */
  boundary: [number, number][];
}

export interface CaseHexesResponse {
  scope: string;
  /** `live`, or `demo` for the demo replay's own world (DESIGN §9.8). */
  world: 'live' | 'demo';
  window: CaseWindow;
  resolution: number;
  /** The world's clock when counted (virtual in the demo). */
  time: number;
  /** Heaviest first. */
  cells: CaseHexCell[];
}
