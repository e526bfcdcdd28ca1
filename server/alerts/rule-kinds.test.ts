import { describe, expect, it } from 'vitest';
import { createAlertEngine, type AlertChange } from './alert-engine';
import { FakeInputs } from './fake-inputs.test-support';
import { alertRuleSchema, type AlertRule } from './rule.schema';

const T = Date.UTC(2026, 10, 24, 2, 0, 0);
const M = 60_000;
const H = 3_600_000;
const G1 = '330106007001001';
const G2 = '330106007001002';
const C1 = '330106007001';

const rule = (r: Record<string, unknown>): AlertRule => alertRuleSchema.parse({ name: r.id, severity: 'major', ...r });
const types = (changes: AlertChange[]) => changes.map((c) => `${c.type}:${c.alert.ruleId}:${c.alert.subject.id}`);
const meter = (id: string, grid: string, metrics: Record<string, number>, status: 'online' | 'offline' = 'online') => ({
  id,
  type: 'water' as const,
  grid,
  status,
  metrics,
});

describe('each rule kind fires and clears', () => {
  it('ratio of offline devices, with a minimum total', () => {
    const inputs = new FakeInputs()
      .set(G1, 'devices.total', 20)
      .set(G1, 'devices.offline', 6)
      .set(G2, 'devices.total', 4)
      .set(G2, 'devices.offline', 4);
    const engine = createAlertEngine({
      rules: [
        rule({ id: 'off', kind: 'ratio', level: 'grid', numerator: 'offline', value: 0.3, clear: 0.2, minTotal: 10 }),
      ],
    });
    const raised = engine.evaluate(T, inputs);
    expect(types(raised)).toEqual([`raised:off:${G1}`]);
    expect(raised[0]!.alert.message).toContain('30%');
    inputs.set(G1, 'devices.offline', 5);
    expect(engine.evaluate(T + M, inputs)).toEqual([]);
    inputs.set(G1, 'devices.offline', 3);
    expect(types(engine.evaluate(T + 2 * M, inputs))).toEqual([`cleared:off:${G1}`]);
  });

  it('ratio of devices whose latest metric matches (online ones), linking them', () => {
    const inputs = new FakeInputs();
    inputs.deviceList = [
      meter('w1', G1, { pressure_kpa: 40 }),
      meter('w2', G1, { pressure_kpa: 80 }),
      meter('w3', G1, { pressure_kpa: 320 }),
      meter('w4', G1, { pressure_kpa: 10 }, 'offline'),
      meter('w5', G2, { pressure_kpa: 310 }),
    ];
    const engine = createAlertEngine({
      rules: [
        rule({
          id: 'p',
          kind: 'ratio',
          level: 'grid',
          numerator: { metric: 'pressure_kpa', op: '<', value: 150 },
          deviceTypes: ['water'],
          value: 0.5,
          minTotal: 3,
        }),
      ],
    });
    const [c] = engine.evaluate(T, inputs);
    expect(c).toMatchObject({ type: 'raised', alert: { subject: { id: G1 }, links: { devices: ['w1', 'w2'] } } });
    expect(c!.alert.value).toBeCloseTo(2 / 3);
    inputs.deviceList = inputs.deviceList.map((d) => ({ ...d, metrics: { pressure_kpa: 320 } }));
    // Scanning rules run at most every scan interval.
    expect(engine.evaluate(T + 5_000, inputs)).toEqual([]);
    expect(types(engine.evaluate(T + 10_000, inputs))).toEqual([`cleared:p:${G1}`]);
  });

  it('absence: a device of the group quiet for the duration; online only; registers its metric watch', () => {
    const inputs = new FakeInputs();
    inputs.deviceList = [meter('w1', G1, {}), meter('w2', G1, {}), meter('w3', G2, {}, 'offline')];
    inputs.groups.set('elderly', new Set(['w1', 'w3']));
    inputs.quiet
      .set('w1', T - 13 * H)
      .set('w2', T - 20 * H)
      .set('w3', T - 20 * H);
    const engine = createAlertEngine({
      rules: [
        rule({
          id: 'abs',
          kind: 'absence',
          deviceType: 'water',
          activity: { metric: 'flow_l', op: '>', value: 0 },
          group: 'elderly',
          for: '12h',
        }),
      ],
    });
    const raised = engine.evaluate(T, inputs);
    expect(inputs.watches).toEqual([{ key: 'water|flow_l>0', type: 'water', metric: 'flow_l', op: '>', value: 0 }]);
    expect(types(raised)).toEqual(['raised:abs:w1']);
    expect(raised[0]!.alert).toMatchObject({
      subject: { type: 'device', id: 'w1', grid: G1 },
      value: 13 * H,
      threshold: 12 * H,
    });
    expect(raised[0]!.alert.message).toContain('13.0h');
    inputs.quiet.set('w1', T + 30_000);
    expect(types(engine.evaluate(T + M, inputs))).toEqual(['cleared:abs:w1']);
  });

  it('spike against the learned baseline (ratio and z-score), skipped while unlearned', () => {
    const inputs = new FakeInputs();
    const engine = createAlertEngine({
      rules: [
        rule({ id: 'r', kind: 'spike', level: 'grid', measure: 'water', value: 2, min: 1 }),
        rule({ id: 'z', kind: 'spike', level: 'grid', measure: 'water', mode: 'zscore', value: 3, minStd: 0.5 }),
        rule({ id: 'down', kind: 'spike', level: 'grid', measure: 'power', direction: 'down', value: 4, min: 5 }),
      ],
    });
    inputs.measures.set(`${G1}|water`, 10);
    expect(engine.evaluate(T, inputs)).toEqual([]);
    inputs.baselines.set(`${G1}|water`, { mean: 4, std: 1, samples: 2 });
    inputs.baselines.set(`${G1}|power`, { mean: 40, std: 5, samples: 1 });
    inputs.measures.set(`${G1}|power`, 5);
    expect(types(engine.evaluate(T + M, inputs)).sort()).toEqual([
      `raised:down:${G1}`,
      `raised:r:${G1}`,
      `raised:z:${G1}`,
    ]);
    inputs.measures.set(`${G1}|water`, 5);
    inputs.measures.set(`${G1}|power`, 38);
    expect(types(engine.evaluate(T + 2 * M, inputs)).sort()).toEqual([
      `cleared:down:${G1}`,
      `cleared:r:${G1}`,
      `cleared:z:${G1}`,
    ]);
  });

  it('negative-opinion spike: a floor until learned, then also a factor of the usual', () => {
    const inputs = new FakeInputs();
    const engine = createAlertEngine({
      rules: [rule({ id: 'neg', kind: 'negative_opinion_spike', level: 'community', minCount: 5, factor: 3 })],
    });
    inputs.measures.set(`${C1}|negativePosts`, 6);
    const [c] = engine.evaluate(T, inputs);
    expect(c).toMatchObject({ type: 'raised', alert: { subject: { id: C1 }, links: { posts: 6 }, threshold: 5 } });
    inputs.baselines.set(`${C1}|negativePosts`, { mean: 3, std: 1, samples: 1 });
    expect(types(engine.evaluate(T + M, inputs))).toEqual([`cleared:neg:${C1}`]);
  });

  it('SLA overdue per area (from stats) and per area with filters (from the cases)', () => {
    const inputs = new FakeInputs().set(C1, 'cases.overdue', 5);
    inputs.overdue = [
      {
        id: 'c1',
        status: 'assigned',
        state: 'overdue',
        category: 'SJ0402',
        channel: 'hotline',
        urgency: 'urgent',
        grid: G1,
        lon: 0,
        lat: 0,
        reportedAt: 0,
        deadline: T - H,
        closedAt: null,
      },
      {
        id: 'c2',
        status: 'assigned',
        state: 'overdue',
        category: 'BJ0101',
        channel: 'hotline',
        urgency: 'urgent',
        grid: G2,
        lon: 0,
        lat: 0,
        reportedAt: 0,
        deadline: T - H,
        closedAt: null,
      },
    ];
    const engine = createAlertEngine({
      rules: [
        rule({ id: 'area', kind: 'sla_overdue', mode: 'area', level: 'community', min: 5 }),
        rule({
          id: 'water-cases',
          kind: 'sla_overdue',
          mode: 'area',
          level: 'community',
          min: 1,
          categories: ['SJ04'],
        }),
      ],
    });
    const changes = engine.evaluate(T, inputs);
    expect(types(changes)).toEqual([`raised:area:${C1}`, `raised:water-cases:${C1}`]);
    expect(changes[1]!.alert.links.cases).toEqual(['c1']);
  });
});

describe('compound incidents', () => {
  const parts = () => [
    rule({ id: 'pressure', kind: 'ratio', level: 'grid', numerator: 'offline', value: 0.5 }),
    rule({ id: 'cases', kind: 'threshold', level: 'grid', metric: 'cases.open', op: '>=', value: 3 }),
    rule({ id: 'posts', kind: 'negative_opinion_spike', level: 'grid', minCount: 5 }),
    rule({ id: 'incident', kind: 'compound', level: 'grid', window: '1h', minFeeds: 3, severity: 'critical' }),
  ];

  it('links parts from three feeds in one grid into one incident, and clears when they age out', () => {
    const inputs = new FakeInputs().set(G1, 'devices.total', 10).set(G1, 'devices.offline', 6).set(G1, 'cases.open', 3);
    inputs.set(G2, 'opinion.negative1h', 9);
    inputs.measures.set(`${G2}|negativePosts`, 9);
    const engine = createAlertEngine({ rules: parts() });
    expect(types(engine.evaluate(T, inputs))).toEqual([
      `raised:pressure:${G1}`,
      `raised:cases:${G1}`,
      `raised:posts:${G2}`,
    ]);
    inputs.measures.set(`${G1}|negativePosts`, 7);
    const changes = engine.evaluate(T + M, inputs);
    expect(types(changes)).toEqual([`raised:posts:${G1}`, `raised:incident:${G1}`]);
    const incident = changes[1]!.alert;
    expect(incident.severity).toBe('critical');
    expect(incident.links.parts).toHaveLength(3);
    expect(incident.links.parts!.map((id) => id.split(':')[0]).sort()).toEqual(['cases', 'posts', 'pressure']);
    expect(incident.message).toContain('3 条关联预警');
    // Re-evaluating does not raise a second incident.
    expect(engine.evaluate(T + 2 * M, inputs)).toEqual([]);
    expect(engine.alerts().filter((a) => a.ruleId === 'incident')).toHaveLength(1);

    inputs.measures.set(`${G1}|negativePosts`, 0);
    engine.evaluate(T + 3 * M, inputs);
    // The cleared part still counts within the window…
    expect(engine.alerts().find((a) => a.ruleId === 'incident')!.active).toBe(true);
    // …and no longer after it.
    expect(types(engine.evaluate(T + 65 * M, inputs))).toContain(`cleared:incident:${G1}`);
  });

  it('rolls grid parts up to a community incident', () => {
    const inputs = new FakeInputs().set(G1, 'devices.total', 10).set(G1, 'devices.offline', 6).set(G2, 'cases.open', 3);
    const engine = createAlertEngine({
      rules: [
        ...parts().slice(0, 3),
        rule({ id: 'c-incident', kind: 'compound', level: 'community', window: '1h', minRules: 2 }),
      ],
    });
    const changes = engine.evaluate(T, inputs);
    expect(types(changes)).toContain(`raised:c-incident:${C1}`);
  });
});
