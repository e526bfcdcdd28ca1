import { describe, expect, it } from 'vitest';
import type { CaseEvent, DeviceTelemetry, IngestEvent } from '../protocol';
import { smallDistrict } from './fixtures/small-district';
import { HOUR_MS } from './local-time';
import type { ScenarioSpec } from './scenarios';
import { createSimulation } from './simulation';

/** 2024-06-04 00:00 in Shanghai. */
const START = Date.UTC(2024, 5, 3, 16, 0, 0);
const district = smallDistrict();
const COMMUNITY = '310104005002';
const GRID = '310104005002003';

function simulate(scenarios: ScenarioSpec[], hours = 24, seed = 21) {
  const sim = createSimulation({ seed, district, start: START, deviceCount: 1500, scenarios });
  return { sim, events: sim.advance(START + hours * HOUR_MS) };
}

const during = (s: ScenarioSpec) => (e: IngestEvent) => e.time >= s.start && e.time < s.start + s.durationMs;
/** Periodic reports of one type (fault notices carry no metrics and are left out). */
const telemetryOf = (events: IngestEvent[], type: string) =>
  events.filter(
    (e): e is DeviceTelemetry => e.kind === 'device.telemetry' && e.deviceType === type && e.fault === undefined,
  );
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

// The same day without incidents, to compare against.
const baseline = simulate([]).events;

describe('scenarios', () => {
  it('water-main-burst: pressure drops and leaks show in the area, with urgent cases and angry posts there', () => {
    const burst: ScenarioSpec = {
      name: 'water-main-burst',
      start: START + 10 * HOUR_MS,
      durationMs: 4 * HOUR_MS,
      area: GRID,
    };
    const { events } = simulate([burst]);
    const inBurst = events.filter(during(burst));
    const meters = telemetryOf(inBurst, 'water').filter((e) => e.grid === GRID);
    expect(meters.length).toBeGreaterThan(10);
    expect(meters.every((e) => e.metrics.leak === 1 && (e.metrics.pressure_kpa ?? 999) < 150)).toBe(true);
    const elsewhere = telemetryOf(inBurst, 'water').filter((e) => e.grid !== GRID);
    expect(mean(elsewhere.map((e) => e.metrics.pressure_kpa ?? 0))).toBeGreaterThan(280);
    const cases = inBurst.filter(
      (e): e is CaseEvent => e.kind === 'case.updated' && e.status === 'reported' && e.grid === GRID,
    );
    expect(cases.some((c) => c.category === 'SJ0402' && c.urgency === 'urgent')).toBe(true);
    const posts = (evs: IngestEvent[]) => evs.filter((e) => e.kind === 'opinion.post' && e.grid === GRID).length;
    expect(posts(inBurst)).toBeGreaterThan(5 * Math.max(1, posts(baseline.filter(during(burst)))));
  });

  it('power-cut: power meters in the community read zero and mains-powered devices go silent', () => {
    const cut: ScenarioSpec = {
      name: 'power-cut',
      start: START + 19 * HOUR_MS,
      durationMs: 2 * HOUR_MS,
      area: COMMUNITY,
    };
    const { events } = simulate([cut]);
    const inCut = events.filter(during(cut));
    const local = (e: IngestEvent) => e.grid?.startsWith(COMMUNITY) === true;
    const power = telemetryOf(inCut, 'power').filter(local);
    expect(power.length).toBeGreaterThan(10);
    expect(power.every((e) => e.metrics.kwh === 0)).toBe(true);
    const mains = (evs: IngestEvent[]) =>
      evs.filter(
        (e) => local(e) && e.kind === 'device.heartbeat' && (e.deviceType === 'camera' || e.deviceType === 'access'),
      ).length;
    expect(mains(inCut)).toBe(0);
    expect(mains(baseline.filter(during(cut)))).toBeGreaterThan(50);
    expect(inCut.some((e) => e.kind === 'case.updated' && e.category === 'SJ0407' && local(e))).toBe(true);
    // Outside the community the evening peak goes on.
    expect(
      mean(
        telemetryOf(inCut, 'power')
          .filter((e) => !local(e))
          .map((e) => e.metrics.kwh ?? 0),
      ),
    ).toBeGreaterThan(0.1);
  });

  it('device-outage: a share of devices falls silent for the window, then comes back', () => {
    const outage: ScenarioSpec = { name: 'device-outage', start: START + 12 * HOUR_MS, durationMs: 2 * HOUR_MS };
    const { events } = simulate([outage]);
    const heartbeats = (evs: IngestEvent[], from: number, to: number) =>
      evs.filter((e) => e.kind === 'device.heartbeat' && e.time >= from && e.time < to).length;
    const inside = heartbeats(events, outage.start, outage.start + outage.durationMs);
    const normal = heartbeats(baseline, outage.start, outage.start + outage.durationMs);
    expect(inside / normal).toBeLessThan(0.75);
    expect(inside / normal).toBeGreaterThan(0.5);
    const after = heartbeats(
      events,
      outage.start + outage.durationMs + HOUR_MS,
      outage.start + outage.durationMs + 3 * HOUR_MS,
    );
    const afterNormal = heartbeats(
      baseline,
      outage.start + outage.durationMs + HOUR_MS,
      outage.start + outage.durationMs + 3 * HOUR_MS,
    );
    expect(after / afterNormal).toBeGreaterThan(0.95);
  });

  it('heat-wave: more electricity, higher heart rates and more wearable alarms', () => {
    const heat: ScenarioSpec = { name: 'heat-wave', start: START + 10 * HOUR_MS, durationMs: 10 * HOUR_MS };
    const { sim, events } = simulate([heat], 24, 8);
    expect(sim.scenarios[0]?.area).toBe(district.code);
    const window = events.filter(during(heat));
    const normal = baseline.filter(during(heat));
    const kwh = (evs: IngestEvent[]) => mean(telemetryOf(evs, 'power').map((e) => e.metrics.kwh ?? 0));
    expect(kwh(window)).toBeGreaterThan(1.5 * kwh(normal));
    const hr = (evs: IngestEvent[]) => mean(telemetryOf(evs, 'wearable').map((e) => e.metrics.heart_rate ?? 0));
    expect(hr(window)).toBeGreaterThan(hr(normal) + 5);
    const alarms = (evs: IngestEvent[]) =>
      telemetryOf(evs, 'wearable').filter((e) => e.metrics.sos === 1 || e.metrics.fall === 1).length;
    expect(alarms(window)).toBeGreaterThan(alarms(normal) + 3);
  });

  it('rejects an unknown area or scenario with a clear error', () => {
    expect(() => simulate([{ name: 'power-cut', start: START, durationMs: HOUR_MS, area: '999999999999' }], 1)).toThrow(
      /not in district/,
    );
    expect(() => simulate([{ name: 'meteor' as never, start: START, durationMs: HOUR_MS }], 1)).toThrow(
      /unknown scenario/,
    );
  });
});
