import { describe, expect, it } from 'vitest';
import { createRng } from './prng';

describe('createRng', () => {
  it('repeats the same stream for the same seed and differs for another', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const xs = Array.from({ length: 100 }, () => a.float());
    expect(Array.from({ length: 100 }, () => b.float())).toEqual(xs);
    expect(Array.from({ length: 100 }, () => c.float())).not.toEqual(xs);
  });

  it('draws floats in [0, 1) with a uniform mean', () => {
    const rng = createRng(1);
    let sum = 0;
    let outside = 0;
    for (let i = 0; i < 100_000; i++) {
      const x = rng.float();
      if (!(x >= 0 && x < 1)) outside++;
      sum += x;
    }
    expect(outside).toBe(0);
    expect(sum / 100_000).toBeCloseTo(0.5, 2);
  });

  it('keeps int within its inclusive bounds and reaches both ends', () => {
    const rng = createRng(2);
    const seen = new Set<number>();
    for (let i = 0; i < 10_000; i++) seen.add(rng.int(3, 7));
    expect([...seen].sort()).toEqual([3, 4, 5, 6, 7]);
  });

  it('matches the moments of normal, exponential and poisson', () => {
    const rng = createRng(3);
    const n = 50_000;
    const normals = Array.from({ length: n }, () => rng.normal(10, 2));
    const m = normals.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(normals.reduce((a, b) => a + (b - m) ** 2, 0) / n);
    expect(m).toBeCloseTo(10, 1);
    expect(sd).toBeCloseTo(2, 1);
    const exps = Array.from({ length: n }, () => rng.exponential(5));
    expect(exps.reduce((a, b) => a + b, 0) / n).toBeCloseTo(5, 0);
    expect(Math.min(...exps)).toBeGreaterThanOrEqual(0);
    const pois = Array.from({ length: n }, () => rng.poisson(3.5));
    expect(pois.reduce((a, b) => a + b, 0) / n).toBeCloseTo(3.5, 1);
  });

  it('picks by weight and never picks a zero weight', () => {
    const rng = createRng(4);
    const counts = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 30_000; i++) counts[rng.weighted(['a', 'b', 'c'] as const, [1, 0, 3])]++;
    expect(counts.b).toBe(0);
    expect(counts.c / counts.a).toBeGreaterThan(2.7);
    expect(counts.c / counts.a).toBeLessThan(3.3);
    expect(() => rng.pick([])).toThrow(RangeError);
  });

  it('forks an independent, still deterministic stream', () => {
    const a = createRng(5).fork();
    const b = createRng(5).fork();
    expect(a.float()).toBe(b.float());
  });
});
