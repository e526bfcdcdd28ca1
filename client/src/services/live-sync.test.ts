import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AckResult, AreaStats, CaseView, DeltaFrame, ServerStatus, SnapshotFrame } from '../../../protocol';
import { useAreasStore } from '../stores/areas';
import { useCasesStore } from '../stores/cases';
import { useConnectionStore } from '../stores/connection';
import { useDevicesStore } from '../stores/devices';
import { useInsightsStore } from '../stores/insights';
import { useSeriesStore } from '../stores/series';
import { areaStats, emptyInsights, snapshotFrame } from '../test-support/frame-fixtures';
import { startLiveSync, type LiveTransport } from './live-sync';

const GRID = '330106001001001';

function stats(code: string, device: number): AreaStats {
  return areaStats(code, { device }, { total: 1, online: 1 });
}

function snapshot(epoch: string, seq: number, gridEvents = 1): SnapshotFrame {
  return {
    ...snapshotFrame(epoch, seq, {
      summary: stats('*', gridEvents),
      areas: [stats(GRID, gridEvents)],
      devices: [{ id: 'd1', ix: 0, type: 'smoke', grid: GRID, lon: 120, lat: 30, status: 'online', lastSeen: 1 }],
    }),
    time: 1_000,
  };
}

/** A delta whose only change is the grid's device events (a field-level patch, as the hub sends it). */
function delta(epoch: string, seq: number, gridEvents: number): DeltaFrame {
  return { scope: '*', epoch, seq, time: 2_000, changes: { areas: [{ code: GRID, events5m: { device: gridEvents } }] } };
}

/** A scripted transport: the test plays the server. */
function fakeTransport() {
  const handlers = {
    connect: [] as (() => void)[],
    disconnect: [] as ((r: string) => void)[],
    error: [] as ((m: string) => void)[],
    status: [] as ((s: ServerStatus) => void)[],
    delta: [] as ((f: DeltaFrame) => void)[],
  };
  const pending: ((ack: AckResult<SnapshotFrame>) => void)[] = [];
  const add = <T>(list: T[], fn: T) => {
    list.push(fn);
    return () => list.splice(list.indexOf(fn), 1);
  };
  const transport: LiveTransport = {
    onConnect: (fn) => add(handlers.connect, fn),
    onDisconnect: (fn) => add(handlers.disconnect, fn),
    onConnectError: (fn) => add(handlers.error, fn),
    onStatus: (fn) => add(handlers.status, fn),
    onDelta: (fn) => add(handlers.delta, fn),
    subscribe: () => new Promise((resolve) => pending.push(resolve)),
    connect: () => {},
    close: () => {},
  };
  return {
    transport,
    pending,
    connect: () => handlers.connect.forEach((h) => h()),
    disconnect: () => handlers.disconnect.forEach((h) => h('transport close')),
    connectError: () => handlers.error.forEach((h) => h('xhr poll error')),
    status: (s: ServerStatus) => handlers.status.forEach((h) => h(s)),
    delta: (f: DeltaFrame) => handlers.delta.forEach((h) => h(f)),
    /** Answer the oldest outstanding subscribe. */
    async ack(frame: SnapshotFrame) {
      pending.shift()?.({ ok: true, data: frame });
      await Promise.resolve();
      await Promise.resolve();
    },
  };
}

describe('live sync', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  function setup() {
    const wire = fakeTransport();
    const stores = {
      connection: useConnectionStore(),
      areas: useAreasStore(),
      devices: useDevicesStore(),
      series: useSeriesStore(),
      insights: useInsightsStore(),
    };
    let clock = 10_000;
    const sync = startLiveSync({ transport: wire.transport, stores, now: () => clock });
    return { wire, stores, sync, advance: (ms: number) => (clock += ms) };
  }

  it('goes live on the snapshot and applies in-order deltas', async () => {
    const { wire, stores } = setup();
    expect(stores.connection.phase).toBe('connecting');
    wire.connect();
    expect(wire.pending).toHaveLength(1);
    await wire.ack(snapshot('e1', 5));
    expect(stores.connection.phase).toBe('live');
    expect(stores.devices.list).toHaveLength(1);
    wire.delta(delta('e1', 6, 7));
    expect(stores.areas.byCode.get(GRID)?.events5m.device).toBe(7);
  });

  it('shows resyncing on a gap, applies nothing past it, and recovers from a fresh snapshot', async () => {
    const { wire, stores } = setup();
    wire.connect();
    await wire.ack(snapshot('e1', 5));
    wire.delta(delta('e1', 8, 99));
    expect(stores.connection.phase).toBe('resyncing');
    expect(stores.areas.byCode.get(GRID)?.events5m.device).toBe(1);
    expect(wire.pending).toHaveLength(1);
    wire.delta(delta('e1', 9, 100));
    expect(stores.areas.byCode.get(GRID)?.events5m.device).toBe(1);
    await wire.ack(snapshot('e1', 9, 100));
    expect(stores.connection.phase).toBe('live');
    expect(stores.areas.byCode.get(GRID)?.events5m.device).toBe(100);
  });

  it('resyncs on a new epoch, from a delta or from a status', async () => {
    const { wire, stores } = setup();
    wire.connect();
    await wire.ack(snapshot('e1', 5));
    wire.delta(delta('e2', 6, 3));
    expect(stores.connection.phase).toBe('resyncing');
    await wire.ack(snapshot('e2', 0));
    expect(stores.connection.phase).toBe('live');
    wire.status({ mode: 'live', simulated: true, epoch: 'e3', clockTime: 0, districtName: 'x' });
    expect(stores.connection.phase).toBe('resyncing');
  });

  it('takes a fresh snapshot on every reconnect', async () => {
    const { wire, stores } = setup();
    wire.connect();
    await wire.ack(snapshot('e1', 5));
    wire.disconnect();
    expect(stores.connection.phase).toBe('reconnecting');
    wire.delta(delta('e1', 6, 50));
    expect(stores.areas.byCode.get(GRID)?.events5m.device).toBe(1);
    wire.connect();
    expect(stores.connection.phase).toBe('resyncing');
    await wire.ack(snapshot('e1', 20, 4));
    expect(stores.connection.phase).toBe('live');
    wire.delta(delta('e1', 21, 5));
    expect(stores.areas.byCode.get(GRID)?.events5m.device).toBe(5);
  });

  it('ignores a superseded snapshot', async () => {
    const { wire, stores } = setup();
    wire.connect();
    wire.disconnect();
    wire.connect();
    expect(wire.pending).toHaveLength(2);
    await wire.ack(snapshot('e1', 5, 11));
    expect(stores.areas.summary).toBeNull();
    await wire.ack(snapshot('e1', 6, 12));
    expect(stores.areas.byCode.get(GRID)?.events5m.device).toBe(12);
  });

  it('marks data stale when frames stop, and offline after repeated connect failures', async () => {
    const { wire, stores, advance } = setup();
    wire.connect();
    await wire.ack(snapshot('e1', 5));
    expect(stores.connection.stale).toBe(false);
    advance(6_000);
    vi.advanceTimersByTime(1_000);
    expect(stores.connection.stale).toBe(true);
    wire.delta(delta('e1', 6, 2));
    expect(stores.connection.stale).toBe(false);
    wire.disconnect();
    wire.connectError();
    wire.connectError();
    wire.connectError();
    expect(stores.connection.phase).toBe('offline');
  });

  it('retries a refused subscribe', async () => {
    const { wire, stores } = setup();
    wire.connect();
    wire.pending.shift()?.({ ok: false, error: { code: 'internal', message: 'boom' } });
    await Promise.resolve();
    expect(stores.connection.lastError).toContain('boom');
    vi.advanceTimersByTime(1_000);
    expect(wire.pending).toHaveLength(1);
    await wire.ack(snapshot('e1', 1));
    expect(stores.connection.phase).toBe('live');
  });

  it('subscribes with the insights layer and replaces insights from snapshots and deltas', async () => {
    const { wire, stores } = setup();
    const requested: string[][] = [];
    const subscribe = wire.transport.subscribe;
    wire.transport.subscribe = (req) => {
      requested.push([...(req.layers ?? [])]);
      return subscribe(req);
    };
    wire.connect();
    const topics = (word: string) => ({ ...emptyInsights(), topics: [{ word, weight: 1 }] });
    await wire.ack({ ...snapshot('e1', 5), state: { ...snapshot('e1', 5).state, insights: topics('停车') } });
    expect(requested[0]).toContain('insights');
    expect(stores.insights.insights?.topics[0]?.word).toBe('停车');
    wire.delta({ ...delta('e1', 6, 2), changes: { insights: { topics: topics('噪音').topics } } });
    expect(stores.insights.insights?.topics[0]?.word).toBe('噪音');
    wire.delta(delta('e1', 7, 3));
    expect(stores.insights.insights?.topics[0]?.word).toBe('噪音');
  });

  it('subscribes with the cases layer, resets cases from snapshots and upserts/removes them from deltas', async () => {
    const wire = fakeTransport();
    const stores = {
      connection: useConnectionStore(),
      areas: useAreasStore(),
      devices: useDevicesStore(),
      series: useSeriesStore(),
      insights: useInsightsStore(),
      cases: useCasesStore(),
    };
    const layers: string[][] = [];
    const subscribe = wire.transport.subscribe;
    wire.transport.subscribe = (req) => (layers.push([...(req.layers ?? [])]), subscribe(req));
    startLiveSync({ transport: wire.transport, stores, now: () => 0 });
    const kase = (id: string, state: CaseView['state']): CaseView => ({
      id, status: 'reported', state, category: 'x', channel: 'hotline', urgency: 'normal', grid: GRID,
      lon: 120, lat: 30, reportedAt: 0, deadline: 1, closedAt: null,
    });
    wire.connect();
    await wire.ack({ ...snapshot('e1', 5), state: { ...snapshot('e1', 5).state, cases: [kase('c1', 'open'), kase('c2', 'open')] } });
    expect(layers[0]).toContain('cases');
    expect(stores.cases.list.map((c) => c.id)).toEqual(['c1', 'c2']);
    wire.delta({ ...delta('e1', 6, 2), changes: { cases: [kase('c2', 'overdue'), kase('c3', 'open')], removedCases: ['c1'] } });
    expect(stores.cases.list.map((c) => `${c.id}:${c.state}`)).toEqual(['c2:overdue', 'c3:open']);
    wire.connect();
    await wire.ack(snapshot('e1', 9));
    expect(stores.cases.list).toHaveLength(0);
  });

  it('applies field-level patches: changed fields replaced, the rest kept, series moved by their tail', async () => {
    const { wire, stores } = setup();
    wire.connect();
    const snap = snapshot('e1', 5);
    const minute = 60_000;
    const counts = (n: number) => Array.from({ length: 3 }, (_, i) => ({ device: n + i, case: 0, opinion: 0 }));
    await wire.ack({ ...snap, state: { ...snap.state, series: { start: 0, stepMs: minute, counts: counts(10) } } });
    wire.delta({
      scope: '*', epoch: 'e1', seq: 6, time: 2_000,
      changes: {
        summary: { code: '*', devices: { online: 0, offline: 1 }, live: { binFill: [1, 0, 0, 0, 0] } },
        series: { start: minute, stepMs: minute, from: 1, points: [{ device: 99, case: 1, opinion: 0 }, { device: 7, case: 0, opinion: 0 }] },
      },
    });
    expect(stores.connection.phase).toBe('live');
    expect(stores.areas.summary?.devices).toEqual({ total: 1, online: 0, offline: 1, fault: 0 });
    expect(stores.areas.summary?.live.binFill).toEqual([1, 0, 0, 0, 0]);
    expect(stores.areas.summary?.events5m).toEqual(snap.state.summary.events5m);
    // The window moved one minute: the held minute 1 (11) is kept, minutes 2 and 3 come from the tail.
    expect(stores.series.series).toEqual({
      start: minute, stepMs: minute,
      counts: [{ device: 11, case: 0, opinion: 0 }, { device: 99, case: 1, opinion: 0 }, { device: 7, case: 0, opinion: 0 }],
    });
  });

  it('resyncs instead of guessing when a patch names an area or field it does not hold, and changes no store', async () => {
    const { wire, stores } = setup();
    wire.connect();
    await wire.ack(snapshot('e1', 5));
    const before = stores.areas.summary;
    wire.delta({
      scope: '*', epoch: 'e1', seq: 6, time: 2_000,
      changes: { summary: { code: '*', pressure: 50 }, areas: [{ code: '330106001001999', pressure: 3 }] },
    });
    expect(stores.connection.phase).toBe('resyncing');
    expect(wire.pending).toHaveLength(1);
    expect(stores.areas.summary).toBe(before);
    await wire.ack(snapshot('e1', 6));
    expect(stores.connection.phase).toBe('live');
    wire.delta({ scope: '*', epoch: 'e1', seq: 7, time: 2_000, changes: { summary: { code: '*', nosuch: 1 } as never } });
    expect(stores.connection.phase).toBe('resyncing');
  });
});
