import type { AreaGeometry, Position } from '../district.types';
import { geometryBBox, pointInGeometry } from '../geometry';

/** Seeded PRNG for tests (mulberry32). */
export function testRng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` seeded random points inside a geometry (rejection sampling in its bbox). */
export function pointsInside(g: AreaGeometry, count: number, rng: () => number): Position[] {
  const [w, s, e, n] = geometryBBox(g);
  const out: Position[] = [];
  while (out.length < count) {
    const p: Position = [w + (e - w) * rng(), s + (n - s) * rng()];
    if (pointInGeometry(p, g)) out.push(p);
  }
  return out;
}
