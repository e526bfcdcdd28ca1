import type { BuildingUse, Position, Ring } from '../district.types';
import { type Cell, type Lattice, metresPerDegree, round6 } from './lattice';

/** What a cell is used for; parks and school grounds are decided by the caller. */
export type CellKind = 'old' | 'tower' | 'office' | 'commercial' | 'school' | 'green' | 'park';

/** A building before it gets its district-wide name and id. */
export interface BuildingDraft {
  cell: Cell;
  use: BuildingUse;
  floors: number;
  footprint: Ring;
  center: Position;
}

/** Distance kept from every cell edge: roads, the river and grid borders run along cell edges. */
const MARGIN_M = 18;

interface Frame {
  origin: Position;
  angle: number;
  mx: number;
  my: number;
  /** Cell corners in local metres, counter-clockwise. */
  quad: [number, number][];
}

function frameOf(lattice: Lattice, cell: Cell, rng: () => number): Frame {
  const origin = lattice.cellPoint(cell, 0.5, 0.5);
  const { x: mx, y: my } = metresPerDegree(origin[1]);
  const [a, b, c, d] = lattice.cellCorners(cell);
  const ux = ((b[0] - a[0] + c[0] - d[0]) / 2) * mx;
  const uy = ((b[1] - a[1] + c[1] - d[1]) / 2) * my;
  const quad = [a, b, c, d].map((p): [number, number] => [(p[0] - origin[0]) * mx, (p[1] - origin[1]) * my]);
  // Buildings follow the block's orientation, give or take a couple of degrees.
  return { origin, angle: Math.atan2(uy, ux) + (rng() * 2 - 1) * 0.04, mx, my, quad };
}

function insideWithMargin(frame: Frame, x: number, y: number): boolean {
  const q = frame.quad;
  for (let k = 0; k < 4; k++) {
    const [x0, y0] = q[k] as [number, number];
    const [x1, y1] = q[(k + 1) % 4] as [number, number];
    const len = Math.hypot(x1 - x0, y1 - y0);
    if (((x1 - x0) * (y - y0) - (y1 - y0) * (x - x0)) / len < MARGIN_M) return false;
  }
  return true;
}

/** A rotated rectangle (local metres: centre u, v; size along u and v), or undefined when it does not fit. */
function rectangle(
  frame: Frame,
  u: number,
  v: number,
  lenU: number,
  lenV: number,
): { ring: Ring; center: Position } | undefined {
  const cos = Math.cos(frame.angle);
  const sin = Math.sin(frame.angle);
  const toLocal = (pu: number, pv: number): [number, number] => [pu * cos - pv * sin, pu * sin + pv * cos];
  const corners = [
    [u - lenU / 2, v - lenV / 2],
    [u + lenU / 2, v - lenV / 2],
    [u + lenU / 2, v + lenV / 2],
    [u - lenU / 2, v + lenV / 2],
  ].map(([pu, pv]) => toLocal(pu as number, pv as number));
  if (!corners.every(([x, y]) => insideWithMargin(frame, x, y))) return undefined;
  const toWorld = ([x, y]: [number, number]): Position => [
    round6(frame.origin[0] + x / frame.mx),
    round6(frame.origin[1] + y / frame.my),
  ];
  const ring = corners.map(toWorld);
  ring.push(ring[0] as Position);
  return { ring, center: toWorld(toLocal(u, v)) };
}

function pick<T>(rng: () => number, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)] as T;
}

function between(rng: () => number, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}

interface Slot {
  u: number;
  v: number;
  lenU: number;
  lenV: number;
  use: BuildingUse;
  floors: number;
}

/** Building slots of one cell, in local metres (u east-ish, v north-ish), north row first. */
function slotsFor(kind: CellKind, rng: () => number): Slot[] {
  switch (kind) {
    case 'old': {
      // 1980s–90s walk-ups: rows of 5–7 storey slabs.
      const rows = rng() < 0.7 ? [30, 0, -30] : [24, -24];
      const floors = pick(rng, [5, 6, 6, 6, 7, 4]);
      return rows.flatMap((v) =>
        rng() < 0.3 && rows.length === 2
          ? [-22, 22].map((u) => ({ u, v, lenU: 36, lenV: 12, use: 'residential' as const, floors }))
          : [{ u: (rng() * 2 - 1) * 6, v, lenU: between(rng, 48, 70), lenV: 12, use: 'residential' as const, floors }],
      );
    }
    case 'tower': {
      const floors = pick(rng, [11, 15, 18, 18, 24, 26, 28, 32, 33]);
      const variant = rng();
      if (variant < 0.35) {
        return [-32, 0, 32].map((u, k) => ({
          u,
          v: k === 1 ? -14 : 14,
          lenU: 22,
          lenV: 22,
          use: 'residential' as const,
          floors,
        }));
      }
      if (variant < 0.7) {
        const stagger = (rng() * 2 - 1) * 12;
        return [
          { u: -24, v: stagger, lenU: 26, lenV: 22, use: 'residential', floors },
          { u: 24, v: -stagger, lenU: 26, lenV: 22, use: 'residential', floors },
        ];
      }
      return [
        { u: 0, v: 22, lenU: between(rng, 50, 66), lenV: 18, use: 'residential', floors },
        { u: 0, v: -24, lenU: between(rng, 40, 60), lenV: 18, use: 'residential', floors: Math.max(11, floors - 6) },
      ];
    }
    case 'office':
      return rng() < 0.5
        ? [
            {
              u: 0,
              v: 0,
              lenU: between(rng, 50, 64),
              lenV: between(rng, 34, 44),
              use: 'office',
              floors: between(rng, 12, 25),
            },
          ]
        : [
            { u: -22, v: 0, lenU: 34, lenV: 40, use: 'office', floors: between(rng, 8, 20) },
            { u: 24, v: 10, lenU: 30, lenV: 30, use: 'office', floors: between(rng, 8, 16) },
          ];
    case 'commercial':
      return [
        { u: 0, v: -14, lenU: between(rng, 60, 80), lenV: 40, use: 'commercial', floors: between(rng, 4, 6) },
        ...(rng() < 0.5
          ? [{ u: 10, v: 28, lenU: 30, lenV: 18, use: 'commercial' as const, floors: between(rng, 8, 12) }]
          : []),
      ];
    case 'school':
      return [
        { u: -8, v: 24, lenU: 62, lenV: 14, use: 'school', floors: 5 },
        { u: -8, v: -2, lenU: 62, lenV: 14, use: 'school', floors: 4 },
        { u: 26, v: -30, lenU: 28, lenV: 22, use: 'school', floors: 4 },
      ];
    case 'green':
    case 'park':
      return [];
  }
}

/** Buildings of one cell, shrinking a slot a little when the cell is too skewed for it. */
export function buildingsInCell(lattice: Lattice, cell: Cell, kind: CellKind, rng: () => number): BuildingDraft[] {
  const frame = frameOf(lattice, cell, rng);
  const out: BuildingDraft[] = [];
  for (const slot of slotsFor(kind, rng)) {
    for (let scale = 1; scale > 0.6; scale -= 0.1) {
      const rect = rectangle(frame, slot.u * scale, slot.v * scale, slot.lenU * scale, slot.lenV * scale);
      if (rect) {
        out.push({ cell, use: slot.use, floors: slot.floors, footprint: rect.ring, center: rect.center });
        break;
      }
    }
  }
  return out;
}

/** A closed ellipse ring (metres → degrees) around a point, counter-clockwise. */
export function ellipse(center: Position, rx: number, ry: number, angle: number, points: number): Ring {
  const { x: mx, y: my } = metresPerDegree(center[1]);
  const ring: Ring = [];
  for (let k = 0; k < points; k++) {
    const t = (2 * Math.PI * k) / points;
    const x = rx * Math.cos(t);
    const y = ry * Math.sin(t);
    ring.push([
      round6(center[0] + (x * Math.cos(angle) - y * Math.sin(angle)) / mx),
      round6(center[1] + (x * Math.sin(angle) + y * Math.cos(angle)) / my),
    ]);
  }
  ring.push(ring[0] as Position);
  return ring;
}
