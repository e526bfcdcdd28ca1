import { describe, expect, it } from 'vitest';
import type { CaseView } from '../../../../protocol';
import { areaStats } from '../../test-support/frame-fixtures';
import { alertView } from '../alerts/alert-fixtures.test-support';
import { alertsIn, areaFigures, overdueCasesIn, sparkPath, trailFrom } from './tablet-sheet.view-model';

const kase = (id: string, grid: string, state: CaseView['state'], deadline: number): CaseView => ({
  id,
  status: 'assigned',
  state,
  category: 'BJ0112',
  channel: 'hotline',
  urgency: 'help',
  grid,
  lon: 0,
  lat: 0,
  reportedAt: 0,
  deadline,
  closedAt: null,
});

describe('tablet area sheet', () => {
  it('figures of an area, and dashes before the first frame', () => {
    const f = areaFigures(areaStats('330106001001', { device: 3, case: 2 }));
    expect(f.events5m).toBe(5);
    expect(areaFigures(undefined).openCases).toBeNull();
  });

  it('alerts and overdue cases inside the area only', () => {
    const q = [
      alertView('a', { subject: { type: 'area', id: '330106001001001', grid: '330106001001001' } }),
      alertView('b', { subject: { type: 'device', id: 'd1', grid: '330106001002003' } }),
      alertView('c', { subject: { type: 'area', id: '330106001001', grid: '330106001001' } }),
    ];
    expect(alertsIn(q, '330106001001').map((a) => a.id)).toEqual(['a', 'c']);
    expect(alertsIn(q, '330106001002003').map((a) => a.id)).toEqual(['b']);
    const cases = [
      kase('1', '330106001001001', 'overdue', 50),
      kase('2', '330106001001002', 'overdue', 10),
      kase('3', '330106001001002', 'open', 5),
      kase('4', '330106001002001', 'overdue', 1),
    ];
    expect(overdueCasesIn(cases, '330106001001').map((c) => c.id)).toEqual(['2', '1']);
  });

  it('never climbs above the jurisdiction', () => {
    expect(trailFrom('330106001001', '330106001001003')).toEqual(['330106001001', '330106001001003']);
    expect(trailFrom('330106001', '330106001001003')).toEqual(['330106001', '330106001001', '330106001001003']);
    expect(trailFrom('330106001001', '330106001002')).toEqual(['330106001001']);
    expect(trailFrom('*', '330106001001')).toEqual(['*', '330106001', '330106001001']);
  });

  it('draws a sparkline inside its box', () => {
    expect(sparkPath([0, 5, 10], 100, 20)).toBe('M0.0,20.0L50.0,10.0L100.0,0.0');
    expect(sparkPath([0, 0], 10, 10)).toBe('M0.0,10.0L10.0,10.0');
    expect(sparkPath([], 10, 10)).toBe('');
  });
});
