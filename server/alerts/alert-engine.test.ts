import { describe, expect, it } from 'vitest';
import { createAlertEngine, type AlertChange } from './alert-engine';
import { FakeInputs } from './fake-inputs.test-support';
import { alertRuleSchema, type AlertRule } from './rule.schema';

const T = Date.UTC(2026, 10, 24, 2, 0, 0);
const M = 60_000;
const G1 = '330106007001001';
const G2 = '330106007001002';
const C1 = '330106007001';

const rule = (r: Record<string, unknown>): AlertRule => alertRuleSchema.parse({ name: r.id, severity: 'minor', ...r });
const smoke = (extra: Record<string, unknown> = {}) =>
  rule({ id: 'smoke', kind: 'threshold', level: 'grid', metric: 'live.smokeAlarms', op: '>=', value: 1, ...extra });
const types = (changes: AlertChange[]) => changes.map((c) => `${c.type}:${c.alert.subject.id}`);

describe('threshold rules, pending and lifecycle', () => {
  it('raises after `for`, stays one alert while it holds, clears, and resolves on acknowledgement', () => {
    const inputs = new FakeInputs().set(G1, 'live.smokeAlarms', 1);
    const engine = createAlertEngine({ rules: [smoke({ for: '2m' })] });
    expect(engine.evaluate(T, inputs)).toEqual([]);
    expect(engine.pending()).toEqual([{ ruleId: 'smoke', subject: { type: 'area', id: G1, grid: G1 }, since: T }]);
    expect(engine.evaluate(T + M, inputs)).toEqual([]);
    const raised = engine.evaluate(T + 2 * M, inputs);
    expect(types(raised)).toEqual([`raised:${G1}`]);
    expect(raised[0]!.notify).toBe(true);
    expect(raised[0]!.alert).toMatchObject({
      active: true,
      acknowledged: false,
      count: 1,
      firstSeen: T + 2 * M,
      severity: 'minor',
      value: 1,
      threshold: 1,
    });
    expect(raised[0]!.alert.message).toContain('一网格');
    expect(engine.evaluate(T + 3 * M, inputs)).toEqual([]);
    expect(engine.alerts()).toHaveLength(1);
    expect(engine.alerts()[0]!.lastSeen).toBe(T + 3 * M);

    inputs.set(G1, 'live.smokeAlarms', 0);
    const cleared = engine.evaluate(T + 4 * M, inputs);
    expect(types(cleared)).toEqual([`cleared:${G1}`]);
    expect(cleared[0]!.alert).toMatchObject({ active: false, clearedAt: T + 4 * M });
    // Cleared but unacknowledged: it stays in the queue.
    expect(engine.alerts()).toHaveLength(1);
    const ack = engine.acknowledge(cleared[0]!.alert.id, 'duty1', '现场已处置', T + 5 * M);
    expect(ack.ok && ack.changes[0]!.type).toBe('resolved');
    expect(ack.ok && ack.changes[0]!.alert).toMatchObject({
      acknowledged: true,
      ackBy: 'duty1',
      ackNote: '现场已处置',
      ackAt: T + 5 * M,
    });
    expect(engine.alerts()).toEqual([]);
  });

  it('drops a pending condition that stops before its duration', () => {
    const inputs = new FakeInputs().set(G1, 'live.smokeAlarms', 1);
    const engine = createAlertEngine({ rules: [smoke({ for: '5m' })] });
    engine.evaluate(T, inputs);
    inputs.set(G1, 'live.smokeAlarms', 0);
    engine.evaluate(T + M, inputs);
    expect(engine.pending()).toEqual([]);
    inputs.set(G1, 'live.smokeAlarms', 1);
    engine.evaluate(T + 2 * M, inputs);
    expect(engine.evaluate(T + 6 * M, inputs)).toEqual([]);
    expect(types(engine.evaluate(T + 7 * M, inputs))).toEqual([`raised:${G1}`]);
  });

  it('acknowledged is independent of active: an acknowledged alert stays active until it clears, then resolves', () => {
    const inputs = new FakeInputs().set(G1, 'live.smokeAlarms', 1);
    const engine = createAlertEngine({ rules: [smoke()] });
    const [raised] = engine.evaluate(T, inputs);
    const ack = engine.acknowledge(raised!.alert.id, 'duty1', undefined, T + M);
    expect(ack.ok && ack.changes[0]).toMatchObject({ type: 'updated', alert: { active: true, acknowledged: true } });
    expect(engine.acknowledge(raised!.alert.id, 'duty2', undefined, T + M)).toMatchObject({
      ok: false,
      code: 'already_acknowledged',
    });
    expect(engine.acknowledge('nope', 'duty2', undefined, T + M)).toEqual({ ok: false, code: 'not_found' });
    inputs.set(G1, 'live.smokeAlarms', 0);
    expect(types(engine.evaluate(T + 2 * M, inputs))).toEqual([`resolved:${G1}`]);
    expect(engine.alerts()).toEqual([]);
  });

  it('a re-trigger of a cleared, unacknowledged alert updates the same alert: count, last seen, severity up by grade', () => {
    const inputs = new FakeInputs().set(G1, 'live.smokeAlarms', 1);
    const engine = createAlertEngine({ rules: [smoke({ grades: [{ value: 3, severity: 'critical' }] })] });
    const id = engine.evaluate(T, inputs)[0]!.alert.id;
    inputs.set(G1, 'live.smokeAlarms', 0);
    engine.evaluate(T + M, inputs);
    inputs.set(G1, 'live.smokeAlarms', 4);
    const again = engine.evaluate(T + 2 * M, inputs);
    expect(again).toHaveLength(1);
    expect(again[0]).toMatchObject({
      type: 'raised',
      alert: { id, count: 2, lastSeen: T + 2 * M, severity: 'critical', active: true },
    });
    inputs.set(G1, 'live.smokeAlarms', 1);
    engine.evaluate(T + 3 * M, inputs);
    expect(engine.get(id)!.severity).toBe('critical');
  });

  it('clears with hysteresis: only below `clear`', () => {
    const inputs = new FakeInputs().set(C1, 'cases.overdue', 10);
    const engine = createAlertEngine({
      rules: [
        rule({
          id: 'od',
          kind: 'threshold',
          level: 'community',
          metric: 'cases.overdue',
          op: '>=',
          value: 10,
          clear: 5,
        }),
      ],
    });
    expect(types(engine.evaluate(T, inputs))).toEqual([`raised:${C1}`]);
    inputs.set(C1, 'cases.overdue', 7);
    expect(engine.evaluate(T + M, inputs)).toEqual([]);
    inputs.set(C1, 'cases.overdue', 4);
    expect(types(engine.evaluate(T + 2 * M, inputs))).toEqual([`cleared:${C1}`]);
  });
});

describe('escalation, silences, flapping', () => {
  it('escalates an unacknowledged alert one step per period on the given clock, up to max and times', () => {
    const inputs = new FakeInputs().set(G1, 'live.smokeAlarms', 1);
    const engine = createAlertEngine({
      rules: [smoke({ severity: 'minor', escalation: { after: '10m', max: 'critical', times: 3 } })],
    });
    engine.evaluate(T, inputs);
    expect(engine.evaluate(T + 9 * M, inputs)).toEqual([]);
    const e1 = engine.evaluate(T + 10 * M, inputs);
    expect(e1).toMatchObject([{ type: 'escalated', notify: true, alert: { severity: 'major', escalations: 1 } }]);
    expect(engine.evaluate(T + 20 * M, inputs)[0]!.alert.severity).toBe('critical');
    expect(engine.evaluate(T + 30 * M, inputs)[0]!.alert).toMatchObject({ severity: 'critical', escalations: 3 });
    expect(engine.evaluate(T + 40 * M, inputs)).toEqual([]);
  });

  it('does not escalate an acknowledged alert', () => {
    const inputs = new FakeInputs().set(G1, 'live.smokeAlarms', 1);
    const engine = createAlertEngine({ rules: [smoke({ escalation: { after: '10m' } })] });
    const id = engine.evaluate(T, inputs)[0]!.alert.id;
    engine.acknowledge(id, 'duty1', undefined, T + M);
    expect(engine.evaluate(T + 30 * M, inputs)).toEqual([]);
    expect(engine.get(id)!.escalations).toBe(0);
  });

  it('a silence suppresses notification, not evaluation; when it ends an unacknowledged alert notifies', () => {
    const inputs = new FakeInputs().set(G1, 'live.smokeAlarms', 1).set(G2, 'live.smokeAlarms', 1);
    const engine = createAlertEngine({
      rules: [smoke()],
      silences: [{ id: 'maint', areas: [G1], from: T - M, to: T + 10 * M }],
    });
    const raised = engine.evaluate(T, inputs);
    expect(raised.map((c) => [c.alert.subject.id, c.notify, c.alert.silenced])).toEqual([
      [G1, false, true],
      [G2, true, false],
    ]);
    inputs.set(G1, 'live.smokeAlarms', 0);
    expect(engine.evaluate(T + M, inputs)).toMatchObject([{ type: 'cleared', notify: false }]);
    inputs.set(G1, 'live.smokeAlarms', 1);
    expect(engine.evaluate(T + 2 * M, inputs)).toMatchObject([{ type: 'raised', notify: false, alert: { count: 2 } }]);
    expect(engine.evaluate(T + 10 * M, inputs)).toMatchObject([
      { type: 'updated', notify: true, alert: { subject: { id: G1 }, silenced: false } },
    ]);
  });

  it('silences by device type match the rule’s devices', () => {
    const inputs = new FakeInputs().set(G1, 'devicesByType.water.total', 10).set(G1, 'devicesByType.water.offline', 8);
    const engine = createAlertEngine({
      rules: [
        rule({ id: 'wat', kind: 'ratio', level: 'grid', numerator: 'offline', deviceTypes: ['water'], value: 0.5 }),
      ],
      silences: [{ id: 's', deviceTypes: ['water'], from: T, to: T + M }],
    });
    expect(engine.evaluate(T, inputs)).toMatchObject([{ type: 'raised', notify: false }]);
  });

  it('keeps an alert active for minActive and clears only after clearAfter', () => {
    const inputs = new FakeInputs().set(G1, 'live.smokeAlarms', 1);
    const engine = createAlertEngine({ rules: [smoke({ flapping: { minActive: '5m', clearAfter: '2m' } })] });
    engine.evaluate(T, inputs);
    inputs.set(G1, 'live.smokeAlarms', 0);
    expect(engine.evaluate(T + M, inputs)).toEqual([]);
    expect(engine.evaluate(T + 3 * M, inputs)).toEqual([]);
    expect(types(engine.evaluate(T + 5 * M, inputs))).toEqual([`cleared:${G1}`]);
  });

  it('marks a flapping alert, stops notifying its re-triggers and holds its clear for a calm window', () => {
    const inputs = new FakeInputs();
    const engine = createAlertEngine({ rules: [smoke({ flapping: { maxChanges: 4, window: '30m' } })] });
    const notified: boolean[] = [];
    for (let i = 0; i < 6; i++) {
      inputs.set(G1, 'live.smokeAlarms', i % 2 === 0 ? 1 : 0);
      for (const c of engine.evaluate(T + i * M, inputs)) notified.push(c.notify);
    }
    // raise, clear, raise, clear, raise(5th change: flapping) …
    expect(notified.slice(0, 4)).toEqual([true, true, true, true]);
    expect(notified[4]).toBe(false);
    const [a] = engine.alerts();
    expect(a!.flapping).toBe(true);
    expect(a!.active).toBe(true);
    expect(a!.count).toBe(3);
    expect(engine.evaluate(T + 20 * M, inputs)).toEqual([]);
    expect(engine.evaluate(T + 36 * M, inputs)).toMatchObject([
      { type: 'cleared', notify: false, alert: { flapping: false } },
    ]);
  });
});

describe('one alert per (rule, subject)', () => {
  it('merges repeated observations of one subject within one evaluation', () => {
    const inputs = new FakeInputs();
    inputs.overdue = [
      {
        id: 'c1',
        status: 'assigned',
        state: 'overdue',
        category: 'SJ01',
        channel: 'hotline',
        urgency: 'urgent',
        grid: G1,
        lon: 0,
        lat: 0,
        reportedAt: T - 9 * 3_600_000,
        deadline: T - 3_600_000,
        closedAt: null,
      },
      {
        id: 'c1',
        status: 'assigned',
        state: 'overdue',
        category: 'SJ01',
        channel: 'hotline',
        urgency: 'urgent',
        grid: G1,
        lon: 0,
        lat: 0,
        reportedAt: T - 9 * 3_600_000,
        deadline: T - 2 * 3_600_000,
        closedAt: null,
      },
    ];
    const engine = createAlertEngine({ rules: [rule({ id: 'late', kind: 'sla_overdue', mode: 'case' })] });
    const changes = engine.evaluate(T, inputs);
    expect(types(changes)).toEqual(['raised:c1']);
    expect(changes[0]!.alert).toMatchObject({
      subject: { type: 'case', id: 'c1', grid: G1 },
      value: 2 * 3_600_000,
      links: { cases: ['c1'] },
    });
    inputs.overdue = [];
    expect(types(engine.evaluate(T + 20_000, inputs))).toEqual(['cleared:c1']);
  });

  it('builds each area’s stats once per evaluation, whatever the number of rules', () => {
    const inputs = new FakeInputs();
    const engine = createAlertEngine({
      rules: [
        smoke(),
        rule({ id: 'sos', kind: 'threshold', level: 'grid', metric: 'live.sosActive', op: '>=', value: 1 }),
      ],
    });
    engine.evaluate(T, inputs);
    expect(inputs.statsCalls).toBe(inputs.grids.length);
  });
});

describe('rules set and restore', () => {
  it('keeps the state of kept rules and resolves the alerts of removed ones', () => {
    const inputs = new FakeInputs().set(G1, 'live.smokeAlarms', 1).set(G1, 'live.sosActive', 1);
    const sos = rule({ id: 'sos', kind: 'threshold', level: 'grid', metric: 'live.sosActive', op: '>=', value: 1 });
    const engine = createAlertEngine({ rules: [smoke(), sos] });
    engine.evaluate(T, inputs);
    const smokeId = engine.alerts().find((a) => a.ruleId === 'smoke')!.id;
    const removed = engine.setRules([smoke({ name: '烟感报警（新）' })]);
    expect(types(removed)).toEqual([`resolved:${G1}`]);
    expect(removed[0]!.alert.ruleId).toBe('sos');
    expect(engine.evaluate(T + M, inputs)).toEqual([]);
    expect(engine.alerts().map((a) => a.id)).toEqual([smokeId]);
  });

  it('restores live alerts from views (after a restart) and goes on from them', () => {
    const inputs = new FakeInputs().set(G1, 'live.smokeAlarms', 1);
    const first = createAlertEngine({ rules: [smoke()] });
    const [raised] = first.evaluate(T, inputs);
    const second = createAlertEngine({ rules: [smoke()] });
    second.restore(first.alerts());
    expect(second.evaluate(T + M, inputs)).toEqual([]);
    inputs.set(G1, 'live.smokeAlarms', 0);
    expect(second.evaluate(T + 2 * M, inputs)).toMatchObject([{ type: 'cleared', alert: { id: raised!.alert.id } }]);
  });

  it('expires cleared alerts nobody acknowledged after the retention (bounded memory)', () => {
    const inputs = new FakeInputs().set(G1, 'live.smokeAlarms', 1);
    const engine = createAlertEngine({ rules: [smoke()], retainClearedMs: 3_600_000 });
    engine.evaluate(T, inputs);
    inputs.set(G1, 'live.smokeAlarms', 0);
    engine.evaluate(T + M, inputs);
    expect(engine.evaluate(T + 62 * M, inputs)).toMatchObject([{ type: 'resolved', notify: false }]);
    expect(engine.alerts()).toEqual([]);
  });
});
