import { describe, expect, it } from 'vitest';
import { areaStats } from '../../test-support/frame-fixtures';
import { caseCategoryRows, categoryName } from './case-category.view-model';
import { caseSlaView } from './case-sla.view-model';
import { caseTrendOption } from './case-trend.options';

describe('case category rows', () => {
  it('names class codes from the taxonomy in the locale and keeps the top six', () => {
    const open = ['BJ01', 'SJ01', 'SJ02', 'SJ03', 'SJ04', 'SJ05', 'XX99'].map((category, i) => ({ category, open: 10 - i }));
    const { rows, totalOpen } = caseCategoryRows(open, 'zh-CN');
    expect(rows).toHaveLength(6);
    expect(totalOpen).toBe(10 + 9 + 8 + 7 + 6 + 5 + 4);
    expect(rows[0]).toMatchObject({ code: 'BJ01', name: '公用设施', open: 10, width: 100 });
    expect(rows[5]?.width).toBe(50);
    expect(caseCategoryRows(open, 'en').rows[0]?.name).toBe('Public utilities');
    expect(categoryName('XX99', 'zh-CN')).toBe('XX99');
    expect(categoryName('BJ0112', 'zh-CN')).toBe('路灯');
    expect(caseCategoryRows(undefined, 'en')).toEqual({ rows: [], totalOpen: 0 });
  });
});

describe('case SLA view', () => {
  it('gives SLA rate, overdue share and every source with its share', () => {
    const c = areaStats('*').cases;
    Object.assign(c, { open: 8, overdue: 2, slaRate24h: 0.9, meanCloseMs24h: 3_600_000 });
    c.bySource24h.hotline = 3;
    c.bySource24h.patrol = 1;
    const v = caseSlaView(c)!;
    expect(v).toMatchObject({ slaRate: 0.9, overdue: 2, overdueShare: 0.25, meanCloseMs: 3_600_000 });
    expect(v.sources.map((s) => s.channel)).toEqual(['hotline', 'patrol', 'resident', 'device', 'opinion']);
    expect(v.sources[0]?.pct).toBe(75);
    expect(caseSlaView(undefined)).toBeUndefined();
  });
});

describe('case trend option', () => {
  it('keeps stable series ids and one point per hour', () => {
    const start = new Date(2026, 0, 1, 8).getTime();
    const o = caseTrendOption(
      { start, stepMs: 3_600_000, points: [{ new: 2, closed: 1 }, { new: 0, closed: 3 }] },
      { new: '新增', closed: '办结' },
    );
    expect(o.series.map((s) => s.id)).toEqual(['new', 'closed']);
    expect(o.series[0]?.data).toEqual([2, 0]);
    expect(o.series[1]?.data).toEqual([1, 3]);
    expect(o.xAxis.data).toEqual(['08:00', '09:00']);
    expect(caseTrendOption(undefined, { new: 'n', closed: 'c' }).series[0]?.data).toEqual([]);
  });
});
