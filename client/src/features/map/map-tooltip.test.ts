import { describe, expect, it } from 'vitest';
import { alertView } from '../alerts/alert-fixtures.test-support';
import { alertTip } from './map-tooltip';

const t = (key: string) => key;

describe('alertTip', () => {
  const marker = {
    key: 'k',
    lon: 120.1,
    lat: 30.3,
    severity: 'critical' as const,
    alerts: [alertView('a', { severity: 'critical', ruleName: '烟感报警', ruleNameEn: 'Smoke alarm' })],
  };
  const opts = { now: 2_000, subjectName: () => 'Grid 1' };

  it("titles an alert marker with the rule's name in the page's language", () => {
    expect(alertTip(marker, t, { ...opts, english: false }).title).toBe('map.severity.critical · 烟感报警');
    const en = alertTip(marker, t, { ...opts, english: true });
    expect(en.title).toBe('map.severity.critical · Smoke alarm');
    expect(en.rows).toContainEqual(['', marker.alerts[0]!.messageEn]);
  });
});
