import type { Area, Position } from '../district.types';
import { geometryBBox, geometryCentroid, pointOnSurface } from '../geometry';
import { codeSuffix, orderWestEastNorthSouth } from '../grid-order';
import { type Cell, Lattice, metresPerDegree, round6 } from './lattice';
import { COMMUNITIES, STREET } from './names';

/** Lattice size and placement: 28 × 24 cells of ~137 m over lon 120.100–120.140, lat 30.270–30.300. */
export const NX = 28;
export const NY = 24;
const WEST = 120.1;
const SOUTH = 30.27;
const DX = 0.04 / NX;
const DY = 0.03 / NY;
/** Lattice row between the community bands (文一西路) and the row the river follows. */
export const MID_ROW = 12;
export const RIVER_ROW = 18;
/** Total grids in the street, shared among communities by their size. */
const GRID_TOTAL = 100;
/** Counter-clockwise turn of the whole street (radians): Hangzhou's grid is not north-up. */
const ROTATION = 0.07;

/** Community blocks, half-open cell ranges, in code order (north band then south band, west→east). */
const COMMUNITY_RECTS: readonly Rect[] = [
  { c0: 0, c1: 7, r0: 12, r1: 24 },
  { c0: 7, c1: 14, r0: 12, r1: 24 },
  { c0: 14, c1: 21, r0: 12, r1: 24 },
  { c0: 21, c1: 28, r0: 12, r1: 24 },
  { c0: 0, c1: 6, r0: 0, r1: 12 },
  { c0: 6, c1: 14, r0: 0, r1: 12 },
  { c0: 14, c1: 20, r0: 0, r1: 12 },
  { c0: 20, c1: 28, r0: 0, r1: 12 },
];

export interface Rect {
  c0: number;
  c1: number;
  r0: number;
  r1: number;
}

/** A guillotine cut inside a community: lattice line `at` on `axis`, spanning lattice indices from..to. */
export interface Cut {
  axis: 'column' | 'row';
  at: number;
  from: number;
  to: number;
  depth: number;
}

export interface GridCells {
  code: string;
  community: number;
  cells: Cell[];
}

export interface Layout {
  lattice: Lattice;
  inStreet: (c: number, r: number) => boolean;
  areas: Area[];
  grids: GridCells[];
  /** Grid code of every street cell, by lattice cell key. */
  gridOfCell: Map<number, string>;
  communityOfCell: Map<number, number>;
  cuts: Cut[];
}

/** Street outline: the lattice block minus three corner notches, so the street is not a plain rectangle. */
function inStreet(c: number, r: number): boolean {
  if (c < 0 || r < 0 || c >= NX || r >= NY) return false;
  if (c >= 25 && r >= 21) return false;
  if (c < 3 && r < 2) return false;
  return !(c < 2 && r === 23);
}

function buildLattice(rng: () => number): Lattice {
  const jitter = (amount: number): number => (rng() * 2 - 1) * amount;
  // Each lattice line is nearly straight (own offset and slight slant), with a gentle common bend, a few
  // metres of noise per vertex and a small rotation of the whole street: roads along the lines look surveyed,
  // not drawn with a ruler. Offsets stay well under half a cell so neighbouring lines never cross.
  const colOffset = Array.from({ length: NX + 1 }, () => jitter(0.08 * DX));
  const colSlant = Array.from({ length: NX + 1 }, () => jitter(0.1 * DX));
  const rowOffset = Array.from({ length: NY + 1 }, () => jitter(0.08 * DY));
  const rowSlant = Array.from({ length: NY + 1 }, () => jitter(0.1 * DY));
  const cx = WEST + (NX * DX) / 2;
  const cy = SOUTH + (NY * DY) / 2;
  const { x: mx, y: my } = metresPerDegree(cy);
  const cos = Math.cos(ROTATION);
  const sin = Math.sin(ROTATION);
  const lattice = new Lattice(NX, NY, (i, j) => {
    const bend = 0.0006 * Math.sin((Math.PI * j) / NY);
    const lon = WEST + i * DX + (colOffset[i] as number) + ((colSlant[i] as number) * (j - NY / 2)) / (NY / 2) + bend;
    const lat = SOUTH + j * DY + (rowOffset[j] as number) + ((rowSlant[j] as number) * (i - NX / 2)) / (NX / 2);
    const x = (lon + jitter(0.02 * DX) - cx) * mx;
    const y = (lat + jitter(0.02 * DY) - cy) * my;
    return [cx + (x * cos - y * sin) / mx, cy + (x * sin + y * cos) / my];
  });
  lattice.assertConvexCells();
  return lattice;
}

function cellsIn(rect: Rect): Cell[] {
  const out: Cell[] = [];
  for (let r = rect.r0; r < rect.r1; r++)
    for (let c = rect.c0; c < rect.c1; c++) if (inStreet(c, r)) out.push({ c, r });
  return out;
}

/** Shares `total` among weights by largest remainder. */
function apportion(weights: readonly number[], total: number): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const raw = weights.map((w) => (w / sum) * total);
  const out = raw.map(Math.floor);
  const order = raw.map((v, k) => [v - Math.floor(v), k] as const).sort((a, b) => b[0] - a[0]);
  for (let k = 0; out.reduce((a, b) => a + b, 0) < total; k++) out[(order[k] as readonly [number, number])[1]]! += 1;
  return out;
}

/**
 * Guillotine split of a block into `k` grids of similar cell counts (at least 3 cells each), cutting across the
 * longer side. Every leaf is a rectangle minus (at most) a corner notch of the street, so it stays one piece.
 */
function splitBlock(rect: Rect, k: number, depth: number, rng: () => number, leaves: Rect[], cuts: Cut[]): void {
  if (k === 1) {
    leaves.push(rect);
    return;
  }
  const k1 = rng() < 0.5 ? Math.floor(k / 2) : Math.ceil(k / 2);
  const k2 = k - k1;
  const width = rect.c1 - rect.c0;
  const height = rect.r1 - rect.r0;
  let first: Cut['axis'] = width > height ? 'column' : height > width ? 'row' : rng() < 0.5 ? 'column' : 'row';
  if (rng() < 0.2) first = first === 'column' ? 'row' : 'column';
  for (const axis of [first, first === 'column' ? 'row' : 'column'] as const) {
    const [lo, hi] = axis === 'column' ? [rect.c0, rect.c1] : [rect.r0, rect.r1];
    let best: { at: number; score: number } | undefined;
    for (let at = lo + 1; at < hi; at++) {
      const [a, b] =
        axis === 'column'
          ? [
              { ...rect, c1: at },
              { ...rect, c0: at },
            ]
          : [
              { ...rect, r1: at },
              { ...rect, r0: at },
            ];
      const na = cellsIn(a).length;
      const nb = cellsIn(b).length;
      if (na < 3 * k1 || nb < 3 * k2) continue;
      const score = Math.abs(na / k1 - nb / k2);
      if (!best || score < best.score) best = { at, score };
    }
    if (!best) continue;
    const { at } = best;
    const [a, b] =
      axis === 'column'
        ? [
            { ...rect, c1: at },
            { ...rect, c0: at },
          ]
        : [
            { ...rect, r1: at },
            { ...rect, r0: at },
          ];
    cuts.push(
      axis === 'column'
        ? { axis, at, from: rect.r0, to: rect.r1, depth }
        : { axis, at, from: rect.c0, to: rect.c1, depth },
    );
    splitBlock(a, k1, depth + 1, rng, leaves, cuts);
    splitBlock(b, k2, depth + 1, rng, leaves, cuts);
    return;
  }
  throw new Error(`cannot split block ${JSON.stringify(rect)} into ${k} grids`);
}

function polygonArea(
  code: string,
  level: Area['level'],
  name: string,
  nameEn: string,
  parent: string | undefined,
  ring: Area['geometry']['coordinates'][number],
): Area {
  const geometry: Area['geometry'] = { type: 'Polygon', coordinates: [ring as Position[]] };
  const [x, y] = pointOnSurface(geometry);
  const area: Area = { code, level, name, nameEn, geometry, center: [round6(x), round6(y)] };
  if (parent !== undefined) area.parent = parent;
  return area;
}

/** Street, communities and grids of the built-in district. */
export function buildLayout(rng: () => number): Layout {
  const lattice = buildLattice(rng);
  const all: Cell[] = [];
  for (let r = 0; r < NY; r++) for (let c = 0; c < NX; c++) if (inStreet(c, r)) all.push({ c, r });
  const street = polygonArea(STREET.code, 'street', STREET.zh, STREET.en, undefined, lattice.outline(all));
  const communities: Area[] = [];
  const gridAreas: Area[] = [];
  const grids: GridCells[] = [];
  const gridOfCell = new Map<number, string>();
  const communityOfCell = new Map<number, number>();
  const cuts: Cut[] = [];
  const counts = apportion(
    COMMUNITY_RECTS.map((rect) => cellsIn(rect).length),
    GRID_TOTAL,
  );

  COMMUNITY_RECTS.forEach((rect, idx) => {
    const info = COMMUNITIES[idx];
    if (!info) throw new Error(`no name for community ${idx}`);
    const code = STREET.code + codeSuffix(idx + 1);
    communities.push(polygonArea(code, 'community', info.zh, info.en, STREET.code, lattice.outline(cellsIn(rect))));
    for (const cell of cellsIn(rect)) communityOfCell.set(lattice.cellKey(cell), idx);

    const leaves: Rect[] = [];
    splitBlock(rect, counts[idx] as number, 0, rng, leaves, cuts);
    const drafts = leaves.map((leaf) => {
      const cells = cellsIn(leaf);
      const geometry: Area['geometry'] = { type: 'Polygon', coordinates: [lattice.outline(cells)] };
      const [, s, , n] = geometryBBox(geometry);
      return { cells, geometry, center: geometryCentroid(geometry), height: n - s };
    });
    orderWestEastNorthSouth(drafts).forEach((draft, k) => {
      const gridCode = code + codeSuffix(k + 1);
      const ring = draft.geometry.coordinates[0] as Position[];
      gridAreas.push(polygonArea(gridCode, 'grid', `第${k + 1}网格`, `Grid ${k + 1}`, code, ring));
      grids.push({ code: gridCode, community: idx, cells: draft.cells });
      for (const cell of draft.cells) gridOfCell.set(lattice.cellKey(cell), gridCode);
    });
  });

  return {
    lattice,
    inStreet,
    areas: [street, ...communities, ...gridAreas],
    grids,
    gridOfCell,
    communityOfCell,
    cuts,
  };
}
