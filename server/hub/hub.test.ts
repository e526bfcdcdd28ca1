import { Server } from 'socket.io';
import { describe, expect, it } from 'vitest';
import { applyScopeChanges, type DeltaFrame, type IngestEvent, type Layer, type ScopeState } from '../../protocol';
import { Aggregator } from '../aggregate/aggregator';
import { ManualClock } from '../pipeline/clock';
import { Hub } from './hub';
import type { GridPulseServer } from './types';

const STREET = '330106007';
const A = '330106007001';
const GRID_A1 = '330106007001001';
const GRID_A2 = '330106007001002';
const B = '330106007002';
const GRID_B1 = '330106007002001';
const CODES = [STREET, A, B, GRID_A1, GRID_A2, GRID_B1];
const NOW = 1_800_000_000_000;
const WALL: Layer[] = ['areas', 'series', 'insights'];

let n = 0;
function telemetry(deviceId: string, time: number, fault?: boolean): IngestEvent {
  return {
    v: 1,
    kind: 'device.telemetry',
    id: `t${++n}`,
    source: 't',
    time,
    deviceId,
    deviceType: 'smoke',
    metrics: {},
    fault,
  };
}

/** A hub on a real socket.io namespace (no HTTP server, no sockets); frames are read from `onFrame`, clients modelled. */
function rig(areasEveryTicks = 1, owns?: (scope: string) => boolean) {
  const io: GridPulseServer = new Server();
  const clock = new ManualClock(NOW);
  const aggregator = new Aggregator({ areaCodes: CODES });
  aggregator.advance(NOW);
  const frames: DeltaFrame[] = [];
  const hub = new Hub({
    io: io.of('/'),
    aggregator,
    clock,
    epoch: 'e1',
    areasEveryTicks,
    owns,
    onFrame: (f) => frames.push(f),
  });
  /** A client: a snapshot, then every frame of its room applied in order. */
  const client = (scope: string, layers: Layer[]) => {
    const { snapshot } = hub.open(scope, layers);
    let state: ScopeState = snapshot.state;
    let seq = snapshot.seq;
    return {
      follow(): ScopeState {
        for (const f of frames) {
          if (f.scope !== scope || f.seq <= seq) continue;
          expect(f.seq).toBe(seq + 1);
          state = applyScopeChanges(state, f.changes);
          seq = f.seq;
        }
        return state;
      },
    };
  };
  const fresh = (scope: string) => ({
    summary: aggregator.stats(scope)!,
    areas: aggregator.registry.codesWithin(scope).map((c) => aggregator.stats(c)!),
  });
  const tick = () => {
    clock.advance(250);
    return hub.tick();
  };
  return { io, clock, aggregator, hub, frames, client, fresh, tick };
}

describe('Hub field-level deltas', () => {
  it('brings a client that joined at B back to A (A→B→A), though A equals the last value sent to the room', () => {
    const r = rig();
    r.aggregator.apply(telemetry('s1', NOW - 100), GRID_A1);
    const early = r.client('*', WALL);
    r.tick();
    // B: the detector reports a fault; a second wall subscribes and holds it.
    r.aggregator.apply(telemetry('s1', NOW + 100, true), GRID_A1);
    const late = r.client('*', WALL);
    expect(r.fresh('*').summary.devices.fault).toBe(1);
    // A again before the next tick: the room's last frame said fault 0, yet the late wall holds 1.
    r.aggregator.apply(telemetry('s1', NOW + 200, false), GRID_A1);
    r.tick();
    for (const c of [early, late]) {
      const s = c.follow();
      expect(s.summary).toEqual(r.fresh('*').summary);
      expect(s.areas).toEqual(r.fresh('*').areas);
    }
    expect(r.frames.at(-1)!.changes.summary).toMatchObject({ devices: { fault: 0 } });
  });

  it('sends the per-area stats every N ticks, with every change in between, and the summary every tick', () => {
    const r = rig(4);
    const wall = r.client('*', WALL);
    r.aggregator.apply(telemetry('s1', NOW), GRID_A1); // changes only at the first tick
    r.tick();
    expect(r.frames.at(-1)!.changes.summary).toBeDefined();
    expect(r.frames.at(-1)!.changes.areas).toBeUndefined();
    r.aggregator.apply(telemetry('s2', NOW + 300), GRID_B1);
    r.tick();
    expect(r.frames.at(-1)!.changes.areas).toBeUndefined();
    r.tick();
    r.tick();
    const areas = r.frames
      .at(-1)!
      .changes.areas!.map((a) => a.code)
      .sort();
    expect(areas).toEqual([STREET, A, B, GRID_A1, GRID_B1].sort());
    expect(wall.follow().areas).toEqual(r.fresh('*').areas);
    const before = r.frames.length;
    r.aggregator.apply(telemetry('s3', NOW + 1300), GRID_A2);
    r.tick();
    expect(r.frames.length).toBe(before + 1);
    expect(r.frames.at(-1)!.changes.areas).toBeUndefined();
  });

  it('diffs an area once for rooms in step (one patch object) and builds each device view once', () => {
    const r = rig();
    const wall = r.client('*', WALL);
    const leader = r.client(A, ['areas', 'devices']);
    const street = r.client(STREET, ['areas', 'devices']);
    r.aggregator.apply(telemetry('s0', NOW - 100), GRID_A1);
    r.tick(); // after this send the three rooms hold the same stats objects
    r.aggregator.apply(telemetry('s1', NOW - 100), GRID_A1);
    r.aggregator.apply(telemetry('s2', NOW - 100), GRID_B1);
    const from = r.frames.length;
    r.tick();
    const byScope = new Map(r.frames.slice(from).map((f) => [f.scope, f.changes]));
    const grid = (scope: string) => byScope.get(scope)!.areas!.find((a) => a.code === GRID_A1)!;
    expect(grid('*')).toBe(grid(A));
    expect(grid(STREET)).toBe(grid(A));
    const dev = (scope: string) => byScope.get(scope)!.devices!.find((d) => d.id === 's1')!;
    expect(dev(A)).toBe(dev(STREET));
    expect(byScope.get(A)!.devices!.map((d) => d.id)).toEqual(['s1']);
    expect(
      byScope
        .get(STREET)!
        .devices!.map((d) => d.id)
        .sort(),
    ).toEqual(['s1', 's2']);
    for (const [c, scope] of [
      [wall, '*'],
      [leader, A],
      [street, STREET],
    ] as const)
      expect(c.follow().summary).toEqual(r.fresh(scope).summary);
  });

  it('sends nothing when nothing changed, and the event series as a short tail', () => {
    const r = rig();
    r.client('*', WALL);
    expect(r.tick()).toBe(0);
    r.aggregator.apply(telemetry('s1', NOW + 250), GRID_A1);
    r.tick();
    const series = r.frames.at(-1)!.changes.series!;
    expect(series.points).toHaveLength(1);
    expect(series.from).toBe(59);
  });

  it('a cluster node that did not own the scope for a while diffs everything once it does again', () => {
    let owner = true;
    const r = rig(2, () => owner);
    const wall = r.client('*', WALL);
    r.aggregator.apply(telemetry('s1', NOW), GRID_A1);
    r.tick();
    r.tick();
    owner = false;
    r.aggregator.apply(telemetry('s2', NOW + 300, true), GRID_B1);
    r.tick();
    r.tick();
    expect(r.frames.filter((f) => f.time > NOW + 500)).toEqual([]);
    owner = true;
    r.tick();
    r.tick();
    expect(wall.follow().summary).toEqual(r.fresh('*').summary);
    expect(wall.follow().areas).toEqual(r.fresh('*').areas);
  });
});
