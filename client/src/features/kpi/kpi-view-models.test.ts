import { describe, expect, it } from 'vitest';
import { areaStats } from '../../test-support/frame-fixtures';
import { headlineKpis } from './kpi-headline.view-model';
import { pressureLevel, pressureRanking } from './kpi-ranking.view-model';

function grid(code: string, pressure: number, open = 0) {
  const g = areaStats(code);
  return { ...g, pressure, cases: { ...g.cases, open } };
}

describe('headline KPIs', () => {
  it('are all unknown before the first snapshot', () => {
    expect(Object.values(headlineKpis(null)).every((v) => v === undefined)).toBe(true);
  });

  it('read events, online ratio, open and overdue cases and negative posts from the summary', () => {
    const s = areaStats('*', { device: 5, case: 2, opinion: 1 }, { total: 8, online: 6, offline: 1, fault: 1 });
    s.cases.open = 4;
    s.cases.overdue = 1;
    s.opinion.negative1h = 3;
    expect(headlineKpis(s)).toMatchObject({ events5m: 8, onlineRatio: 0.75, openCases: 4, overdueCases: 1, negativePosts1h: 3 });
    expect(headlineKpis(areaStats('*')).onlineRatio).toBeUndefined();
  });
});

describe('pressure ranking', () => {
  it('ranks by pressure, then open cases, then code, and leaves quiet grids out', () => {
    const rows = pressureRanking(
      [grid('330106001001003', 40, 1), grid('330106001001001', 80), grid('330106001001002', 40, 5), grid('330106001001004', 0)],
      10,
    );
    expect(rows.map((r) => r.code)).toEqual(['330106001001001', '330106001001002', '330106001001003']);
    expect(rows.map((r) => r.rank)).toEqual([1, 2, 3]);
    expect(rows[0]?.level).toBe('high');
    expect(pressureRanking([grid('330106001001001', 10), grid('330106001001002', 20)], 1)).toHaveLength(1);
  });

  it('bands the index', () => {
    expect([pressureLevel(70), pressureLevel(69.9), pressureLevel(40), pressureLevel(39)]).toEqual([
      'high',
      'elevated',
      'elevated',
      'normal',
    ]);
  });
});
