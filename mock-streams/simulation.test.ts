import { describe, expect, it } from 'vitest';
import {
  DEVICE_TYPES,
  ingestEventSchema,
  type CaseEvent,
  type DeviceTelemetry,
  type IngestEvent,
  type OpinionPost,
} from '../protocol';
import { findCategory } from '../protocol';
import { smallDistrict } from './fixtures/small-district';
import { HOUR_MS, MINUTE_MS, localHour } from './local-time';
import { createSimulation, type SimulationOptions } from './simulation';

/** 2024-06-04 00:00 in Shanghai (UTC+8). */
const START = Date.UTC(2024, 5, 3, 16, 0, 0);
const district = smallDistrict();

function run(opts: Partial<SimulationOptions>, hours: number): IngestEvent[] {
  const sim = createSimulation({ seed: 11, district, start: START, deviceCount: 1500, ...opts });
  return sim.advance((opts.start ?? START) + hours * HOUR_MS);
}

/** Reports of one device type (fault notices carry no metrics and are left out). */
const telemetry = (events: IngestEvent[], type: string): DeviceTelemetry[] =>
  events.filter(
    (e): e is DeviceTelemetry => e.kind === 'device.telemetry' && e.deviceType === type && e.fault === undefined,
  );
const inHour = (e: IngestEvent, from: number, to: number): boolean =>
  localHour(e.time) >= from && localHour(e.time) < to;
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

// One normal day, shared by the rhythm tests.
const day = run({}, 30);

describe('createSimulation: determinism and contract', () => {
  it('produces identical events for the same seed, however advance is chunked', () => {
    const a = createSimulation({ seed: 5, district, start: START, deviceCount: 800 });
    const b = createSimulation({ seed: 5, district, start: START, deviceCount: 800 });
    const whole = a.advance(START + 3 * HOUR_MS);
    const chunked: IngestEvent[] = [];
    for (let t = START; t < START + 3 * HOUR_MS; t += 7 * MINUTE_MS)
      chunked.push(...b.advance(Math.min(t + 7 * MINUTE_MS, START + 3 * HOUR_MS)));
    expect(whole.length).toBeGreaterThan(1000);
    expect(chunked).toEqual(whole);
    expect(b.devices).toEqual(a.devices);
  });

  it('differs for a different seed', () => {
    const a = createSimulation({ seed: 5, district, start: START, deviceCount: 800 }).advance(START + HOUR_MS);
    const b = createSimulation({ seed: 6, district, start: START, deviceCount: 800 }).advance(START + HOUR_MS);
    expect(b.slice(0, 50)).not.toEqual(a.slice(0, 50));
  });

  it('emits events that the ingest schema accepts unchanged, of every kind and device type', () => {
    const samples = new Map<string, IngestEvent[]>();
    for (const e of day) {
      const key = e.kind === 'device.telemetry' || e.kind === 'device.heartbeat' ? `${e.kind}:${e.deviceType}` : e.kind;
      const list = samples.get(key) ?? [];
      if (list.length < 50) samples.set(key, [...list, e]);
    }
    for (const type of DEVICE_TYPES) expect(samples.has(`device.heartbeat:${type}`), type).toBe(true);
    for (const type of DEVICE_TYPES.filter((t) => t !== 'camera'))
      expect(samples.has(`device.telemetry:${type}`), type).toBe(true);
    expect(samples.has('case.updated')).toBe(true);
    expect(samples.has('opinion.post')).toBe(true);
    for (const list of samples.values()) for (const e of list) expect(ingestEventSchema.parse(e)).toEqual(e);
  });

  it('orders events by time inside [start, to) with unique deterministic ids', () => {
    const sim = createSimulation({ seed: 3, district, start: START, deviceCount: 500 });
    const first = sim.advance(START + HOUR_MS);
    expect(sim.now).toBe(START + HOUR_MS);
    const second = sim.advance(START + 2 * HOUR_MS);
    const all = [...first, ...second];
    for (let i = 1; i < all.length; i++)
      expect((all[i] as IngestEvent).time >= (all[i - 1] as IngestEvent).time).toBe(true);
    expect(first.every((e) => e.time >= START && e.time < START + HOUR_MS)).toBe(true);
    expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
    expect(all[0]?.id).toMatch(new RegExp(`^sim-3-${START.toString(36)}-`));
    expect(() => sim.advance(START)).toThrow(RangeError);
  });

  it('places every type with a grid of the district, meters and wearables in buildings', () => {
    const sim = createSimulation({ seed: 1, district, start: START, deviceCount: 2000 });
    const grids = new Set(district.areas.filter((a) => a.level === 'grid').map((a) => a.code));
    expect(new Set(sim.devices.map((d) => d.type))).toEqual(new Set(DEVICE_TYPES));
    expect(sim.devices.every((d) => grids.has(d.grid))).toBe(true);
    expect(new Set(sim.devices.map((d) => d.id)).size).toBe(2000);
    expect(sim.devices.filter((d) => d.type === 'water').every((d) => d.building !== undefined && d.household)).toBe(
      true,
    );
    expect(sim.devices.some((d) => d.household?.elderly)).toBe(true);
  });

  it('scales volume to the requested rate', () => {
    const sim = createSimulation({ seed: 2, district, start: START, deviceCount: 1000, rate: 2000 });
    const events = sim.advance(START + 60_000);
    expect(events.length / 60).toBeGreaterThan(1800);
    expect(events.length / 60).toBeLessThan(2200);
    expect(() => createSimulation({ seed: 2, district, start: START, rate: 1e6 })).toThrow(RangeError);
  });
});

describe('createSimulation: daily rhythms', () => {
  it('opens doors more at 8:00 than at 3:00', () => {
    const opened = telemetry(day, 'access').filter((e) => e.metrics.opened === 1);
    const at8 = opened.filter((e) => inHour(e, 8, 9)).length;
    const at3 = opened.filter((e) => inHour(e, 3, 4)).length;
    expect(at8).toBeGreaterThan(5 * Math.max(1, at3));
  });

  it('keeps parking fuller at 2:00 than at 14:00', () => {
    const parking = telemetry(day, 'parking').filter((e) => e.time < START + 24 * HOUR_MS);
    const at2 = mean(parking.filter((e) => inHour(e, 2, 3)).map((e) => e.metrics.occupied ?? 0));
    const at14 = mean(parking.filter((e) => inHour(e, 14, 15)).map((e) => e.metrics.occupied ?? 0));
    expect(at2).toBeGreaterThan(0.85);
    expect(at14).toBeLessThan(0.6);
  });

  it('fills bins through the day and empties them at the collection rounds', () => {
    const bins = telemetry(day, 'bin');
    const before = mean(bins.filter((e) => inHour(e, 5, 6)).map((e) => e.metrics.fill ?? 0));
    const after = mean(bins.filter((e) => inHour(e, 7, 7.5)).map((e) => e.metrics.fill ?? 0));
    const evening = mean(bins.filter((e) => inHour(e, 17, 18)).map((e) => e.metrics.fill ?? 0));
    expect(after).toBeLessThan(before / 2);
    expect(evening).toBeGreaterThan(after * 3);
  });

  it('has an elderly household with no water use for more than 12 hours', () => {
    const sim = createSimulation({ seed: 11, district, start: START, deviceCount: 1500 });
    const elderly = new Set(sim.devices.filter((d) => d.type === 'water' && d.household?.elderly).map((d) => d.id));
    const byMeter = new Map<string, DeviceTelemetry[]>();
    for (const e of telemetry(day, 'water'))
      if (elderly.has(e.deviceId)) byMeter.set(e.deviceId, [...(byMeter.get(e.deviceId) ?? []), e]);
    let longest = 0;
    for (const reports of byMeter.values()) {
      let since: number | undefined;
      for (const r of reports) {
        if ((r.metrics.flow_l ?? 0) > 0) since = undefined;
        else {
          since ??= r.time;
          longest = Math.max(longest, r.time - since);
        }
      }
    }
    expect(longest).toBeGreaterThan(12 * HOUR_MS);
  });

  it('files cases that follow the lifecycle with taxonomy categories and Chinese titles', () => {
    const events = createSimulation({ seed: 4, district, start: START, deviceCount: 20 }).advance(
      START + 8 * 24 * HOUR_MS,
    );
    const cases = new Map<string, CaseEvent[]>();
    for (const e of events) if (e.kind === 'case.updated') cases.set(e.caseId, [...(cases.get(e.caseId) ?? []), e]);
    expect(cases.size).toBeGreaterThan(100);
    const statuses = new Set<string>();
    for (const updates of cases.values()) {
      expect(updates[0]?.status).toBe('reported');
      expect(findCategory(updates[0]?.category ?? '')).toBeDefined();
      expect(updates[0]?.title).toMatch(/[\u4e00-\u9fff]/);
      for (const u of updates) statuses.add(u.status);
    }
    expect(statuses).toEqual(
      new Set([
        'reported',
        'assigned',
        'in_progress',
        'resolved',
        'closed',
        'returned',
        'extended',
        'supervised',
        'reopened',
      ]),
    );
    expect([...cases.values()].filter((u) => u.some((x) => x.status === 'supervised')).length).toBeGreaterThan(3);
  });

  it('posts Chinese opinion on several channels, mostly without a sentiment', () => {
    const posts = day.filter((e): e is OpinionPost => e.kind === 'opinion.post');
    expect(posts.length).toBeGreaterThan(40);
    expect(posts.every((p) => /[\u4e00-\u9fff]/.test(p.text))).toBe(true);
    expect(new Set(posts.map((p) => p.channel)).size).toBeGreaterThanOrEqual(3);
    expect(posts.filter((p) => p.sentiment !== undefined).length).toBeLessThan(posts.length * 0.25);
    expect(new Set(posts.map((p) => p.text)).size).toBeGreaterThan(posts.length * 0.8);
  });
});
