import { describe, expect, it } from 'vitest';
import { inScope, type AreaStats, type DeltaFrame, type Layer, type ScopeChanges, type SnapshotFrame } from '../../protocol';
import type { PartitionMap } from './cluster-node';
import { mergeAreaStats, mergeEventSeries, mergeInsights } from './compose';
import { SpanningCoordinator, followKey } from './spanning';

const S1 = '330106007';
const S2 = '330106008';
const CODES = ['330106', S1, S2, `${S1}001`, `${S2}001`, `${S1}001001`, `${S2}001001`];
const partitions: PartitionMap = {
  all: [S1, S2],
  of: (code) => (code.length >= 9 ? code.slice(0, 9) : undefined),
};

/** Stats of `code` with `n` devices online (all else zero). */
function stats(code: string, n: number): AreaStats {
  const s = mergeAreaStats(code, [], 1);
  return { ...s, devices: { total: n, online: n, offline: 0, fault: 0 } };
}

/** A street owner as the coordinator sees it: its epoch, seq and device count, snapshots and deltas. */
class Owner {
  seq = 0;
  devices = 0;
  constructor(
    readonly street: string,
    public epoch: string,
  ) {}
  snapshot(): SnapshotFrame {
    const empty = { start: 0, stepMs: 60_000, counts: [] };
    const insights = mergeInsights([]);
    return {
      scope: this.street,
      epoch: this.epoch,
      seq: this.seq,
      time: 0,
      state: { summary: stats(this.street, this.devices), areas: [stats(`${this.street}001`, this.devices)], devices: [], cases: [], series: empty, insights },
    };
  }
  delta(devices: number): DeltaFrame {
    this.devices = devices;
    this.seq++;
    const changes: ScopeChanges = { summary: stats(this.street, devices), areas: [stats(`${this.street}001`, devices)] };
    return { scope: this.street, epoch: this.epoch, seq: this.seq, time: 0, changes };
  }
}

function rig() {
  const owners = new Map([
    [S1, { node: 'a', owner: new Owner(S1, 'a1') }],
    [S2, { node: 'b', owner: new Owner(S2, 'b1') }],
  ]);
  const sent: { key: string; frame: DeltaFrame }[] = [];
  const opened: string[] = [];
  const coordinator = new SpanningCoordinator({
    partitions,
    codesWithin: (scope) => CODES.filter((c) => c !== scope && inScope(c, scope)),
    coordinates: () => true,
    ownerOf: (street) => owners.get(street)!.node,
    openStreet: async (street) => {
      opened.push(street);
      return owners.get(street)!.owner.snapshot();
    },
    send: (key, frame) => sent.push({ key, frame }),
    baseEpoch: 'c',
    now: () => 0,
  });
  const frame = (street: string, devices: number) => {
    const o = owners.get(street)!.owner;
    coordinator.onStreetFrame(followKey(street, 'base'), o.delta(devices));
  };
  return { owners, sent, opened, coordinator, frame };
}

const FIGURES: Layer[] = ['areas', 'series', 'insights'];
const flushed = () => new Promise((r) => setTimeout(r, 0));

describe('SpanningCoordinator', () => {
  it('composes `*` from both streets and sends deltas in seq order under its own epoch', async () => {
    const { coordinator, frame, sent } = rig();
    const { snapshot } = await coordinator.open('*', FIGURES, false);
    expect(snapshot.state.summary.devices.total).toBe(0);
    // Every area the owners sent (these fake owners send their community, not its grids) and the district.
    expect(snapshot.state.areas.map((a) => a.code).sort()).toEqual(['330106', S1, S2, `${S1}001`, `${S2}001`].sort());
    frame(S1, 3);
    frame(S2, 4);
    coordinator.flush();
    frame(S1, 5);
    coordinator.flush();
    expect(sent.map((s) => [s.frame.epoch, s.frame.seq, s.frame.changes.summary?.devices?.total])).toEqual([
      [snapshot.epoch, 1, 7],
      [snapshot.epoch, 2, 9],
    ]);
    // The district area (spanning too) is composed; the street's own stats come from its owner.
    const areas = new Map(sent[0]!.frame.changes.areas!.map((a) => [a.code, a.devices?.total]));
    expect(areas.get('330106')).toBe(7);
    expect(areas.get(S1)).toBe(3);
    expect(areas.get(`${S2}001`)).toBe(4);
    expect(mergeEventSeries([]).counts).toEqual([]);
  });

  it('a gap in a street’s frames: new epoch to every spanning room, the street reopened, figures right again', async () => {
    const { coordinator, frame, sent, owners, opened } = rig();
    const { snapshot } = await coordinator.open('*', FIGURES, false);
    frame(S1, 3);
    coordinator.flush();
    const o = owners.get(S1)!.owner;
    o.delta(6); // lost on the way
    frame(S1, 8);
    await flushed();
    coordinator.flush();
    const last = sent.at(-1)!.frame;
    expect(last.epoch).not.toBe(snapshot.epoch);
    expect(last.seq).toBe(1);
    expect(opened.filter((s) => s === S1)).toHaveLength(2);
    const again = await coordinator.open('*', FIGURES, false);
    expect(again.snapshot.epoch).toBe(last.epoch);
    expect(again.snapshot.state.summary.devices.total).toBe(8);
  });

  it('a street that changed owner: new epoch even before any frame of the new owner arrives', async () => {
    const { coordinator, frame, sent, owners } = rig();
    const { snapshot } = await coordinator.open('*', FIGURES, false);
    frame(S2, 2);
    coordinator.flush();
    owners.set(S2, { node: 'a', owner: Object.assign(new Owner(S2, 'a1'), { devices: 2 }) });
    coordinator.flush();
    await flushed();
    coordinator.flush();
    expect(sent.at(-1)!.frame.epoch).not.toBe(snapshot.epoch);
    // The clients resync on the new epoch; what they get is composed from the new owner's part.
    const again = await coordinator.open('*', FIGURES, false);
    expect(again.snapshot.epoch).toBe(sent.at(-1)!.frame.epoch);
    expect(again.snapshot.state.summary.devices.total).toBe(2);
  });

  it('holds a street’s deltas that arrive before its snapshot, and ignores frames of a room it does not follow', async () => {
    const { coordinator, owners, sent, opened } = rig();
    const o = owners.get(S1)!.owner;
    // The snapshot is cut (seq 0) when the open is asked; the owner's next delta (seq 1) arrives before the answer.
    const opening = coordinator.open('*', FIGURES, false);
    const early = o.delta(4);
    coordinator.onStreetFrame(followKey(S1, 'base'), early);
    coordinator.onStreetFrame(followKey(S1, 'full'), { ...early, seq: 7 });
    const { snapshot } = await opening;
    expect(snapshot.state.summary.devices.total).toBe(4);
    coordinator.flush();
    // The room's clients hold the snapshot, which has the early delta in it: nothing to send for it.
    expect(sent).toEqual([]);
    coordinator.onStreetFrame(followKey(S1, 'base'), o.delta(6));
    coordinator.flush();
    expect(sent.map((s) => [s.frame.epoch, s.frame.seq, s.frame.changes.summary?.devices?.total])).toEqual([[snapshot.epoch, 1, 6]]);
    expect(opened).toEqual([S1, S2]);
  });
});
