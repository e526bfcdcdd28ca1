import { describe, expect, it } from 'vitest';
import { builtinDistrict, parseDistrict } from '../../geo/district';
import { createGridIndex } from '../../geo/grid-index';
import { multiStreetDistrict } from './multi-street';
import { probeSites } from './plan';

describe('multiStreetDistrict', () => {
  it('copies the built-in street side by side under a district area: a valid package with every grid locatable', () => {
    const base = builtinDistrict();
    const d = parseDistrict(JSON.parse(JSON.stringify(multiStreetDistrict(base, 3))));
    const streets = d.areas.filter((a) => a.level === 'street').map((a) => a.code);
    expect(streets).toEqual(['330106007', '330106008', '330106009']);
    expect(d.areas.filter((a) => a.level === 'grid')).toHaveLength(3 * base.areas.filter((a) => a.level === 'grid').length);
    expect(d.areas[0]).toMatchObject({ code: '330106', level: 'district' });
    // Every copy's grids are where their label points are (the copies do not overlap).
    expect(probeSites(d, createGridIndex(d))).toHaveLength(d.areas.filter((a) => a.level === 'grid').length);
    expect(new Set(d.buildings.map((b) => b.id)).size).toBe(d.buildings.length);
  });

  it('refuses fewer than two streets and a base that is not one street', () => {
    expect(() => multiStreetDistrict(builtinDistrict(), 1)).toThrow(/≥ 2/);
    const two = multiStreetDistrict(builtinDistrict(), 2);
    expect(() => multiStreetDistrict(two, 2)).toThrow(/must be one street/);
  });
});
