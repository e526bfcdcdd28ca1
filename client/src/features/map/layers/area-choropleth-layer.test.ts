import { describe, expect, it } from 'vitest';
import { areaStats } from '../../../test-support/frame-fixtures';
import {
  DEFAULT_AREA_CHOROPLETH,
  alertRank,
  createAreaChoroplethLayers,
  featureStateDiff,
  fillColorExpression,
  formatKpi,
  kpiDomainMax,
  kpiValue,
  legendStops,
  niceScaleMax,
} from './area-choropleth-layer';

describe('area choropleth', () => {
  it('rounds count domains up to 1/2/5 × 10ⁿ (at least 5) and keeps fixed domains fixed', () => {
    expect([0, 3, 7, 11, 48, 51, 100].map(niceScaleMax)).toEqual([5, 5, 10, 20, 50, 100, 100]);
    expect(kpiDomainMax('events5m', 37)).toBe(50);
    expect(kpiDomainMax('openCases', 0)).toBe(5);
    expect(kpiDomainMax('pressure', 12)).toBe(100);
    expect(kpiDomainMax('offlineRatio', 0.2)).toBe(1);
  });

  it('legend stops span exactly the domain the fill expression interpolates over', () => {
    const cfg = { ...DEFAULT_AREA_CHOROPLETH, kpi: 'offlineRatio' as const };
    const stops = legendStops(cfg, 1);
    expect(stops.map((s) => formatKpi(s.value, 'offlineRatio'))).toEqual(['0%', '20%', '40%', '60%', '80%', '100%']);
    const expr = fillColorExpression(cfg, 1) as unknown[];
    const interp = expr[3] as unknown[];
    expect(interp.slice(3)).toEqual(stops.flatMap((s) => [s.value, s.color]));
  });

  it('reads each KPI from area stats', () => {
    const a = areaStats('330106007001001', { device: 2, case: 1, opinion: 3 }, { total: 10, offline: 2, fault: 1 });
    a.cases.open = 4;
    a.cases.overdue = 1;
    a.opinion.negative1h = 6;
    a.pressure = 42;
    expect(kpiValue(a, 'events5m')).toBe(6);
    expect(kpiValue(a, 'openCases')).toBe(4);
    expect(kpiValue(a, 'overdueCases')).toBe(1);
    expect(kpiValue(a, 'negative1h')).toBe(6);
    expect(kpiValue(a, 'pressure')).toBe(42);
    expect(kpiValue(a, 'offlineRatio')).toBeCloseTo(0.3);
    expect(kpiValue(areaStats('x'), 'offlineRatio')).toBe(0);
  });

  it('draws fill, outline and an alert outline from feature-state', () => {
    const [fill, , alert] = createAreaChoroplethLayers(DEFAULT_AREA_CHOROPLETH, 10, ['==', ['get', 'parent'], 'p']);
    expect(JSON.stringify(fill?.paint['fill-color'])).toContain('feature-state');
    expect(JSON.stringify(alert?.paint['line-color'])).toContain(DEFAULT_AREA_CHOROPLETH.alertColors.critical);
    expect(alertRank(undefined)).toBe(0);
    expect(alertRank('critical')).toBeGreaterThan(alertRank('major'));
  });

  it('touches only areas whose value changed', () => {
    const applied = new Map([
      ['a', 1],
      ['b', 2],
    ]);
    expect(
      featureStateDiff(applied, [
        ['a', 1],
        ['b', 3],
        ['c', 0],
      ]),
    ).toEqual([
      ['b', 3],
      ['c', 0],
    ]);
  });
});
