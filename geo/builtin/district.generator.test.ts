import { describe, expect, it } from 'vitest';
import data from '../data/builtin-district.json';
import { parseDistrict } from '../district';
import { BUILTIN_SEED, generateBuiltinDistrict } from './district.generator';

describe('built-in district generator', () => {
  it('committed data equals a fresh generation (run geo/builtin/generate-district.ts after changing the generator)', () => {
    const fresh = JSON.parse(JSON.stringify(generateBuiltinDistrict(BUILTIN_SEED)));
    expect(fresh).toEqual(data);
  });

  it('another seed gives another valid district of the same shape', () => {
    const other = parseDistrict(JSON.parse(JSON.stringify(generateBuiltinDistrict(7))));
    expect(other.areas.filter((a) => a.level === 'grid')).toHaveLength(100);
    expect(JSON.stringify(other.areas)).not.toEqual(JSON.stringify(data.areas));
  });

  it('has the size and contents the product expects', () => {
    const d = parseDistrict(data);
    expect(d.code).toMatch(/^330106\d{3}$/);
    expect(d.areas.filter((a) => a.level === 'community')).toHaveLength(8);
    expect(d.buildings.length).toBeGreaterThan(1300);
    expect(d.buildings.length).toBeLessThan(1700);
    const [w, s, e, n] = d.bbox;
    expect(w).toBeGreaterThan(120.09);
    expect(e).toBeLessThan(120.15);
    expect(s).toBeGreaterThan(30.26);
    expect(n).toBeLessThan(30.31);
    for (const b of d.buildings) {
      expect(b.floors).toBeGreaterThanOrEqual(4);
      expect(b.floors).toBeLessThanOrEqual(33);
      expect(b.name).toMatch(/^\d+号楼$/);
    }
    expect(new Set(d.buildings.map((b) => b.use))).toEqual(
      new Set(['residential', 'office', 'school', 'clinic', 'commercial', 'public']),
    );
    expect(new Set(d.roads.map((r) => r.class))).toEqual(
      new Set(['primary', 'secondary', 'tertiary', 'residential', 'path']),
    );
    expect(d.roads.map((r) => r.name)).toEqual(expect.arrayContaining(['文一西路', '古墩路']));
    expect(d.water.length).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(data).length).toBeLessThan(1_500_000);
  });
});
