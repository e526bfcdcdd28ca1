import { describe, expect, it } from 'vitest';
import type { AlertSubject, AlertView, AreaInfo, Severity } from '../../../../protocol';
import { alertMarkers, alertPosition, alertSeverityByArea, severitiesShown, type AlertPlaces } from './map-alerts';

const STREET = '330106007';
const C1 = '330106007001';
const C2 = '330106007002';
const G11 = '330106007001001';
const G12 = '330106007001002';
const G21 = '330106007002001';

const areas = new Map<string, AreaInfo>(
  (
    [
      [STREET, 'street', undefined, [120.1, 30.28]],
      [C1, 'community', STREET, [120.09, 30.28]],
      [C2, 'community', STREET, [120.11, 30.28]],
      [G11, 'grid', C1, [120.085, 30.279]],
      [G12, 'grid', C1, [120.095, 30.281]],
      [G21, 'grid', C2, [120.11, 30.282]],
    ] as const
  ).map(([code, level, parent, center]) => [
    code,
    { code, level, name: code, ...(parent ? { parent } : {}), center: [...center] as [number, number] },
  ]),
);

let n = 0;
function alert(severity: Severity, subject: AlertSubject, extra: Partial<AlertView> = {}): AlertView {
  n += 1;
  return {
    id: `r${n}:${subject.id}:x`,
    ruleId: `r${n}`,
    ruleName: `rule ${n}`,
    ruleNameEn: `rule ${n}`,
    kind: 'threshold',
    subject,
    severity,
    active: true,
    acknowledged: false,
    clearedAt: null,
    firstSeen: 1_000,
    lastSeen: 1_000 + n,
    count: 1,
    value: 1,
    threshold: 1,
    message: '',
    messageEn: '',
    links: { devices: [], cases: [] },
    escalations: 0,
    silenced: false,
    flapping: false,
    ...extra,
  };
}
const onGrid = (grid: string): AlertSubject => ({ type: 'area', id: grid, grid });
const onDevice = (id: string, grid: string): AlertSubject => ({ type: 'device', id, grid });
const onCase = (id: string, grid: string): AlertSubject => ({ type: 'case', id, grid });

const places: AlertPlaces = {
  areas,
  device: (id) => (id === 'dev-1' ? [120.0861, 30.2791] : undefined),
  case: (id) => (id === 'case-1' ? [120.111, 30.2821] : undefined),
};

describe('alerts on the map', () => {
  it('outlines each area with the worst active severity inside it, up to the street', () => {
    const byArea = alertSeverityByArea(
      [
        alert('minor', onGrid(G11)),
        alert('critical', onDevice('dev-1', G12)),
        alert('major', onCase('case-1', G21)),
        alert('critical', onGrid(G21), { active: false, clearedAt: 5 }),
      ],
      areas,
    );
    expect(Object.fromEntries(byArea)).toEqual({
      [G11]: 'minor',
      [G12]: 'critical',
      [C1]: 'critical',
      [G21]: 'major',
      [C2]: 'major',
      [STREET]: 'critical',
    });
  });

  it('an alert on a community outlines the community and the street, not its grids', () => {
    const byArea = alertSeverityByArea([alert('warning', { type: 'area', id: C2, grid: C2 })], areas);
    expect([...byArea.keys()].sort()).toEqual([STREET, C2].sort());
  });

  it('an area the district does not know keeps its own entry and stops there', () => {
    expect(Object.fromEntries(alertSeverityByArea([alert('major', onGrid('999'))], areas))).toEqual({ 999: 'major' });
  });

  it('places a device alert at the device, a case alert at the case, an area alert at its label point', () => {
    expect(alertPosition(alert('minor', onDevice('dev-1', G11)), places)).toEqual([120.0861, 30.2791]);
    expect(alertPosition(alert('minor', onCase('case-1', G21)), places)).toEqual([120.111, 30.2821]);
    expect(alertPosition(alert('minor', onGrid(G12)), places)).toEqual([120.095, 30.281]);
  });

  it('falls back to the grid label point for an unknown device or case; gives up when the grid is unknown too', () => {
    expect(alertPosition(alert('minor', onDevice('gone', G11)), places)).toEqual([120.085, 30.279]);
    expect(alertPosition(alert('minor', onCase('gone', G21)), places)).toEqual([120.11, 30.282]);
    expect(alertPosition(alert('minor', onDevice('gone', '000')), places)).toBeUndefined();
  });

  it('one marker per place, with the worst severity, alerts worst first; worst markers last; cleared left out', () => {
    const a = alert('minor', onGrid(G11));
    const b = alert('critical', onDevice('gone', G11));
    const c = alert('warning', onGrid(G12));
    const cleared = alert('critical', onGrid(G12), { active: false });
    const lost = alert('major', onDevice('gone', '000'));
    const { markers, unplaced } = alertMarkers([a, b, c, cleared, lost], places);
    expect(markers.map((m) => [m.lon, m.lat, m.severity, m.alerts.map((x) => x.id)])).toEqual([
      [120.095, 30.281, 'warning', [c.id]],
      [120.085, 30.279, 'critical', [b.id, a.id]],
    ]);
    expect(unplaced).toEqual([lost]);
  });

  it('the legend lists exactly the severities drawn, worst first', () => {
    const alerts = [alert('minor', onGrid(G11)), alert('critical', onGrid('999')), alert('major', onDevice('x', '0'))];
    const { markers } = alertMarkers(alerts, places);
    // critical: its area is unknown and it falls back to nothing → not drawn; major: unplaced.
    const shown = severitiesShown(markers, alertSeverityByArea(alerts, areas), areas);
    expect(shown).toEqual(['minor']);
    const more = [...alerts, alert('critical', onDevice('dev-1', G12))];
    expect(severitiesShown(alertMarkers(more, places).markers, alertSeverityByArea(more, areas), areas)).toEqual([
      'critical',
      'minor',
    ]);
  });
});
