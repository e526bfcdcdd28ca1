/**
 * Who watches what in the load benchmark, and where the probe devices stand. Pure given a district.
 */
import { ROOT_SCOPE, type Layer } from '../../protocol';
import { areasByLevel } from '../../geo/district';
import type { District, Position } from '../../geo/district.types';
import type { GridIndex } from '../../geo/grid-index';

export type ScreenKind = 'wall' | 'tablet' | 'grid';

export interface Screen {
  kind: ScreenKind;
  scope: string;
  layers: Layer[];
}

/** The layers each kind of screen subscribes to (what the real wall, tablet and grid views show). */
export const SCREEN_LAYERS: Record<ScreenKind, Layer[]> = {
  wall: ['areas', 'series', 'insights'],
  tablet: ['areas', 'devices', 'series'],
  grid: ['devices', 'cases'],
};

/** The share of each kind among the clients: ~10 % walls on the whole street, ~60 % community tablets, the rest grid screens. */
export const SCREEN_SHARES = { wall: 0.1, tablet: 0.6 } as const;

/** Subscription identity as the server groups it (scope + sorted layers). */
export function subscriptionKey(screen: Pick<Screen, 'scope' | 'layers'>): string {
  return `${screen.scope}|${[...screen.layers].sort().join(',')}`;
}

/**
 * `n` screens: walls on `*`, tablets spread round-robin over the communities, grid screens round-robin over
 * the grids (in code order, so a run is reproducible).
 */
export function planScreens(n: number, district: District): Screen[] {
  const communities = areasByLevel(district, 'community')
    .map((a) => a.code)
    .sort();
  const grids = areasByLevel(district, 'grid')
    .map((a) => a.code)
    .sort();
  if (communities.length === 0 || grids.length === 0)
    throw new Error(`district ${district.name} has no communities or no grids`);
  const walls = Math.round(n * SCREEN_SHARES.wall);
  const tablets = Math.round(n * SCREEN_SHARES.tablet);
  const out: Screen[] = [];
  for (let i = 0; i < walls; i++) out.push({ kind: 'wall', scope: ROOT_SCOPE, layers: SCREEN_LAYERS.wall });
  for (let i = 0; i < tablets && out.length < n; i++)
    out.push({ kind: 'tablet', scope: communities[i % communities.length]!, layers: SCREEN_LAYERS.tablet });
  for (let i = 0; out.length < n; i++)
    out.push({ kind: 'grid', scope: grids[i % grids.length]!, layers: SCREEN_LAYERS.grid });
  return out;
}

/** Splits items round-robin into `parts` lists (each list gets an even share of every block of the input). */
export function roundRobin<T>(items: readonly T[], parts: number): T[][] {
  const out: T[][] = Array.from({ length: parts }, () => []);
  items.forEach((item, i) => out[i % parts]!.push(item));
  return out;
}

/** A probe device: it stands in one grid and flips between two positions inside it, so every probe moves it. */
export interface ProbeSite {
  grid: string;
  deviceId: string;
  positions: [Position, Position];
}

/**
 * One probe device per grid (so every community and every grid screen sees probes), placed at the grid's label
 * point and a point a few metres away, both checked with the grid index to lie in that grid.
 */
export function probeSites(district: District, index: Pick<GridIndex, 'gridAt'>): ProbeSite[] {
  const NUDGES: Position[] = [
    [1e-5, 0],
    [-1e-5, 0],
    [0, 1e-5],
    [0, -1e-5],
  ];
  return areasByLevel(district, 'grid')
    .map((area) => {
      const [lon, lat] = area.center;
      if (index.gridAt(lon, lat) !== area.code) throw new Error(`grid ${area.code}: its label point is not inside it`);
      const nudge = NUDGES.find(([dx, dy]) => index.gridAt(lon + dx, lat + dy) === area.code);
      if (!nudge) throw new Error(`grid ${area.code}: no second probe position near its label point`);
      const site: ProbeSite = {
        grid: area.code,
        deviceId: `probe-${area.code}`,
        positions: [
          [lon, lat],
          [lon + nudge[0], lat + nudge[1]],
        ],
      };
      return site;
    })
    .sort((a, b) => a.grid.localeCompare(b.grid));
}
