import { deserialize, serialize } from 'node:v8';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEVICE_TYPES, type DeviceType } from '../../protocol';
import { DEFAULT_HEARTBEAT_TIMEOUT_MS, DeviceTracker, type DeviceObservation, type DeviceTrackerState } from './device-tracker';

const T = Date.UTC(2026, 10, 24, 0, 0, 0);
const GRIDS = ['330106007001001', '330106007001002', '330106007002001'];
// Registry-style keys: 0 = '*', 1 = street, 2 and 3 = communities, 4..6 = grids.
const LINEAGES = [Int32Array.from([0, 1, 2, 4]), Int32Array.from([0, 1, 2, 5]), Int32Array.from([0, 1, 3, 6])];
const lineageOf = (grid: string) => LINEAGES[GRIDS.indexOf(grid)];

/** A seeded xorshift, so the arrival order is shuffled but the test is repeatable. */
function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

interface Expected {
  type: DeviceType;
  grid: string;
  lastSeen: number;
  lastId: string;
  firstSeen: number;
  lon: number;
  lat: number;
}

/**
 * Many devices (the table grows from 1,024 slots several times while they arrive), events in shuffled order:
 * every device's state must equal a plain recomputation, and the timeout heap must still find every device
 * after the devices moved to new slots.
 */
function feed(n: number, seed: number) {
  const random = rng(seed);
  const tracker = new DeviceTracker(7);
  const expected = new Map<string, Expected>();
  const obs: DeviceObservation[] = [];
  for (let d = 0; d < n; d++) {
    const type = DEVICE_TYPES[d % DEVICE_TYPES.length]!;
    for (let k = 0; k < 3; k++) {
      const g = Math.floor(random() * GRIDS.length);
      obs.push({
        id: `dev-${d}`,
        eventId: `e${d}-${k}`,
        type,
        grid: GRIDS[g]!,
        lineage: LINEAGES[g]!,
        lon: 120 + d / 1e5 + k,
        lat: 30 + k,
        time: T + Math.floor(random() * 60_000),
        fault: undefined,
        metrics: undefined,
      });
    }
  }
  for (let i = obs.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [obs[i], obs[j]] = [obs[j]!, obs[i]!];
  }
  const now = T + 60_000;
  for (const o of obs) {
    tracker.observe(o, now);
    const e = expected.get(o.id);
    const newer = !e || o.time > e.lastSeen || (o.time === e.lastSeen && o.eventId > e.lastId);
    const base = e ?? { type: o.type, grid: o.grid, lastSeen: o.time, lastId: o.eventId, firstSeen: o.time, lon: o.lon!, lat: o.lat! };
    expected.set(o.id, {
      ...base,
      ...(newer ? { grid: o.grid, lastSeen: o.time, lastId: o.eventId, lon: o.lon!, lat: o.lat! } : {}),
      firstSeen: Math.min(base.firstSeen, o.time),
    });
  }
  return { tracker, expected };
}

describe('DeviceTracker storage', () => {
  it('keeps every device exact while its table grows, and finds each one by id', () => {
    const { tracker, expected } = feed(5_000, 7);
    expect(tracker.size).toBe(5_000);
    for (const [id, e] of expected) {
      const d = tracker.get(id)!;
      expect({ type: d.type, grid: d.grid, lastSeen: d.lastSeen, firstSeen: d.firstSeen, lon: d.lon, lat: d.lat, status: d.status }, id).toEqual({
        type: e.type,
        grid: e.grid,
        lastSeen: e.lastSeen,
        firstSeen: e.firstSeen,
        lon: e.lon,
        lat: e.lat,
        status: 'online',
      });
      expect(tracker.gridOf(id)).toBe(e.grid);
    }
    expect(tracker.get('dev-5000')).toBeUndefined();
    expect(tracker.gridOf('nope')).toBeUndefined();
    // Counts per area follow the devices' grids.
    for (let g = 0; g < GRIDS.length; g++) {
      const inGrid = [...expected.values()].filter((e) => e.grid === GRIDS[g]).length;
      expect(tracker.counts(4 + g).total).toBe(inGrid);
    }
    expect(tracker.counts(0)).toEqual({ total: 5_000, online: 5_000, offline: 0, fault: 0 });
    // Views come in first-seen order, one per device.
    expect(new Set(tracker.views('*').map((v) => v.id)).size).toBe(5_000);
  });

  it('times every device out through the heap after the table grew (dense indices stay valid)', () => {
    const { tracker, expected } = feed(3_000, 11);
    tracker.takeDirty();
    const latest = Math.max(...[...expected.values()].map((e) => e.lastSeen));
    // Just past the longest timeout (smoke, 60 min) for every device.
    tracker.sweep(latest + DEFAULT_HEARTBEAT_TIMEOUT_MS.smoke + 1);
    expect(tracker.counts(0)).toEqual({ total: 3_000, online: 0, offline: 3_000, fault: 0 });
    const dirty = tracker.takeDirty();
    expect(new Set(dirty.devices)).toEqual(new Set(expected.keys()));
  });

  it('round-trips through a snapshot, whatever table size the new tracker starts with', () => {
    const { tracker } = feed(2_500, 13);
    const state = deserialize(serialize(tracker.exportState())) as DeviceTrackerState;
    const restored = new DeviceTracker(7);
    restored.importState(state, lineageOf);
    expect(restored.views('*')).toEqual(tracker.views('*'));
    for (let a = 0; a < 7; a++) expect(restored.counts(a)).toEqual(tracker.counts(a));
    expect(restored.get('dev-1234')).toEqual(tracker.get('dev-1234'));
  });

  it('each fact follows the newest event carrying it, ties by event id, whatever the arrival order', () => {
    // Few distinct times so that ties are common; each event carries a random subset of the facts.
    const event = fc.record({
      t: fc.integer({ min: 0, max: 2 }),
      id: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
      pos: fc.boolean(),
      fault: fc.option(fc.boolean(), { nil: undefined }),
      metrics: fc.option(fc.integer({ min: 0, max: 9 }), { nil: undefined }),
    });
    const list = fc.uniqueArray(event, { minLength: 1, maxLength: 8, selector: (e) => e.id });
    fc.assert(
      fc.property(list, fc.nat(), (events, seed) => {
        const order = [...events].sort((x, y) => ((x.id.charCodeAt(0) * 7919 + seed) % 13) - ((y.id.charCodeAt(0) * 7919 + seed) % 13));
        const tracker = new DeviceTracker(7);
        for (const e of order) {
          tracker.observe(
            {
              id: 'w1',
              eventId: e.id,
              type: 'water',
              grid: GRIDS[0]!,
              lineage: LINEAGES[0]!,
              lon: e.pos ? 120 + e.id.charCodeAt(0) : undefined,
              lat: e.pos ? 30 + e.t : undefined,
              time: T + e.t,
              fault: e.fault,
              metrics: e.metrics === undefined ? undefined : { flow_l: e.metrics },
            },
            T + 10,
          );
        }
        const newest = <K extends keyof (typeof events)[number]>(k: K) =>
          events
            .filter((e) => e[k] !== undefined && e[k] !== false)
            .reduce<(typeof events)[number] | undefined>((m, e) => (!m || e.t > m.t || (e.t === m.t && e.id > m.id) ? e : m), undefined);
        const d = tracker.get('w1')!;
        const last = newest('id')!;
        const pos = newest('pos');
        const fault = events.filter((e) => e.fault !== undefined).reduce<(typeof events)[number] | undefined>((m, e) => (!m || e.t > m.t || (e.t === m.t && e.id > m.id) ? e : m), undefined);
        const metrics = newest('metrics');
        expect(d.lastSeen).toBe(T + last.t);
        expect(d.firstSeen).toBe(T + Math.min(...events.map((e) => e.t)));
        expect([d.lon, d.lat]).toEqual(pos ? [120 + pos.id.charCodeAt(0), 30 + pos.t] : [0, 0]);
        expect(d.fault).toBe(fault?.fault ?? false);
        expect(d.metrics).toEqual(metrics ? { flow_l: metrics.metrics } : {});
      }),
      { numRuns: 1000 },
    );
  });
});
