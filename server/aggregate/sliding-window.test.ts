import { describe, expect, it } from 'vitest';
import { SlidingWindow } from './sliding-window';

describe('SlidingWindow', () => {
  const make = () => new SlidingWindow({ bucketMs: 10_000, bucketCount: 30, channels: 2, keys: 2 });

  it('counts inside the window and drops buckets as they leave it', () => {
    const w = make();
    w.advanceTo(1_000_000);
    expect(w.add(0, 0, 1_000_000)).toBe(true);
    expect(w.add(0, 0, 1_000_000 - 290_000)).toBe(true); // oldest bucket (71) still in
    expect(w.add(0, 1, 999_000)).toBe(true);
    expect(w.total(0, 0)).toBe(2);
    expect(w.total(0, 1)).toBe(1);
    const expired: number[] = [];
    w.advanceTo(1_000_000 + 10_000, (k) => expired.push(k));
    expect(w.total(0, 0)).toBe(1); // the oldest bucket rotated out
    expect(expired).toEqual([0]);
  });

  it('refuses times older than the window or newer than its head', () => {
    const w = make();
    w.advanceTo(1_000_000);
    expect(w.add(0, 0, 1_000_000 - 300_001)).toBe(false);
    expect(w.add(0, 0, 1_010_000)).toBe(false);
    expect(w.total(0, 0)).toBe(0);
  });

  it('grows its key space and keeps earlier counts', () => {
    const w = make();
    w.advanceTo(500_000);
    w.add(1, 0, 500_000, 3);
    w.add(40, 1, 495_000, 2);
    expect(w.total(1, 0)).toBe(3);
    expect(w.total(40, 1)).toBe(2);
  });

  it('gives a per-bucket series, oldest first, and clears all after a long jump', () => {
    const w = new SlidingWindow({ bucketMs: 60_000, bucketCount: 3, channels: 1 });
    w.advanceTo(180_000);
    w.add(0, 0, 60_000);
    w.add(0, 0, 180_000);
    w.add(0, 0, 180_500);
    expect(w.series(0, 0)).toEqual([1, 0, 2]);
    expect(w.start).toBe(60_000);
    w.advanceTo(10_000_000);
    expect(w.series(0, 0)).toEqual([0, 0, 0]);
    expect(w.total(0, 0)).toBe(0);
  });
});
