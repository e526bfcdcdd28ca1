import { distance } from '@turf/turf';
import { describe, expect, it } from 'vitest';
import { childCode, deriveAdminCode } from './codes';
import { toWgs84 } from './crs';

/**
 * WGS84 → GCJ-02 and GCJ-02 → BD-09 as published (the Krasovsky-ellipsoid offset used by Chinese web maps,
 * and Baidu's rotation on top), written out here independently of gcoord so the test checks the conversion
 * rather than the library against itself.
 */
const A = 6378245.0;
const EE = 0.006693421622965943;
function wgs84ToGcj02([lon, lat]: [number, number]): [number, number] {
  const x = lon - 105;
  const y = lat - 35;
  let dLat = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  dLat += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  dLat += ((20 * Math.sin(y * Math.PI) + 40 * Math.sin((y / 3) * Math.PI)) * 2) / 3;
  dLat += ((160 * Math.sin((y / 12) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30)) * 2) / 3;
  let dLon = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  dLon += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  dLon += ((20 * Math.sin(x * Math.PI) + 40 * Math.sin((x / 3) * Math.PI)) * 2) / 3;
  dLon += ((150 * Math.sin((x / 12) * Math.PI) + 300 * Math.sin((x / 30) * Math.PI)) * 2) / 3;
  const rad = (lat / 180) * Math.PI;
  const magic = 1 - EE * Math.sin(rad) ** 2;
  const sqrtMagic = Math.sqrt(magic);
  dLat = (dLat * 180) / (((A * (1 - EE)) / (magic * sqrtMagic)) * Math.PI);
  dLon = (dLon * 180) / ((A / sqrtMagic) * Math.cos(rad) * Math.PI);
  return [lon + dLon, lat + dLat];
}
function gcj02ToBd09([lon, lat]: [number, number]): [number, number] {
  const xPi = (Math.PI * 3000) / 180;
  const z = Math.sqrt(lon * lon + lat * lat) + 0.00002 * Math.sin(lat * xPi);
  const theta = Math.atan2(lat, lon) + 0.000003 * Math.cos(lon * xPi);
  return [z * Math.cos(theta) + 0.0065, z * Math.sin(theta) + 0.006];
}

describe('toWgs84', () => {
  // Tian'anmen, West Lake, Shenzhen Civic Center (WGS84).
  const places: [number, number][] = [
    [116.397428, 39.90923],
    [120.148732, 30.242643],
    [114.05956, 22.543099],
  ];

  it('converts GCJ-02 to WGS84 within a metre', () => {
    const convert = toWgs84('gcj02');
    for (const wgs of places) {
      const gcj = wgs84ToGcj02(wgs);
      // The offset is hundreds of metres: the test would notice a missing conversion.
      expect(distance(gcj, wgs, { units: 'meters' })).toBeGreaterThan(100);
      expect(distance(convert(gcj), wgs, { units: 'meters' })).toBeLessThan(1);
    }
  });

  it('converts BD-09 to WGS84 within a metre', () => {
    const convert = toWgs84('bd09');
    for (const wgs of places)
      expect(distance(convert(gcj02ToBd09(wgs84ToGcj02(wgs))), wgs, { units: 'meters' })).toBeLessThan(1);
  });

  it('leaves WGS84 as it is, rounded to 1e-7°', () => {
    expect(toWgs84('wgs84')([120.123456789, 30.5])).toEqual([120.1234568, 30.5]);
  });
});

describe('codes', () => {
  it('numbers children after the parent code, zero-filling skipped levels and carrying past 999', () => {
    expect(childCode('330106', 'street', 0)).toBe('330106001');
    expect(childCode('330106001', 'community', 11)).toBe('330106001012');
    expect(childCode('330106', 'grid', 0)).toBe('330106000000001');
    expect(childCode('330106', 'grid', 999)).toBe('330106000001001');
    expect(() => childCode('330106001001', 'grid', 999)).toThrow(/more than 999/);
  });

  it('derives the admin code from GB/T 2260 source codes', () => {
    expect(deriveAdminCode(['440303', '440304'])).toBe('440300');
    expect(deriveAdminCode(['330106001', '330106002'])).toBe('330106');
    expect(deriveAdminCode(['330106', '440304'])).toBeUndefined();
    expect(deriveAdminCode(['330106', undefined])).toBeUndefined();
  });
});
