import { describe, expect, it } from 'vitest';
import { DEFAULT_ROTATE_MS, designSize, nextRotation, parseWallOptions } from './wall-options';

describe('wall options', () => {
  it('reads kiosk, rotation, sound, canvas and fit from the query string', () => {
    const d = parseWallOptions('');
    expect(d).toMatchObject({ kiosk: false, rotateMs: DEFAULT_ROTATE_MS, sound: false, fit: 'contain', theme: 'dark' });
    expect(parseWallOptions('?rotate=off').rotateMs).toBeNull();
    expect(parseWallOptions('?rotate=45').rotateMs).toBe(45_000);
    expect(parseWallOptions('?rotate=1').rotateMs).toBe(DEFAULT_ROTATE_MS);
    expect(parseWallOptions('?kiosk=1&sound=on&fit=fill').kiosk).toBe(true);
    expect(parseWallOptions('?kiosk=1&sound=on&fit=fill')).toMatchObject({ sound: true, fit: 'fill' });
    expect(parseWallOptions('?canvas=5760x2160').canvas).toEqual({ width: 5760, height: 2160 });
    expect(parseWallOptions('?canvas=huge').canvas).toEqual({ width: 1920, height: 1080 });
  });

  it("widens or heightens the design canvas to the wall's shape, never shrinking it", () => {
    expect(designSize({ width: 1920, height: 1080 })).toEqual({ width: 1920, height: 1080 });
    expect(designSize({ width: 5760, height: 2160 })).toEqual({ width: 2880, height: 1080 });
    expect(designSize({ width: 7680, height: 2160 })).toEqual({ width: 3840, height: 1080 });
    expect(designSize({ width: 1024, height: 768 })).toEqual({ width: 1920, height: 1440 });
  });

  it('rotates round the order', () => {
    expect(nextRotation(['*', 'a', 'b'], 2)).toBe(0);
    expect(nextRotation(['*', 'a', 'b'], 0)).toBe(1);
    expect(nextRotation([], 0)).toBe(-1);
  });
});
