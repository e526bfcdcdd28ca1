import { describe, expect, it } from 'vitest';
import type { AlertView } from '../../protocol';
import { createAlertEngine } from './alert-engine';
import { alertMessages, areaNameEn, ruleNameEn } from './alert-messages';
import { FakeInputs } from './fake-inputs.test-support';
import { alertRuleSchema, type AlertRule } from './rule.schema';

const T = Date.UTC(2026, 10, 29, 2, 0, 0);
const G1 = '330106007001001';
const G2 = '330106007001002';
const CJK = /[\u3400-\u9fff]/;

const NAMES: Record<string, { zh: string; en?: string }> = {
  [G1]: { zh: '第1网格', en: 'Grid 1' },
  [G2]: { zh: '第2网格' },
  '330106007001': { zh: '翠苑一区社区', en: 'Cuiyuan Yiqu Community' },
};
const areaName = (code: string, lang: 'zh' | 'en') => (lang === 'en' ? NAMES[code]?.en : NAMES[code]?.zh);

const rule = (r: Record<string, unknown>): AlertRule =>
  alertRuleSchema.parse({
    id: 'smoke-alarm',
    name: '烟感报警',
    kind: 'threshold',
    severity: 'critical',
    level: 'grid',
    metric: 'live.smokeAlarms',
    op: '>=',
    value: 1,
    ...r,
  });
const alert = (subject: AlertView['subject']) => ({
  subject,
  value: 2,
  threshold: 1,
  count: 1,
  links: { devices: [], cases: [] },
});

describe('English alert words', () => {
  it('names the area in English where the district has a name, and neutrally (level and code) where not', () => {
    expect(areaNameEn(G1, areaName)).toBe('Grid 1');
    expect(areaNameEn(G2, areaName)).toBe(`Grid ${G2}`);
    expect(areaNameEn('330106007', areaName)).toBe('Street 330106007');
    expect(areaNameEn('not-a-code', areaName)).toBe('not-a-code');
  });

  it('writes no Chinese into the English message of an area, a device or a compound alert', () => {
    const r = rule({ nameEn: 'Smoke alarm' });
    const area = alertMessages(r, alert({ type: 'area', id: G1, grid: G1 }), areaName);
    expect(area).toEqual({
      zh: '第1网格：烟感报警（当前 2，阈值 1）',
      en: 'Grid 1: Smoke alarm (now 2, threshold 1)',
      ruleNameEn: 'Smoke alarm',
    });
    const device = alertMessages(r, alert({ type: 'device', id: 'smoke-0042', grid: G2 }), areaName);
    expect(device.zh).toBe('第2网格 smoke-0042：烟感报警（当前 2，阈值 1）');
    expect(device.en).toBe(`Grid ${G2} smoke-0042: Smoke alarm (now 2, threshold 1)`);
    const compound = alertMessages(
      alertRuleSchema.parse({
        id: 'grid-incident',
        name: '网格综合事件',
        kind: 'compound',
        severity: 'critical',
        level: 'grid',
        window: '1h',
        minFeeds: 2,
      }),
      { ...alert({ type: 'area', id: G1, grid: G1 }), links: { devices: [], cases: [], parts: ['a', 'b'] } },
      areaName,
    );
    expect(compound.en).toBe('Grid 1: grid-incident (2 linked alerts)');
    for (const m of [area, device, compound]) expect(m.en).not.toMatch(CJK);
  });

  it("fills a rule's own English template with the English place", () => {
    const r = rule({
      nameEn: 'Smoke alarm',
      message: { zh: '{area}烟感报警 {value}', en: 'Smoke at {area} ({value})' },
    });
    expect(alertMessages(r, alert({ type: 'area', id: G1, grid: G1 }), areaName)).toMatchObject({
      zh: '第1网格烟感报警 2',
      en: 'Smoke at Grid 1 (2)',
    });
  });

  it("gives the rule's English name from the rules file, else its id, never the Chinese name", () => {
    expect(ruleNameEn(rule({ nameEn: 'Smoke alarm' }))).toBe('Smoke alarm');
    expect(ruleNameEn(rule({}))).toBe('smoke-alarm');
  });

  it('sends ruleNameEn with every alert view', () => {
    const inputs = new FakeInputs().set(G1, 'live.smokeAlarms', 1);
    const engine = createAlertEngine({ rules: [rule({ nameEn: 'Smoke alarm' })] });
    const [raised] = engine.evaluate(T, inputs);
    expect(raised!.alert).toMatchObject({
      ruleName: '烟感报警',
      ruleNameEn: 'Smoke alarm',
      messageEn: 'Grid 1: Smoke alarm (now 1, threshold 1)',
    });
    // Restored from the store (older rows have no ruleNameEn): the words are derived again.
    const { ruleNameEn: _dropped, ...stored } = raised!.alert;
    const again = createAlertEngine({ rules: [rule({ nameEn: 'Smoke alarm' })] });
    again.restore([stored as AlertView]);
    again.evaluate(T + 1_000, inputs);
    expect(again.alerts()[0]).toMatchObject({ ruleNameEn: 'Smoke alarm', messageEn: raised!.alert.messageEn });
  });
});
