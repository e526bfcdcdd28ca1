/**
 * The shipped default rules against the real simulation, through the real pipeline and Aggregator, evaluated
 * every simulated minute on a ManualClock. A normal day a week earlier teaches the hour-of-week baselines (and
 * counts what a normal day raises); then one day stages a water-main burst, a heat wave, a power cut and a
 * device outage, each in its own place and time.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { AlertView } from '../../protocol';
import { createAlertEngine } from '../../server/alerts/alert-engine';
import { createSimRig, loadDefaultRules } from './sim-rig';

const H = 3_600_000;
const D = 24 * H;
const MIN = 60_000;
const DAY0 = Date.UTC(2026, 10, 23, 16, 0, 0); // Tuesday 00:00 Asia/Shanghai
const DEVICES = 5_000;

interface Raised {
  at: number;
  alert: AlertView;
}

function runDay(): { normal: Raised[]; incident: Raised[]; areas: { burst: string; power: string; outage: string } } {
  const rig = createSimRig(DAY0 - 7 * D);
  const { rules } = loadDefaultRules();
  const inputs = rig.inputs();
  const record = (into: Raised[]) => (now: number) => {
    for (const c of engine.evaluate(now, inputs))
      if (c.type === 'raised' && c.alert.count === 1) into.push({ at: now, alert: c.alert });
  };
  let engine = createAlertEngine({ rules });
  const normal: Raised[] = [];
  const before = rig.simulation({ seed: 11, start: DAY0 - 7 * D + 7 * H, deviceCount: DEVICES });
  rig.run(before, DAY0 - 7 * D + 8 * H, MIN);
  rig.run(before, DAY0 - 7 * D + 21 * H, MIN, record(normal));
  rig.closeOpenCases(DAY0 - 7 * D + 21 * H);

  const communities = rig.district.areas.filter((a) => a.level === 'community').map((a) => a.code);
  const burst = rig.district.areas.find((a) => a.level === 'grid' && a.code.startsWith(communities[0]!))!.code;
  const areas = { burst, power: communities[2]!, outage: communities[4]! };
  const day = rig.simulation({
    seed: 11,
    start: DAY0 + 7 * H,
    deviceCount: DEVICES,
    scenarios: [
      { name: 'water-main-burst', start: DAY0 + 9 * H, durationMs: 2 * H, area: areas.burst },
      { name: 'heat-wave', start: DAY0 + 11 * H, durationMs: 7 * H },
      { name: 'power-cut', start: DAY0 + 13 * H, durationMs: 3 * H, area: areas.power },
      { name: 'device-outage', start: DAY0 + 17 * H, durationMs: 3 * H, area: areas.outage },
    ],
  });
  engine = createAlertEngine({ rules });
  const incident: Raised[] = [];
  rig.run(day, DAY0 + 8 * H, MIN);
  rig.run(day, DAY0 + 21 * H, MIN, record(incident));
  return { normal, incident, areas };
}

const tally = (list: Raised[]) => {
  const by: Record<string, number> = {};
  for (const r of list) by[r.alert.ruleId] = (by[r.alert.ruleId] ?? 0) + 1;
  return by;
};

describe('default rules on the simulated district', () => {
  let result: ReturnType<typeof runDay>;
  let incident: Raised[];
  let areas: ReturnType<typeof runDay>['areas'];
  beforeAll(() => {
    result = runDay();
    ({ incident, areas } = result);
  }, 600_000);
  const within = (ruleId: string, area: string, from: number, to: number) =>
    incident.filter(
      (r) => r.alert.ruleId === ruleId && r.alert.subject.grid.startsWith(area) && r.at >= from && r.at <= to,
    );

  it('raises few alerts on a normal day (baselines not yet learned)', () => {
    const by = tally(result.normal);
    console.info('normal day 08:00–21:00, alerts raised by rule:', JSON.stringify(by));
    // Smoke alarms, SOS and absent elderly households are real events of the simulation, not false alarms.
    const operational = new Set(['smoke-alarm', 'elderly-sos', 'water-absence', 'sla-overdue-urgent']);
    const noise = result.normal.filter((r) => !operational.has(r.alert.ruleId));
    expect(noise.length).toBeLessThanOrEqual(5);
    expect(result.normal.some((r) => r.alert.kind === 'compound')).toBe(false);
  });

  it('water-main burst: pressure drop, cases and angry posts in the grid → one compound incident linking them', () => {
    const from = DAY0 + 9 * H;
    const to = DAY0 + 11 * H;
    expect(within('water-pressure-drop', areas.burst, from, from + 15 * MIN)).toHaveLength(1);
    expect(within('negative-opinion-grid', areas.burst, from, to)).toHaveLength(1);
    const incidents = within('grid-incident', areas.burst, from, to);
    expect(incidents).toHaveLength(1);
    const parts = incidents[0]!.alert.links.parts!;
    expect(parts.length).toBeGreaterThanOrEqual(3);
    expect(parts.some((id) => id.startsWith('water-pressure-drop:'))).toBe(true);
    expect(parts.some((id) => id.startsWith('negative-opinion-grid:'))).toBe(true);
  });

  it('power cut: power loss and mains devices offline in the community → community incident', () => {
    const from = DAY0 + 13 * H;
    const to = DAY0 + 16 * H;
    expect(within('power-loss', areas.power, from, from + 30 * MIN)).toHaveLength(1);
    expect(within('mains-devices-offline', areas.power, from, from + 30 * MIN)).toHaveLength(1);
    expect(within('community-incident', areas.power, from, to)).toHaveLength(1);
  });

  it('device outage: the offline ratio of the community', () => {
    const from = DAY0 + 17 * H;
    expect(within('device-offline-community', areas.outage, from, from + 90 * MIN)).toHaveLength(1);
    expect(within('power-loss', areas.outage, from, DAY0 + 21 * H)).toHaveLength(0);
  });

  it('heat wave: electricity load far above the learned usual for the hour', () => {
    expect(within('power-surge', '330106007', DAY0 + 11 * H, DAY0 + 18 * H).length).toBeGreaterThanOrEqual(1);
  });

  it('counts what the incident day raised', () => {
    console.info('incident day 08:00–21:00, alerts raised by rule:', JSON.stringify(tally(incident)));
    expect(incident.filter((r) => r.alert.kind === 'compound')).toHaveLength(2);
  });
});

describe('absence on the simulated district', () => {
  it('finds elderly households without water use for 12 h, and only elderly ones', () => {
    const rig = createSimRig(DAY0);
    const { rules } = loadDefaultRules();
    const engine = createAlertEngine({ rules: rules.filter((r) => r.id === 'water-absence') });
    const sim = rig.simulation({ seed: 3, start: DAY0, deviceCount: 600 });
    const elderly = new Set(sim.devices.filter((d) => d.household?.elderly).map((d) => d.id));
    const inputs = rig.inputs();
    const raised: AlertView[] = [];
    rig.run(sim, DAY0 + 30 * H, 5 * MIN, (now) => {
      for (const c of engine.evaluate(now, inputs)) if (c.type === 'raised') raised.push(c.alert);
    });
    expect(raised.length).toBeGreaterThanOrEqual(1);
    for (const a of raised) {
      expect(a.subject.type).toBe('device');
      expect(elderly.has(a.subject.id)).toBe(true);
      expect(a.value).toBeGreaterThanOrEqual(12 * H);
    }
  }, 300_000);
});
