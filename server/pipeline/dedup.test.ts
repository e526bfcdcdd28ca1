import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dedup, hash64 } from './dedup';

/** The former implementation (the ids themselves in two Sets): the reference for the hashed tables. */
class SetDedup {
  private young = new Set<string>();
  private old = new Set<string>();
  constructor(private readonly capacity: number) {}
  seen(id: string): boolean {
    if (this.young.has(id) || this.old.has(id)) return true;
    if (this.young.size >= this.capacity) {
      this.old = this.young;
      this.young = new Set();
    }
    this.young.add(id);
    return false;
  }
  forget(id: string): void {
    this.young.delete(id);
    this.old.delete(id);
  }
  get size(): number {
    return this.young.size + this.old.size;
  }
}

describe('Dedup', () => {
  it('remembers ids over a bounded horizon of two generations', () => {
    const d = new Dedup(3);
    expect(['a', 'b', 'c'].map((id) => d.seen(id))).toEqual([false, false, false]);
    expect(d.seen('a')).toBe(true);
    for (const id of ['d', 'e', 'f']) d.seen(id); // 'd' rotates a,b,c into the old generation
    expect(d.seen('b')).toBe(true);
    for (const id of ['g', 'h', 'i']) d.seen(id); // a,b,c dropped
    expect(d.seen('a')).toBe(false);
    expect(d.size).toBeLessThanOrEqual(6);
  });

  it('forgets an id in either generation, and only that id', () => {
    const d = new Dedup(2);
    d.seen('a');
    d.seen('b');
    d.seen('c'); // a, b old; c young
    d.forget('a');
    d.forget('c');
    d.forget('never-seen');
    expect(d.size).toBe(1);
    expect(d.seen('b')).toBe(true);
    expect(d.seen('a')).toBe(false);
    expect(d.seen('c')).toBe(false);
  });

  it('tells the empty string, long ids and ids of other scripts apart', () => {
    const d = new Dedup(100);
    const ids = [
      '',
      'x',
      'ab',
      'ba',
      '事件-1',
      '事件-2',
      'x'.repeat(128),
      `${'x'.repeat(127)}y`,
      '\u0000',
      '\u0000\u0000',
    ];
    expect(ids.map((id) => d.seen(id))).toEqual(ids.map(() => false));
    expect(ids.map((id) => d.seen(id))).toEqual(ids.map(() => true));
  });

  it('answers like the Set version for any sequence of seen and forget (apart from 64-bit hash collisions)', () => {
    // Small capacities: tables of 2–64 slots, so probe runs wrap around the end and deletions shift runs back.
    // With ≤ 60 distinct ids a 64-bit collision has probability < 60² / 2^64 ≈ 2e-16 per run.
    // One op in four a forget. size 'max': fast-check's default size would keep the arrays to a few ops, too few
    // to fill a table (with it, breaking the backward shift of deletion went unnoticed).
    const op = fc.record({
      forget: fc.integer({ min: 0, max: 3 }).map((n) => n === 0),
      id: fc.integer({ min: 0, max: 59 }).map((n) => `ev-${n}`),
    });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.array(op, { maxLength: 300, size: 'max' }), (capacity, ops) => {
        const d = new Dedup(capacity);
        const ref = new SetDedup(capacity);
        for (const { forget, id } of ops) {
          if (forget) {
            d.forget(id);
            ref.forget(id);
          } else expect(d.seen(id)).toBe(ref.seen(id));
          expect(d.size).toBe(ref.size);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('hashes a million sequential ids without a 64-bit collision, each half colliding no more than a random one', () => {
    // 1M random values in 2^32: n(n−1)/2 / 2^32 ≈ 116 colliding pairs expected (Poisson, σ ≈ 11). Fewer is fine:
    // on inputs this regular a half can come close to a bijection.
    const n = 1_000_000;
    const lo = new Uint32Array(n);
    const hi = new Uint32Array(n);
    const byLo = new Map<number, number[]>();
    for (let i = 0; i < n; i++) {
      [lo[i], hi[i]] = hash64(`evt-${i}`);
      const same = byLo.get(lo[i]!);
      if (same) same.push(i);
      else byLo.set(lo[i]!, [i]);
    }
    let full = 0;
    for (const same of byLo.values())
      for (let a = 0; a < same.length; a++)
        for (let b = a + 1; b < same.length; b++) if (hi[same[a]!] === hi[same[b]!]) full++;
    const pairs = (xs: Uint32Array) => {
      const sorted = xs.slice().sort();
      let k = 0;
      for (let i = 1; i < sorted.length; i++) if (sorted[i] === sorted[i - 1]) k++;
      return k;
    };
    expect(full).toBe(0);
    expect(pairs(lo)).toBeLessThan(160);
    expect(pairs(hi)).toBeLessThan(160);
  });
});
