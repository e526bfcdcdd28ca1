/**
 * Duplicate filter by event id over a bounded horizon: the last `capacity` to `2 × capacity` ids.
 * Two generations; when the young one fills, the old one is dropped. Memory never grows past two fixed tables,
 * whatever the input rate.
 *
 * Each generation keeps a 64-bit hash of each id (not the id) in an open-addressing table of typed arrays: 8 bytes
 * a slot, at most half the slots used, outside the JS heap. Strings in two Sets took ~42 bytes a string + ~20 a
 * Set entry, a million of them in the old generation at 20,000 events/s (~60 MB that the garbage collector marks
 * on every full collection, and lets the heap grow in proportion to).
 *
 * Collisions: an id never seen is taken for a duplicate only if its 64-bit hash equals one of the ≤ 2 × capacity
 * hashes held. Treating the hash as random over distinct ids, that is ≤ 2 × capacity / 2^64 per event: ≤ 5.4e-14
 * with the default capacity (1,000,000 ids held), i.e. an expected 0.03 events wrongly dropped in a year at
 * 20,000 events/s (6.3e11 events). The two halves are two different functions (MurmurHash3 and xxHash32 rounds
 * over the id's UTF-16 code units) rather than one function with two seeds, so inputs that collide in one (e.g.
 * MurmurHash3's seed-independent collisions) have no reason to collide in the other.
 */
export class Dedup {
  private young: HashTable;
  /** Allocated at the first rotation (many pipelines, e.g. in tests, never fill one generation). */
  private old: HashTable | undefined;

  constructor(private readonly capacity = 500_000) {
    if (!(Number.isInteger(capacity) && capacity >= 1))
      throw new RangeError(`dedup capacity must be an integer ≥ 1, got ${capacity}`);
    this.young = new HashTable(capacity);
  }

  /** True when `id` was seen within the horizon; otherwise remembers it and returns false. */
  seen(id: string): boolean {
    hashId(id);
    const lo = hashLo;
    const hi = hashHi;
    if (this.young.has(lo, hi) || (this.old !== undefined && this.old.has(lo, hi))) return true;
    if (this.young.count >= this.capacity) {
      // The dropped generation's table is reused for the new young one: no allocation at steady state.
      const recycled = this.old ?? new HashTable(this.capacity);
      recycled.clear();
      this.old = this.young;
      this.young = recycled;
    }
    this.young.add(lo, hi);
    return false;
  }

  /** Forgets `id` (an event that was accepted by dedup but then refused later in the pipeline). */
  forget(id: string): void {
    hashId(id);
    this.young.delete(hashLo, hashHi);
    this.old?.delete(hashLo, hashHi);
  }

  get size(): number {
    return this.young.count + (this.old?.count ?? 0);
  }
}

/**
 * A set of 64-bit hashes: linear probing over interleaved (lo, hi) pairs, (0, 0) marks an empty slot (hashId
 * never yields it). Deletion shifts the following entries back, so there are no tombstones and lookups stay short.
 */
class HashTable {
  private readonly slots: Uint32Array;
  /** Slot count − 1 (a power of two minus one). */
  private readonly mask: number;
  count = 0;

  constructor(capacity: number) {
    // At least twice the capacity: load factor ≤ 1/2 keeps linear probes short (≈ 1.5 slots for a hit, 2.5 a miss).
    let n = 2;
    while (n < 2 * capacity) n *= 2;
    this.slots = new Uint32Array(2 * n);
    this.mask = n - 1;
  }

  has(lo: number, hi: number): boolean {
    const s = this.slots;
    for (let i = lo & this.mask; ; i = (i + 1) & this.mask) {
      const slo = s[2 * i]!;
      const shi = s[2 * i + 1]!;
      if (slo === lo && shi === hi) return true;
      if (slo === 0 && shi === 0) return false;
    }
  }

  /** Adds a hash known not to be present. */
  add(lo: number, hi: number): void {
    const s = this.slots;
    let i = lo & this.mask;
    while (s[2 * i] !== 0 || s[2 * i + 1] !== 0) i = (i + 1) & this.mask;
    s[2 * i] = lo;
    s[2 * i + 1] = hi;
    this.count++;
  }

  delete(lo: number, hi: number): void {
    const s = this.slots;
    const mask = this.mask;
    let i = lo & mask;
    for (; ; i = (i + 1) & mask) {
      const slo = s[2 * i]!;
      const shi = s[2 * i + 1]!;
      if (slo === lo && shi === hi) break;
      if (slo === 0 && shi === 0) return;
    }
    this.count--;
    // Backward shift: move up every later entry of the run whose home slot is not in (i, j], so none is cut off
    // from its home by the hole.
    for (let j = (i + 1) & mask; ; j = (j + 1) & mask) {
      const slo = s[2 * j]!;
      const shi = s[2 * j + 1]!;
      if (slo === 0 && shi === 0) break;
      const home = slo & mask;
      const stays = i <= j ? i < home && home <= j : i < home || home <= j;
      if (stays) continue;
      s[2 * i] = slo;
      s[2 * i + 1] = shi;
      i = j;
    }
    s[2 * i] = 0;
    s[2 * i + 1] = 0;
  }

  clear(): void {
    this.slots.fill(0);
    this.count = 0;
  }
}

/** hashId's result (two unsigned 32-bit halves), in module variables so the hot path allocates nothing. */
let hashLo = 0;
let hashHi = 0;

const rotl = (x: number, r: number) => (x << r) | (x >>> (32 - r));

/**
 * 64-bit hash of a string: MurmurHash3_x86_32 (lo) and xxHash32's round and avalanche (hi) over its UTF-16 code
 * units taken two at a time, each with its own seed. Sets hashLo and hashHi, never both 0.
 */
function hashId(id: string): void {
  const n = id.length;
  let a = 0x9747b28c ^ n;
  let b = (0x165667b1 + n) | 0;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const k = id.charCodeAt(i) | (id.charCodeAt(i + 1) << 16);
    a ^= Math.imul(rotl(Math.imul(k, 0xcc9e2d51), 15), 0x1b873593);
    a = (Math.imul(rotl(a, 13), 5) + 0xe6546b64) | 0;
    b = Math.imul(rotl((b + Math.imul(k, 0x85ebca77)) | 0, 13), 0x9e3779b1);
  }
  if (i < n) {
    const k = id.charCodeAt(i);
    a ^= Math.imul(rotl(Math.imul(k, 0xcc9e2d51), 15), 0x1b873593);
    b = Math.imul(rotl((b + Math.imul(k, 0xc2b2ae3d)) | 0, 17), 0x27d4eb2f);
  }
  a ^= a >>> 16;
  a = Math.imul(a, 0x85ebca6b);
  a ^= a >>> 13;
  a = Math.imul(a, 0xc2b2ae35);
  a ^= a >>> 16;
  b ^= b >>> 15;
  b = Math.imul(b, 0x85ebca77);
  b ^= b >>> 13;
  b = Math.imul(b, 0xc2b2ae3d);
  b ^= b >>> 16;
  hashLo = a >>> 0;
  hashHi = b >>> 0;
  if (hashLo === 0 && hashHi === 0) hashHi = 1;
}

/** hashId's two halves as a pair (tests). */
export function hash64(id: string): [lo: number, hi: number] {
  hashId(id);
  return [hashLo, hashHi];
}
