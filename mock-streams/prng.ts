/**
 * A small seeded pseudo-random generator (sfc32, seeded through splitmix32) with the helpers the simulation
 * needs. Everything the generators draw comes from one of these, so a seed fixes the whole stream.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  float(): number;
  /** Uniform in [min, max). */
  range(min: number, max: number): number;
  /** Uniform integer in [min, max] (both inclusive). */
  int(min: number, max: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
  /** One element, drawn with the given non-negative weights (same length as items). */
  weighted<T>(items: readonly T[], weights: readonly number[]): T;
  /** Normal (Gaussian) with the given mean and standard deviation. */
  normal(mean?: number, sd?: number): number;
  /** Exponential with the given mean (the waiting time of a Poisson process). */
  exponential(mean: number): number;
  /** Poisson-distributed count with the given mean. */
  poisson(mean: number): number;
  /** A new generator whose stream is independent of this one's future draws. */
  fork(): Rng;
}

/** splitmix32: spreads a small integer seed over the 128 bits of sfc32 state. */
function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

const TWO_POW_32 = 4_294_967_296;

/** Creates a generator for `seed` (any finite number; its integer part modulo 2^32 is what counts). */
export function createRng(seed: number): Rng {
  const init = splitmix32(Math.trunc(seed) >>> 0);
  let a = init();
  let b = init();
  let c = init();
  let d = init();

  // sfc32 (Chris Doty-Humphrey): 128-bit state, passes PractRand, a handful of 32-bit ops per draw.
  const next = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t;
  };
  // Discard the first draws: sfc32 mixes its seed state over a few rounds.
  for (let i = 0; i < 12; i++) next();

  let spareNormal: number | undefined;

  const rng: Rng = {
    float: () => next() / TWO_POW_32,
    range: (min, max) => min + (max - min) * (next() / TWO_POW_32),
    int: (min, max) => min + Math.floor((next() / TWO_POW_32) * (max - min + 1)),
    chance: (p) => next() / TWO_POW_32 < p,
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new RangeError('pick from an empty array');
      return items[Math.floor((next() / TWO_POW_32) * items.length)] as T;
    },
    weighted<T>(items: readonly T[], weights: readonly number[]): T {
      let total = 0;
      for (let i = 0; i < items.length; i++) total += weights[i] ?? 0;
      if (!(total > 0)) throw new RangeError('weighted pick needs a positive total weight');
      let r = (next() / TWO_POW_32) * total;
      for (let i = 0; i < items.length; i++) {
        r -= weights[i] ?? 0;
        if (r < 0) return items[i] as T;
      }
      return items[items.length - 1] as T;
    },
    normal(mean = 0, sd = 1) {
      if (spareNormal !== undefined) {
        const z = spareNormal;
        spareNormal = undefined;
        return mean + sd * z;
      }
      // Marsaglia polar method: two normals per accepted pair, no trigonometry.
      let u: number;
      let v: number;
      let s: number;
      do {
        u = 2 * (next() / TWO_POW_32) - 1;
        v = 2 * (next() / TWO_POW_32) - 1;
        s = u * u + v * v;
      } while (s >= 1 || s === 0);
      const f = Math.sqrt((-2 * Math.log(s)) / s);
      spareNormal = v * f;
      return mean + sd * u * f;
    },
    exponential: (mean) => -mean * Math.log(1 - next() / TWO_POW_32),
    poisson(mean) {
      if (mean <= 0) return 0;
      if (mean > 50) return Math.max(0, Math.round(rng.normal(mean, Math.sqrt(mean))));
      // Knuth's product method: fine for the small means the generators use.
      const limit = Math.exp(-mean);
      let k = 0;
      let p = next() / TWO_POW_32;
      while (p > limit) {
        k++;
        p *= next() / TWO_POW_32;
      }
      return k;
    },
    fork: () => createRng(next() ^ next()),
  };
  return rng;
}
