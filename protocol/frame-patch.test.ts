import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CASE_CHANNELS, DEVICE_TYPES } from './events.schema';
import {
  FramePatchError,
  applyAreaPatch,
  applyEventSeries,
  applyInsights,
  applyScopeChanges,
  diffAreaStats,
  diffEventSeries,
  diffInsights,
  diffObject,
} from './frame-patch';
import type { AreaStats, EventSeries, ScopeInsights, ScopeState, WindowSeries } from './frames';

// Small ranges on purpose: many fields stay equal between two random values, so patches are partial.
const n = fc.integer({ min: 0, max: 3 });
const maybe = fc.option(fc.integer({ min: 0, max: 2 }), { nil: null });
const counts = fc.record({ total: n, online: n, offline: n, fault: n });

function recordOf<K extends string, V>(keys: readonly K[], v: fc.Arbitrary<V>): fc.Arbitrary<Record<K, V>> {
  return fc.tuple(...keys.map(() => v)).map((vs) => Object.fromEntries(keys.map((k, i) => [k, vs[i]])) as Record<K, V>);
}

const areaStats = (code: string): fc.Arbitrary<AreaStats> =>
  fc.record({
    code: fc.constant(code),
    events5m: fc.record({ device: n, case: n, opinion: n }),
    devices: counts,
    devicesByType: recordOf(DEVICE_TYPES, counts),
    live: fc.record({
      parking: fc.record({ spaces: n, occupied: n }),
      binFill: fc.tuple(n, n, n, n, n),
      doorOpenings1h: n,
      water1h: n,
      waterBaseline1h: maybe,
      power1h: n,
      powerBaseline1h: maybe,
      smokeAlarms: n,
      sosActive: n,
    }),
    cases: fc.record({
      new24h: n,
      open: n,
      overdue: n,
      closed24h: n,
      meanCloseMs24h: maybe,
      slaRate24h: maybe,
      bySource24h: recordOf(CASE_CHANNELS, n),
    }),
    opinion: fc.record({ posts1h: n, posts24h: n, sentiment1h: maybe, sentiment24h: maybe, negative1h: n }),
    pressure: n,
  });

const STEP = 60_000;
const LEN = 8;

/** A window of LEN buckets starting 0..4 steps after `t0` (so successive windows move forward, or not). */
function windowOf<T>(point: fc.Arbitrary<T>, stepMs = STEP): fc.Arbitrary<WindowSeries<T>> {
  return fc.record({
    start: fc.integer({ min: 0, max: 4 }).map((k) => k * stepMs),
    stepMs: fc.constant(stepMs),
    points: fc.array(point, { minLength: LEN, maxLength: LEN }),
  });
}

const feed = fc.record({ device: n, case: n, opinion: n });
const eventSeries: fc.Arbitrary<EventSeries> = windowOf(feed).map((w) => ({
  start: w.start,
  stepMs: w.stepMs,
  counts: w.points,
}));
const insights: fc.Arbitrary<ScopeInsights> = fc.record({
  cases24h: windowOf(fc.record({ new: n, closed: n }), 3_600_000),
  cases7d: windowOf(fc.record({ new: n, closed: n }), 86_400_000),
  openByCategory: fc.array(fc.record({ category: fc.constantFrom('01', '02', '03'), open: n }), { maxLength: 3 }),
  topics: fc.array(fc.record({ word: fc.constantFrom('停车', '噪音'), weight: n }), { maxLength: 2 }),
  opinion24h: windowOf(fc.record({ posts: n, sentiment: maybe }), 3_600_000),
});

/**
 * One room over time, as the hub runs it: the value changes (often back to an earlier one: A→B→A), clients join
 * with a snapshot of the current value, and sends diff the current value against every base a client may hold.
 * After every send each client must hold exactly the current value.
 */
function roomModel<T>(
  pool: fc.Arbitrary<T[]>,
  diff: (next: T, bases: readonly T[]) => unknown,
  apply: (base: T, patch: never) => T,
) {
  const op = fc.oneof(
    fc.record({ kind: fc.constant('change' as const), to: fc.nat(2) }),
    fc.record({ kind: fc.constant('join' as const) }),
    fc.record({ kind: fc.constant('send' as const) }),
  );
  return fc.property(pool, fc.array(op, { maxLength: 30 }), (values, ops) => {
    let current = values[0]!;
    let clients: T[] = [current];
    let bases: T[] = [current];
    for (const o of ops) {
      if (o.kind === 'change') current = values[o.to]!;
      else if (o.kind === 'join') {
        clients.push(current);
        bases.push(current);
      } else {
        const p = diff(current, bases);
        if (p !== undefined) clients = clients.map((c) => apply(c, p as never));
        for (const c of clients) expect(c).toEqual(current);
        bases = [current];
      }
    }
  });
}

describe('area stats patches', () => {
  it('apply(diff(b, [a]), a) equals b for any two stats of an area', () => {
    fc.assert(
      fc.property(areaStats('330106001001001'), areaStats('330106001001001'), (a, b) => {
        const p = diffAreaStats(b, [a]);
        expect(p === undefined ? a : applyAreaPatch(a, p)).toEqual(b);
        if (p) expect(p.code).toBe(b.code);
      }),
      { numRuns: 1000 },
    );
  });

  it('sends only what changed: nested objects field by field, binFill whole, nothing for equal stats', () => {
    fc.assert(
      fc.property(areaStats('*'), (a) => {
        expect(diffAreaStats(structuredClone(a), [a])).toBeUndefined();
        const b = structuredClone(a);
        b.devices.online += 1;
        b.live.binFill[2] += 1;
        expect(diffAreaStats(b, [a])).toEqual({
          code: '*',
          devices: { online: b.devices.online },
          live: { binFill: b.live.binFill },
        });
      }),
    );
  });

  it('brings every client of a room to the current stats, across A→B→A and snapshots in between', () => {
    fc.assert(
      roomModel(fc.array(areaStats('330106001'), { minLength: 3, maxLength: 3 }), diffAreaStats, applyAreaPatch),
      { numRuns: 500 },
    );
  });

  it('A→B→A with a client that joined at B: a diff against the last broadcast alone would leave it at B', () => {
    const a = { code: 'x', pressure: 1, events5m: { device: 1, case: 0, opinion: 0 } };
    const b = { ...a, pressure: 2 };
    expect(diffObject(a, [a])).toBeUndefined();
    const p = diffObject(a, [a, b])!;
    expect(p).toEqual({ pressure: 1 });
  });

  it('refuses a patch that does not fit what the client holds', () => {
    const held = { code: 'x', pressure: 1, devices: { total: 1 } };
    expect(() => applyAreaPatch(held as never, { code: 'y', pressure: 2 } as never)).toThrow(FramePatchError);
    expect(() => applyAreaPatch(held as never, { code: 'x', nosuch: 2 } as never)).toThrow(/nosuch: no such field/);
    expect(() => applyAreaPatch(held as never, { code: 'x', pressure: { a: 1 } } as never)).toThrow(
      /pressure: patches a field that is not an object/,
    );
    expect(() => applyAreaPatch(held as never, { code: 'x', devices: 3 } as never)).toThrow(
      /devices: replaces an object/,
    );
    expect(() => applyAreaPatch(held as never, JSON.parse('{"code":"x","__proto__":{"pressure":9}}') as never)).toThrow(
      FramePatchError,
    );
  });
});

describe('series tails', () => {
  it('apply(diff(b, [a]), a) equals b for any two windows, moved or not', () => {
    fc.assert(
      fc.property(eventSeries, eventSeries, (a, b) => {
        const p = diffEventSeries(b, [a]);
        expect(p === undefined ? a : applyEventSeries(a, p)).toEqual(b);
      }),
      { numRuns: 1000 },
    );
  });

  it('sends the tail from the first changed bucket, with the window start', () => {
    const counts = Array.from({ length: 60 }, (_, i) => ({ device: i, case: 0, opinion: 0 }));
    const a: EventSeries = { start: 0, stepMs: STEP, counts };
    // Same window, last minute grew.
    const grown = { ...a, counts: [...counts.slice(0, 59), { device: 100, case: 0, opinion: 0 }] };
    expect(diffEventSeries(grown, [a])).toEqual({
      start: 0,
      stepMs: STEP,
      from: 59,
      points: [{ device: 100, case: 0, opinion: 0 }],
    });
    // The window moved one minute: the old 59 buckets are kept, the new one comes.
    const moved = { start: STEP, stepMs: STEP, counts: [...counts.slice(1), { device: 0, case: 0, opinion: 0 }] };
    expect(diffEventSeries(moved, [a])).toEqual({
      start: STEP,
      stepMs: STEP,
      from: 59,
      points: [{ device: 0, case: 0, opinion: 0 }],
    });
    expect(diffEventSeries(a, [a])).toBeUndefined();
  });

  it('brings every client of a room to the current series', () => {
    fc.assert(roomModel(fc.array(eventSeries, { minLength: 3, maxLength: 3 }), diffEventSeries, applyEventSeries), {
      numRuns: 500,
    });
  });

  it('refuses a tail that does not follow the held window', () => {
    const a: EventSeries = { start: 5 * STEP, stepMs: STEP, counts: [{ device: 1, case: 0, opinion: 0 }] };
    expect(() => applyEventSeries(a, { start: 4 * STEP, stepMs: STEP, from: 1, points: [] })).toThrow(FramePatchError);
    expect(() => applyEventSeries(a, { start: 5 * STEP, stepMs: STEP, from: 2, points: [] })).toThrow(
      /keeps 2 buckets/,
    );
    expect(applyEventSeries(a, { start: 0, stepMs: 1, from: 0, points: [] })).toEqual({
      start: 0,
      stepMs: 1,
      counts: [],
    });
  });
});

describe('insights patches', () => {
  it('apply(diff(b, [a]), a) equals b, and every client of a room ends at the current insights', () => {
    fc.assert(
      fc.property(insights, insights, (a, b) => {
        const p = diffInsights(b, [a]);
        expect(p === undefined ? a : applyInsights(a, p)).toEqual(b);
      }),
      { numRuns: 500 },
    );
    fc.assert(roomModel(fc.array(insights, { minLength: 3, maxLength: 3 }), diffInsights, applyInsights), {
      numRuns: 300,
    });
  });

  it('refuses an unknown part', () => {
    expect(() => applyInsights({} as ScopeInsights, { weather: [] } as never)).toThrow(/insights.weather/);
  });
});

describe('applyScopeChanges', () => {
  it('patches summary and areas, upserts devices and cases, drops removed cases', () => {
    const base = fc.sample(areaStats('330106001001001'), 1)[0]!;
    const summary = fc.sample(areaStats('*'), 1)[0]!;
    const device = {
      id: 'd1',
      ix: 0,
      type: 'smoke' as const,
      grid: base.code,
      lon: 0,
      lat: 0,
      status: 'online' as const,
      lastSeen: 1,
    };
    const state: ScopeState = {
      summary,
      areas: [base],
      devices: [device],
      cases: [],
      series: { start: 0, stepMs: STEP, counts: [] },
      insights: fc.sample(insights, 1)[0]!,
    };
    const next = applyScopeChanges(state, {
      summary: { code: '*', pressure: 77 },
      areas: [{ code: base.code, events5m: { device: 9 } }],
      devices: [{ ...device, status: 'fault' }],
    });
    expect(next.summary).toEqual({ ...summary, pressure: 77 });
    expect(next.areas[0]!.events5m.device).toBe(9);
    expect(next.devices).toEqual([{ ...device, status: 'fault' }]);
    expect(state.summary.pressure).toBe(summary.pressure);
    expect(() => applyScopeChanges(state, { areas: [{ code: 'nope' }] })).toThrow(/area nope is not in the snapshot/);
  });
});
