import { describe, expect, it } from 'vitest';
import { caseEventSchema } from '../../protocol';
import { alertFixture } from './duty-store.contract';
import { dispatchCaseEvent, dispatchCaseId } from './dispatch-case';

const T = Date.UTC(2026, 10, 28, 2, 0, 0);

describe('dispatchCaseEvent', () => {
  it('files a valid reported case in the alert grid, with category and urgency from the rule and severity', () => {
    const e = dispatchCaseEvent({ alert: alertFixture('a'), opId: 'op-dispatch-1', at: T, feed: 'device' });
    expect(caseEventSchema.parse(e)).toEqual(e);
    expect(e).toMatchObject({ caseId: dispatchCaseId('op-dispatch-1'), status: 'reported', category: 'SJ0406', channel: 'device', urgency: 'urgent', grid: '330106007001001', time: T });
  });

  it('takes the officer’s category and urgency, else the feed’s class; opinion alerts come in as opinion', () => {
    const alert = alertFixture('b', { ruleId: 'my-rule', severity: 'minor' });
    expect(dispatchCaseEvent({ alert, opId: 'op-dispatch-2', at: T, feed: 'opinion' })).toMatchObject({ category: 'SJ06', channel: 'opinion', urgency: 'normal' });
    expect(dispatchCaseEvent({ alert, opId: 'op-dispatch-3', at: T, feed: null, category: 'SJ0401', urgency: 'help' })).toMatchObject({ category: 'SJ0401', channel: 'patrol', urgency: 'help' });
    expect(dispatchCaseEvent({ alert, opId: 'op-dispatch-4', at: T, feed: 'case', subjectCaseCategory: 'SJ0102' }).category).toBe('SJ0102');
  });

  it('places a case from a community alert at the community’s label point', () => {
    const alert = alertFixture('c', { subject: { type: 'area', id: '330106007001', grid: '330106007001' } });
    const e = dispatchCaseEvent({ alert, opId: 'op-dispatch-5', at: T, feed: 'device', areaCenter: [120.11, 30.28] });
    expect(e).toMatchObject({ lon: 120.11, lat: 30.28 });
    expect(e).not.toHaveProperty('grid');
  });

  it('derives the case id from the opId: a retry files the same case', () => {
    expect(dispatchCaseId('op-x-000001')).toBe(dispatchCaseId('op-x-000001'));
    expect(dispatchCaseId('op-x-000001')).not.toBe(dispatchCaseId('op-x-000002'));
    expect(dispatchCaseId('op-x-000001')).toMatch(/^DUTY-[0-9A-F]{12}$/);
  });
});
