import { describe, expect, it } from 'vitest';
import type { AreaInfo } from '../../../../protocol';
import {
  breadcrumb,
  drillFocus,
  drillInto,
  drillIntoBuilding,
  drillRoot,
  drillTo,
  drillToArea,
  drillUp,
  focusAreaCode,
  nextLevel,
  type DrillState,
} from './drill-state';

const area = (code: string, level: AreaInfo['level'], name: string, parent?: string): AreaInfo => ({
  code,
  level,
  name,
  parent,
  center: [0, 0],
});
const AREAS = [
  area('330106007', 'street', '文澜街道'),
  area('330106007001', 'community', '翠苑一区社区', '330106007'),
  area('330106007002', 'community', '翠苑二区社区', '330106007'),
  area('330106007001003', 'grid', '第3网格', '330106007001'),
  area('330106007002001', 'grid', '第1网格', '330106007002'),
];
const lookup = new Map(AREAS.map((a) => [a.code, a]));
const names = (s: DrillState) => breadcrumb(s, (c) => lookup.get(c)?.name ?? c).map((i) => i.label);

describe('drill-down', () => {
  const root = drillRoot(AREAS[0]!);

  it('goes street → community → grid → building and back exactly one level at a time', () => {
    const c = drillInto(root, '330106007001', lookup);
    const g = drillInto(c, '330106007001003', lookup);
    expect(nextLevel(g)).toBe('building');
    const b = drillIntoBuilding(g, { id: 'b7', name: '7号楼', grid: '330106007001003' });
    expect(names(b)).toEqual(['文澜街道', '翠苑一区社区', '第3网格', '7号楼']);
    expect(focusAreaCode(b)).toBe('330106007001003');
    expect(nextLevel(b)).toBeUndefined();
    expect(names(drillUp(b))).toEqual(['文澜街道', '翠苑一区社区', '第3网格']);
    expect(names(drillUp(drillUp(b)))).toEqual(['文澜街道', '翠苑一区社区']);
    expect(names(drillUp(drillUp(drillUp(b))))).toEqual(['文澜街道']);
    expect(drillUp(root)).toBe(root);
  });

  it('only goes into a child of the focus', () => {
    expect(drillInto(root, '330106007001003', lookup)).toBe(root);
    expect(drillInto(root, 'nope', lookup)).toBe(root);
    const c = drillInto(root, '330106007001', lookup);
    expect(drillIntoBuilding(c, { id: 'b', name: 'b', grid: '330106007001003' })).toBe(c);
    expect(
      drillIntoBuilding(drillInto(c, '330106007001003', lookup), { id: 'b', name: 'b', grid: '330106007002001' }).path,
    ).toHaveLength(3);
  });

  it('focuses any area programmatically through its parents, and jumps back to a breadcrumb step', () => {
    const g = drillToArea(root, '330106007002001', lookup);
    expect(names(g)).toEqual(['文澜街道', '翠苑二区社区', '第1网格']);
    expect(drillFocus(g)).toMatchObject({ kind: 'area', level: 'grid' });
    expect(names(drillToArea(g, '330106007001', lookup))).toEqual(['文澜街道', '翠苑一区社区']);
    expect(drillToArea(g, '999', lookup)).toBe(g);
    expect(names(drillTo(g, 0))).toEqual(['文澜街道']);
    expect(drillTo(g, 2)).toBe(g);
  });
});
