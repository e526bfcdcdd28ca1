import type { AlertView } from '../../../../protocol';

/** An alert as the server sends it, with what a test cares about overridden. */
export function alertView(id: string, over: Partial<AlertView> = {}): AlertView {
  return {
    id,
    ruleId: 'smoke-alarm',
    ruleName: '烟感报警',
    ruleNameEn: 'Smoke alarm',
    kind: 'threshold',
    subject: { type: 'area', id: '330106001001001', grid: '330106001001001' },
    severity: 'major',
    active: true,
    acknowledged: false,
    clearedAt: null,
    firstSeen: 1_000,
    lastSeen: 1_000,
    count: 1,
    value: 1,
    threshold: 1,
    message: `翠苑一区第1网格：烟感报警 ${id}`,
    messageEn: `Grid 1: Smoke alarm ${id}`,
    links: { devices: [], cases: [] },
    escalations: 0,
    silenced: false,
    flapping: false,
    ...over,
  };
}
