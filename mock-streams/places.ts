import type { District, Position } from '../geo/district.types';
import type { Rng } from './prng';

/** Where a case or a post is about: a grid, a point and the words people use for it. */
export interface Place {
  grid: string;
  lon: number;
  lat: number;
  /** e.g. "12号楼", "枫林社区1号停车场" */
  label: string;
  /** Community name, e.g. "枫林社区". */
  community: string;
}

interface Spot {
  label: string;
  position: Position;
}

interface GridPlaces {
  code: string;
  community: string;
  spots: Spot[];
  center: Position;
  name: string;
}

const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;

/** Picks places in a district, weighted by how much is there (buildings and POIs). */
export class Places {
  private readonly grids: GridPlaces[];
  private readonly weights: number[];

  constructor(district: District) {
    const communityName = new Map(district.areas.filter((a) => a.level === 'community').map((a) => [a.code, a.name]));
    const byGrid = new Map<string, GridPlaces>();
    for (const a of district.areas) {
      if (a.level !== 'grid') continue;
      byGrid.set(a.code, {
        code: a.code,
        community: communityName.get(a.code.slice(0, 12)) ?? district.name,
        spots: [],
        center: a.center,
        name: a.name,
      });
    }
    for (const b of district.buildings) byGrid.get(b.grid)?.spots.push({ label: b.name, position: b.center });
    for (const p of district.pois) byGrid.get(p.grid)?.spots.push({ label: p.name, position: p.position });
    this.grids = [...byGrid.values()];
    if (this.grids.length === 0) throw new Error(`district ${district.code} has no grids`);
    this.weights = this.grids.map((g) => 1 + g.spots.length);
  }

  /** A place anywhere, or inside `area` (a code prefix) when given. */
  pick(rng: Rng, area?: string): Place {
    let grids = this.grids;
    let weights = this.weights;
    if (area !== undefined) {
      const idx = this.grids.flatMap((g, i) => (g.code.startsWith(area) ? [i] : []));
      if (idx.length > 0) {
        grids = idx.map((i) => this.grids[i] as GridPlaces);
        weights = idx.map((i) => this.weights[i] as number);
      }
    }
    const g = rng.weighted(grids, weights);
    const spot = g.spots.length > 0 ? rng.pick(g.spots) : { label: g.name, position: g.center };
    return {
      grid: g.code,
      lon: round6(spot.position[0] + rng.range(-0.0001, 0.0001)),
      lat: round6(spot.position[1] + rng.range(-0.0001, 0.0001)),
      label: spot.label,
      community: g.community,
    };
  }
}
