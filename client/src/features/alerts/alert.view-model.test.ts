import { describe, expect, it } from 'vitest';
import { ROLES, canAct } from '../../../../protocol/auth';
import { alertView } from './alert-fixtures.test-support';
import {
  EMPTY_FILTER,
  actionErrorText,
  alertMessage,
  alertRuleName,
  countBySeverity,
  filterAlerts,
  formatAge,
  kpiRows,
  mayActOnAlerts,
  needsSound,
  takeoverAlert,
} from './alert.view-model';

/** A translator that shows the key and its values, so tests read what the screen would say. */
const t = (key: string, named?: Record<string, unknown>) =>
  named
    ? `${key}(${Object.entries(named)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(',')})`
    : key;

describe('alert view model', () => {
  const queue = [
    alertView('a', { severity: 'critical', subject: { type: 'device', id: 'smoke-7', grid: '330106007001002' } }),
    alertView('b', {
      severity: 'major',
      acknowledged: true,
      assignee: 'lisi',
      subject: { type: 'area', id: '330106007002001', grid: '330106007002001' },
    }),
    alertView('c', { severity: 'minor', active: false, message: '古荡新村：用水量异常激增' }),
  ];
  const place = (a: { subject: { grid: string } }) =>
    a.subject.grid.startsWith('330106007001') ? '翠苑一区社区' : '翠苑二区社区';

  it('filters by severity, state, area and text together', () => {
    expect(filterAlerts(queue, EMPTY_FILTER, place).map((a) => a.id)).toEqual(['a', 'b', 'c']);
    expect(filterAlerts(queue, { ...EMPTY_FILTER, severities: ['critical', 'minor'] }, place).map((a) => a.id)).toEqual(
      ['a', 'c'],
    );
    expect(filterAlerts(queue, { ...EMPTY_FILTER, state: 'unacknowledged' }, place).map((a) => a.id)).toEqual([
      'a',
      'c',
    ]);
    expect(filterAlerts(queue, { ...EMPTY_FILTER, state: 'cleared' }, place).map((a) => a.id)).toEqual(['c']);
    expect(filterAlerts(queue, { ...EMPTY_FILTER, area: '330106007002' }, place).map((a) => a.id)).toEqual(['b']);
    expect(filterAlerts(queue, { ...EMPTY_FILTER, text: 'SMOKE-7' }, place).map((a) => a.id)).toEqual(['a']);
    expect(filterAlerts(queue, { ...EMPTY_FILTER, text: '翠苑二区' }, place).map((a) => a.id)).toEqual(['b', 'c']);
    expect(filterAlerts(queue, { ...EMPTY_FILTER, text: 'lisi' }, place).map((a) => a.id)).toEqual(['b']);
    expect(countBySeverity(queue)).toEqual({ warning: 0, minor: 1, major: 1, critical: 1 });
  });

  it('says how long since raised in the largest two units', () => {
    expect(formatAge(42_400, t)).toBe('alerts.age.s(s=42)');
    expect(formatAge(3 * 60_000 + 12_000, t)).toBe('alerts.age.ms(m=3,s=12)');
    expect(formatAge(2 * 3_600_000 + 5 * 60_000 + 59_000, t)).toBe('alerts.age.hm(h=2,m=5)');
    expect(formatAge(3 * 86_400_000 + 4 * 3_600_000, t)).toBe('alerts.age.dh(d=3,h=4)');
    expect(formatAge(-5, t)).toBe('alerts.age.s(s=0)');
  });

  it('words a lost race from the conflict, not from the English message', () => {
    const at = new Date(2026, 10, 28, 14, 2, 11).getTime();
    const text = actionErrorText(
      { code: 'conflict', message: 'already acknowledged by wang', conflict: { action: 'ack', by: 'wang', at } },
      t,
      'zh-CN',
      at,
    );
    expect(text).toBe('alerts.conflict(action=alerts.done.ack,by=wang,at=14:02:11)');
    expect(actionErrorText({ code: 'forbidden', message: 'x' }, t, 'en', at)).toBe('alerts.error.forbidden(message=x)');
    expect(actionErrorText({ code: 'internal', message: 'boom' }, t, 'en', at)).toBe(
      'alerts.error.other(message=boom)',
    );
  });

  it('takes the wall over for the newest unacknowledged critical alert that may notify', () => {
    const q = [
      alertView('old', { severity: 'critical', firstSeen: 1 }),
      alertView('new', { severity: 'critical', firstSeen: 9 }),
      alertView('acked', { severity: 'critical', firstSeen: 20, acknowledged: true }),
      alertView('quiet', { severity: 'critical', firstSeen: 30, silenced: true }),
      alertView('major', { severity: 'major', firstSeen: 40 }),
    ];
    expect(takeoverAlert(q)?.id).toBe('new');
    expect(takeoverAlert(q.filter((a) => a.id !== 'new' && a.id !== 'old'))).toBeUndefined();
    expect(needsSound(q)).toBe(true);
    expect(needsSound([q[2]!, q[3]!])).toBe(false);
    expect(needsSound([q[4]!], 'major')).toBe(true);
  });

  it('lists the KPIs most severe first, with dashes before any figure', () => {
    expect(kpiRows(null).map((r) => [r.severity, r.ttaMs])).toEqual([
      ['critical', null],
      ['major', null],
      ['minor', null],
      ['warning', null],
    ]);
  });

  it('lets exactly the roles act that the server lets act', () => {
    for (const role of ROLES) expect(mayActOnAlerts(role), role).toBe(canAct(role));
  });

  it("shows the rule's and the alert's own words in the page's language, and finds alerts by either", () => {
    const a = alertView('x', { ruleName: '烟感报警', ruleNameEn: 'Smoke alarm' });
    expect(alertRuleName(a, 'zh-CN')).toBe('烟感报警');
    expect(alertRuleName(a, 'en')).toBe('Smoke alarm');
    expect(alertMessage(a, 'en-US')).toBe(a.messageEn);
    expect(filterAlerts([a], { ...EMPTY_FILTER, text: 'smoke ALARM' }, () => '')).toEqual([a]);
  });
});
