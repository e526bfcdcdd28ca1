import type { Position, Ring } from '../district.types';

/** Seeded PRNG (mulberry32): the same seed gives the same district on every machine. */
export function createRng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Round to 6 decimals (~0.1 m): the precision the committed JSON is stored with. */
export function round6(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}

/** A cell of the lattice: column c (west→east), row r (south→north). */
export interface Cell {
  c: number;
  r: number;
}

/**
 * A jittered quad lattice. Every polygon of the district (street, community, grid, park, school ground) is a
 * union of lattice cells and is traced along lattice vertices, so a border shared by two areas is made of the
 * very same rounded coordinates on both sides: the tiling has no gaps and no overlaps by construction.
 */
export class Lattice {
  readonly nx: number;
  readonly ny: number;
  /** Vertex (i, j) at [i + j * (nx + 1)], i = 0..nx west→east, j = 0..ny south→north. */
  private readonly vertices: Position[];

  constructor(nx: number, ny: number, vertex: (i: number, j: number) => Position) {
    this.nx = nx;
    this.ny = ny;
    this.vertices = [];
    for (let j = 0; j <= ny; j++) {
      for (let i = 0; i <= nx; i++) {
        const [lon, lat] = vertex(i, j);
        this.vertices.push([round6(lon), round6(lat)]);
      }
    }
  }

  vertex(i: number, j: number): Position {
    const v = this.vertices[i + j * (this.nx + 1)];
    if (!v) throw new Error(`lattice vertex (${i}, ${j}) out of range`);
    return v;
  }

  /**
   * Throws unless every cell is a strictly convex counter-clockwise quad: buildings, POIs and the tiling all
   * rely on it (a folded cell would make neighbouring grids overlap).
   */
  assertConvexCells(): void {
    for (let r = 0; r < this.ny; r++) {
      for (let c = 0; c < this.nx; c++) {
        const q = this.cellCorners({ c, r });
        for (let k = 0; k < 4; k++) {
          const [a, b, d] = [q[k], q[(k + 1) % 4], q[(k + 2) % 4]] as [Position, Position, Position];
          const cross = (b[0] - a[0]) * (d[1] - b[1]) - (b[1] - a[1]) * (d[0] - b[0]);
          if (!(cross > 0)) throw new Error(`lattice cell (${c}, ${r}) is not a convex counter-clockwise quad`);
        }
      }
    }
  }

  cellKey(cell: Cell): number {
    return cell.c + cell.r * this.nx;
  }

  /** Corners of a cell, counter-clockwise from its south-west corner. */
  cellCorners(cell: Cell): [Position, Position, Position, Position] {
    const { c, r } = cell;
    return [this.vertex(c, r), this.vertex(c + 1, r), this.vertex(c + 1, r + 1), this.vertex(c, r + 1)];
  }

  /**
   * Bilinear point inside a cell, u west→east and v south→north in [0, 1]. Cells are convex quads
   * (the jitter is small against the cell size), so any (u, v) in [0, 1]² lies inside the cell.
   */
  cellPoint(cell: Cell, u: number, v: number): Position {
    const [a, b, c, d] = this.cellCorners(cell);
    const lon = (1 - v) * ((1 - u) * a[0] + u * b[0]) + v * ((1 - u) * d[0] + u * c[0]);
    const lat = (1 - v) * ((1 - u) * a[1] + u * b[1]) + v * ((1 - u) * d[1] + u * c[1]);
    return [lon, lat];
  }

  /**
   * Outline of a union of cells as one closed counter-clockwise ring (GeoJSON right-hand rule).
   * Every lattice vertex on the boundary is kept, so neighbours share identical coordinates.
   * Throws when the union is not a single simple ring (holes, islands or corners touching diagonally):
   * the generator never builds such shapes, and failing loudly keeps it that way.
   */
  outline(cells: readonly Cell[]): Ring {
    const inSet = new Set(cells.map((cell) => this.cellKey(cell)));
    const has = (c: number, r: number): boolean =>
      c >= 0 && r >= 0 && c < this.nx && r < this.ny && inSet.has(c + r * this.nx);
    const w = this.nx + 1;
    const next = new Map<number, number>();
    const addEdge = (fi: number, fj: number, ti: number, tj: number): void => {
      const from = fi + fj * w;
      if (next.has(from)) throw new Error(`outline: cells touch diagonally at vertex (${fi}, ${fj})`);
      next.set(from, ti + tj * w);
    };
    for (const { c, r } of cells) {
      if (!has(c, r - 1)) addEdge(c, r, c + 1, r);
      if (!has(c + 1, r)) addEdge(c + 1, r, c + 1, r + 1);
      if (!has(c, r + 1)) addEdge(c + 1, r + 1, c, r + 1);
      if (!has(c - 1, r)) addEdge(c, r + 1, c, r);
    }
    const start = Math.min(...next.keys());
    const ring: Ring = [];
    let at = start;
    do {
      ring.push(this.vertex(at % w, Math.floor(at / w)));
      const to = next.get(at);
      if (to === undefined) throw new Error('outline: open boundary');
      at = to;
    } while (at !== start && ring.length <= next.size);
    if (ring.length !== next.size) throw new Error('outline: the cells form more than one ring (hole or island)');
    ring.push(ring[0] as Position);
    return ring;
  }

  /** Vertices along lattice line j (east-west) from i0 to i1, or line i (north-south) from j0 to j1. */
  rowLine(j: number, i0: number, i1: number): Position[] {
    const out: Position[] = [];
    for (let i = i0; i <= i1; i++) out.push(this.vertex(i, j));
    return out;
  }

  columnLine(i: number, j0: number, j1: number): Position[] {
    const out: Position[] = [];
    for (let j = j0; j <= j1; j++) out.push(this.vertex(i, j));
    return out;
  }
}

/** Metres per degree at a latitude (equirectangular; fine at street scale). */
export function metresPerDegree(lat: number): { x: number; y: number } {
  return { x: 111_320 * Math.cos((lat * Math.PI) / 180), y: 110_574 };
}
