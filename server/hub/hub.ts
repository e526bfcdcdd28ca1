import {
  ROOT_SCOPE,
  inScope,
  type AreaStats,
  type CaseView,
  type DeltaFrame,
  type Layer,
  type ScopeChanges,
  type SnapshotFrame,
} from '../../protocol';
import type { AggregateChanges, Aggregator } from '../aggregate/aggregator';
import { maskText } from '../auth/masking';
import type { Clock } from '../pipeline/clock';
import type { GridPulseNamespace } from './types';

interface Room {
  key: string;
  scope: string;
  layers: ReadonlySet<Layer>;
  /** Personal data masked (wall clients, DESIGN §3.6). */
  masked: boolean;
  /** Seq of the last delta sent to this room. */
  seq: number;
}

export interface HubDeps {
  /** The namespace whose rooms the hub sends to (`io.of('/')` live, `/demo` for a demo world). */
  io: GridPulseNamespace;
  aggregator: Aggregator;
  clock: Clock;
  epoch: string;
  /** Called at the start of every tick, before changes are collected (e.g. flush the event log). */
  beforeTick?: () => void;
  /** Called for every delta frame sent, with its room (metrics; a cluster's coordinator follows street rooms). */
  onFrame?: (frame: DeltaFrame, key: string) => void;
  /**
   * Bytes a socket may have waiting to be written before it is skipped (DESIGN §5: conflation; default 1 MiB).
   * A skipped client sees a seq gap on its next frame and takes a fresh snapshot: the newest state wins.
   */
  maxPendingBytes?: number;
  /** Called with the number of sockets skipped as slow in a tick (metrics). */
  onSlow?: (skipped: number) => void;
  /** Send to this node's sockets only (a demo world: each node replays its own presenter's session). */
  localOnly?: boolean;
  /**
   * In a cluster: whether this node sends the frames of a scope (it owns the scope's partition). Rooms are
   * shared by every node through the adapter, so exactly one node may send each room's frames. Default: all.
   */
  owns?: (scope: string) => boolean;
  /**
   * In a cluster, room membership spans nodes: how many sockets (on any node) are in a room. When given,
   * `prune()` leaves rooms alone and `pruneShared()` asks this instead.
   */
  roomSize?: (key: string) => Promise<number>;
}

/** Room of sockets too far behind to be sent deltas (their frames are conflated into the next snapshot). */
export const SLOW_ROOM = 'hub:slow';
const DEFAULT_MAX_PENDING_BYTES = 1024 * 1024;

/** What engine.io and the kernel hold for a socket, not yet written: its packet buffer and the WebSocket's. */
function pendingBytes(socket: { conn: unknown }): number {
  const conn = socket.conn as { writeBuffer?: { data?: unknown }[]; transport?: { socket?: { bufferedAmount?: number } } };
  let bytes = conn.transport?.socket?.bufferedAmount ?? 0;
  for (const packet of conn.writeBuffer ?? []) {
    const d = packet.data;
    bytes += typeof d === 'string' ? d.length : d instanceof Uint8Array ? d.byteLength : 0;
  }
  return bytes;
}

/** Room key for a (scope, layers, masking) subscription: clients that see the same thing share one frame. */
export function roomKey(scope: string, layers: Iterable<Layer>, masked = false): string {
  return `scope:${scope}|${[...new Set(layers)].sort().join(',')}${masked ? '|masked' : ''}`;
}

/** A case as a wall may show it: free text loses phone and ID numbers. */
function maskCase(view: CaseView): CaseView {
  return view.title === undefined ? view : { ...view, title: maskText(view.title) };
}

/**
 * The hub batches what changed into one delta frame per subscribed (scope, layers) per tick
 * (DESIGN §2, §5): snapshot on subscribe, then deltas with consecutive seq within an epoch.
 */
export class Hub {
  private readonly rooms = new Map<string, Room>();
  /**
   * The grid of every case a client may hold (every case view the hub sent), so a removal goes only to the
   * scopes that contain it (a leader never learns of another community's case ids). Entries leave on removal.
   */
  private readonly caseGrids = new Map<string, string>();

  constructor(private readonly deps: HubDeps) {}

  get epoch(): string {
    return this.deps.epoch;
  }

  /** Registers (or finds) the room for a subscription and returns its key and a snapshot aligned with it. */
  open(scope: string, layers: readonly Layer[], masked = false): { key: string; snapshot: SnapshotFrame } {
    const key = roomKey(scope, layers, masked);
    let room = this.rooms.get(key);
    if (!room) {
      room = { key, scope, layers: new Set(layers), masked, seq: 0 };
      this.rooms.set(key, room);
    }
    return { key, snapshot: this.snapshot(room) };
  }

  /** The room key a subscription gets (the same on every node). */
  keyOf(scope: string, layers: readonly Layer[], masked: boolean): string {
    return roomKey(scope, layers, masked);
  }

  /** Forgets rooms nobody is in any more. */
  prune(): void {
    if (this.deps.roomSize) return;
    for (const key of this.rooms.keys()) {
      if ((this.deps.io.adapter.rooms.get(key)?.size ?? 0) === 0) this.rooms.delete(key);
    }
  }

  /** In a cluster: forgets rooms no socket on any node is in (run every few seconds, not per disconnect). */
  async pruneShared(): Promise<void> {
    const size = this.deps.roomSize;
    if (!size) return;
    for (const key of [...this.rooms.keys()]) if ((await size(key)) === 0) this.rooms.delete(key);
  }

  /** One tick: bring the aggregates to the clock, collect changes, send one delta per room that has any. */
  tick(): number {
    const { aggregator, clock } = this.deps;
    this.deps.beforeTick?.();
    // Every node marks its own slow sockets, also when it sends nothing itself (a cluster's other nodes do).
    this.markSlowSockets();
    const now = clock.now();
    aggregator.advance(now);
    const changes = aggregator.takeChanges();
    const quiet =
      changes.areas.size === 0 && changes.series.size === 0 && changes.insights.size === 0 && changes.devices.length === 0;
    if (quiet && changes.cases.length === 0 && changes.removedCases.length === 0) {
      return 0;
    }
    let sent = 0;
    // Rooms overlap (a wall on `*`, leaders on their communities): compute each area's stats once per tick.
    const stats = new Map<string, AreaStats>();
    const statsOf = (code: string): AreaStats => {
      let s = stats.get(code);
      if (!s) stats.set(code, (s = aggregator.stats(code)!));
      return s;
    };
    const removedCases = changes.removedCases.flatMap((id) => {
      const grid = this.caseGrids.get(id);
      return grid === undefined ? [] : [{ id, grid }];
    });
    for (const room of this.rooms.values()) {
      if (this.deps.owns && !this.deps.owns(room.scope)) continue;
      const delta = this.changesFor(room, changes, statsOf, removedCases);
      if (!delta) continue;
      room.seq++;
      const frame: DeltaFrame = { scope: room.scope, epoch: this.deps.epoch, seq: room.seq, time: now, changes: delta };
      (this.deps.localOnly ? this.deps.io.local : this.deps.io).to(room.key).except(SLOW_ROOM).emit('scope:changed', frame);
      this.deps.onFrame?.(frame, room.key);
      sent++;
    }
    for (const { id } of removedCases) this.caseGrids.delete(id);
    return sent;
  }

  /**
   * Conflation for slow clients: a socket with more than `maxPendingBytes` unwritten joins SLOW_ROOM and gets
   * no deltas; once its buffers have drained it leaves, and its next frame's seq gap makes it resync. No
   * per-client buffer grows without bound (DESIGN §5).
   */
  private markSlowSockets(): void {
    const cap = this.deps.maxPendingBytes ?? DEFAULT_MAX_PENDING_BYTES;
    let slow = 0;
    for (const socket of this.deps.io.sockets.values()) {
      const pending = pendingBytes(socket);
      if (socket.rooms.has(SLOW_ROOM)) {
        if (pending === 0) void socket.leave(SLOW_ROOM);
        else slow++;
      } else if (pending > cap) {
        void socket.join(SLOW_ROOM);
        slow++;
      }
    }
    if (slow > 0) this.deps.onSlow?.(slow);
  }

  private snapshot(room: Room): SnapshotFrame {
    const { aggregator, clock } = this.deps;
    const now = clock.now();
    aggregator.advance(now);
    const { scope, layers } = room;
    const summary = aggregator.stats(scope)!;
    const areas = layers.has('areas')
      ? aggregator.registry.codesWithin(scope).map((code) => aggregator.stats(code)!)
      : [];
    const devices = layers.has('devices') ? aggregator.deviceViews(scope) : [];
    const cases = layers.has('cases') ? this.sentCases(aggregator.cases.views(scope), room.masked) : [];
    const series = aggregator.series(scope)!;
    const insights = aggregator.insights(scope)!;
    return { scope, epoch: this.deps.epoch, seq: room.seq, time: now, state: { summary, areas, devices, cases, series, insights } };
  }

  private sentCases(views: CaseView[], masked: boolean): CaseView[] {
    for (const v of views) this.caseGrids.set(v.id, v.grid);
    return masked ? views.map(maskCase) : views;
  }

  private changesFor(
    room: Room,
    changes: AggregateChanges,
    statsOf: (code: string) => AreaStats,
    removedCases: readonly { id: string; grid: string }[],
  ): ScopeChanges | undefined {
    const { aggregator } = this.deps;
    const { scope, layers } = room;
    const out: ScopeChanges = {};
    let any = false;
    if (changes.areas.has(scope)) {
      out.summary = statsOf(scope);
      any = true;
    }
    if (layers.has('areas')) {
      const areas = [];
      for (const code of changes.areas) {
        if (code !== scope && code !== ROOT_SCOPE && inScope(code, scope)) areas.push(statsOf(code));
      }
      if (areas.length > 0) {
        out.areas = areas;
        any = true;
      }
    }
    if (layers.has('devices') && changes.devices.length > 0) {
      const devices = [];
      for (const id of changes.devices) {
        const d = aggregator.devices.get(id);
        if (d && inScope(d.grid, scope)) devices.push(aggregator.devices.view(d));
      }
      if (devices.length > 0) {
        out.devices = devices;
        any = true;
      }
    }
    if (layers.has('cases') && (changes.cases.length > 0 || removedCases.length > 0)) {
      let cases = [];
      const removed = [];
      for (const id of changes.cases) {
        const view = aggregator.cases.view(id);
        if (view && inScope(view.grid, scope)) cases.push(view);
      }
      cases = this.sentCases(cases, room.masked);
      for (const r of removedCases) if (inScope(r.grid, scope)) removed.push(r.id);
      if (cases.length > 0) out.cases = cases;
      if (removed.length > 0) out.removedCases = removed;
      any ||= cases.length > 0 || removed.length > 0;
    }
    if (layers.has('series') && changes.series.has(scope)) {
      out.series = aggregator.series(scope)!;
      any = true;
    }
    if (layers.has('insights') && changes.insights.has(scope)) {
      out.insights = aggregator.insights(scope)!;
      any = true;
    }
    return any ? out : undefined;
  }
}
