import { describe, expect, it } from 'vitest';
import { Dedup } from './dedup';

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
});
