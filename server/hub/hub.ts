import {
  diffAreaStats,
  diffEventSeries,
  diffInsights,
  type AreaStats,
  type CaseView,
  type DeltaFrame,
  type EventSeries,
  type Layer,
  type ScopeChanges,
  type ScopeInsights,
  type SnapshotFrame,
} from '../../protocol';
import type { AggregateChanges, Aggregator } from '../aggregate/aggregator';
import type { Clock } from '../pipeline/clock';
import { TickViews, maskCase } from './tick-views';
import type { GridPulseNamespace } from './types';

/**
 * What a room's clients may hold of one diffed part: each client holds one of these values (the last one sent to
 * the room, or a snapshot given since), so the next delta is diffed against all of them. Empty: no client yet.
 * `null`: not known (too many snapshots in between), the next delta sends the part whole.
 */
type Held<T> = T[] | null;
/** More snapshots than this between two sends of a part and the room's bases are forgotten (sent whole next). */
const MAX_BASES = 4;

function hold<T>(held: Held<T> | undefined, value: T): Held<T> {
  if (held === null) return null;
  if (held === undefined || held.length === 0) return [value];
  if (held.includes(value)) return held;
  return held.length >= MAX_BASES ? null : [...held, value];
}

interface Room {
  key: string;
  scope: string;
  layers: ReadonlySet<Layer>;
  /** Personal data masked (wall clients, DESIGN §3.6). */
  masked: boolean;
  /** Seq of the last delta sent to this room. */
  seq: number;
  summary: Held<AreaStats>;
  /** Per area in scope (layer `areas`). */
  areas: Map<string, Held<AreaStats>>;
  series: Held<EventSeries>;
  insights: Held<ScopeInsights>;
}

export interface HubDeps {
  /** The namespace whose rooms the hub sends to (`io.of('/')` live, `/demo` for a demo world). */
  io: GridPulseNamespace;
  aggregator: Aggregator;
  clock: Clock;
  epoch: string;
  /**
   * Ticks between two sends of the per-area stats (layer `areas`; default 1, every tick): each send diffs every
   * area against what the room holds, so what changed in between is in it. Summary, series, insights, devices and
   * cases go every tick.
   */
  areasEveryTicks?: number;
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
  private ticks = 0;
  private areasSentAt = 0;

  constructor(private readonly deps: HubDeps) {}

  get epoch(): string {
    return this.deps.epoch;
  }

  /** Registers (or finds) the room for a subscription and returns its key and a snapshot aligned with it. */
  open(scope: string, layers: readonly Layer[], masked = false): { key: string; snapshot: SnapshotFrame } {
    const key = roomKey(scope, layers, masked);
    let room = this.rooms.get(key);
    if (!room) {
      room = { key, scope, layers: new Set(layers), masked, seq: 0, summary: [], areas: new Map(), series: [], insights: [] };
      this.rooms.set(key, room);
    }
    const snapshot = this.snapshot(room);
    // The new client holds this snapshot, the room's others what was sent last: the next delta brings both along.
    const { state } = snapshot;
    room.summary = hold(room.summary, state.summary);
    if (room.layers.has('areas')) {
      for (const a of state.areas) room.areas.set(a.code, hold(room.areas.get(a.code), a));
    }
    if (room.layers.has('series')) room.series = hold(room.series, state.series);
    if (room.layers.has('insights')) room.insights = hold(room.insights, state.insights);
    return { key, snapshot };
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
    // Every node marks its own slow sockets, also when it sends nothing itself (a cluster's other nodes do).
    this.markSlowSockets();
    const now = clock.now();
    aggregator.advance(now);
    const changes = aggregator.takeChanges();
    this.ticks++;
    // The areas beat (default once a second) diffs every part of every room against what it holds, dirty or not:
    // the per-area stats sent only then, and a reconciliation of what moves without being marked dirty (topic
    // weights decaying, usual values by hour of week, a cluster node taking a scope back).
    const areasDue = this.ticks - this.areasSentAt >= (this.deps.areasEveryTicks ?? 1);
    const quiet =
      changes.areas.size === 0 && changes.series.size === 0 && changes.insights.size === 0 && changes.devices.length === 0;
    if (quiet && !areasDue && changes.cases.length === 0 && changes.removedCases.length === 0) {
      return 0;
    }
    const removedCases = changes.removedCases.flatMap((id) => {
      const grid = this.caseGrids.get(id);
      return grid === undefined ? [] : [{ id, grid }];
    });
    const tick = new TickParts(aggregator, areasDue, new TickViews(aggregator, changes, this.caseGrids, removedCases));
    let sent = 0;
    for (const room of this.rooms.values()) {
      if (this.deps.owns && !this.deps.owns(room.scope)) continue;
      const delta = this.changesFor(room, changes, tick);
      if (!delta) continue;
      room.seq++;
      const frame: DeltaFrame = { scope: room.scope, epoch: this.deps.epoch, seq: room.seq, time: now, changes: delta };
      (this.deps.localOnly ? this.deps.io.local : this.deps.io).to(room.key).except(SLOW_ROOM).emit('scope:changed', frame);
      this.deps.onFrame?.(frame, room.key);
      sent++;
    }
    if (areasDue) this.areasSentAt = this.ticks;
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

  /** The room's delta for this tick; moves what the room holds to what it is sent. */
  private changesFor(room: Room, changes: AggregateChanges, tick: TickParts): ScopeChanges | undefined {
    const { scope, layers } = room;
    const out: ScopeChanges = {};
    let any = false;
    const all = tick.areasDue;
    if (all || changes.areas.has(scope) || !settled(room.summary)) {
      const stats = tick.stats(scope);
      const p = tick.diff(stats, room.summary, diffAreaStats);
      room.summary = [stats];
      if (p) out.summary = p;
      any ||= p !== undefined;
    }
    if (layers.has('areas') && all) {
      const patches = [];
      for (const code of room.areas.keys()) {
        const stats = tick.stats(code);
        const p = tick.diff(stats, room.areas.get(code) ?? null, diffAreaStats);
        room.areas.set(code, [stats]);
        if (p) patches.push(p);
      }
      if (patches.length > 0) {
        out.areas = patches;
        any = true;
      }
    }
    if (layers.has('devices') && changes.devices.length > 0) {
      const devices = tick.views.devicesIn(scope);
      if (devices.length > 0) {
        out.devices = devices as ScopeChanges['devices'];
        any = true;
      }
    }
    if (layers.has('cases')) {
      const cases = changes.cases.length > 0 ? tick.views.casesIn(scope, room.masked) : [];
      const removed = changes.removedCases.length > 0 ? tick.views.removedIn(scope) : [];
      if (cases.length > 0) out.cases = cases as CaseView[];
      if (removed.length > 0) out.removedCases = removed as string[];
      any ||= cases.length > 0 || removed.length > 0;
    }
    if (layers.has('series') && (all || changes.series.has(scope) || !settled(room.series))) {
      const series = tick.series(scope);
      const p = tick.diff(series, room.series, diffEventSeries);
      room.series = [series];
      if (p) out.series = p;
      any ||= p !== undefined;
    }
    if (layers.has('insights') && (all || changes.insights.has(scope) || !settled(room.insights))) {
      const insights = tick.insights(scope);
      const p = tick.diff(insights, room.insights, diffInsights);
      room.insights = [insights];
      if (p) out.insights = p;
      any ||= p !== undefined;
    }
    return any ? out : undefined;
  }
}

/** All the room's clients hold one known value. */
function settled<T>(held: Held<T>): boolean {
  return held !== null && held.length === 1;
}

/**
 * What one tick computes once for every room: each area's stats, series and insights, and each diff against a
 * base that several rooms hold (rooms in step hold the very same object: the value sent to them last).
 */
class TickParts {
  private readonly statsCache = new Map<string, AreaStats>();
  private readonly seriesCache = new Map<string, EventSeries>();
  private readonly insightsCache = new Map<string, ScopeInsights>();
  private readonly diffs = new Map<object, unknown>();

  constructor(
    private readonly aggregator: Aggregator,
    /** This tick is an areas beat. */
    readonly areasDue: boolean,
    readonly views: TickViews,
  ) {}

  stats(code: string): AreaStats {
    let s = this.statsCache.get(code);
    if (!s) this.statsCache.set(code, (s = this.aggregator.stats(code)!));
    return s;
  }

  series(scope: string): EventSeries {
    let s = this.seriesCache.get(scope);
    if (!s) this.seriesCache.set(scope, (s = this.aggregator.series(scope)!));
    return s;
  }

  insights(scope: string): ScopeInsights {
    let s = this.insightsCache.get(scope);
    if (!s) this.insightsCache.set(scope, (s = this.aggregator.insights(scope)!));
    return s;
  }

  /** `diff(next, held)`, computed once per tick for a base held alone (the usual case: rooms in step share it). */
  diff<T extends object, P>(next: T, held: Held<T>, diff: (next: T, bases: readonly T[]) => P | undefined): P | undefined {
    if (held === null) return diff(next, []);
    if (held.length !== 1) return diff(next, held);
    const base = held[0]!;
    if (base === next) return undefined;
    if (this.diffs.has(base)) return this.diffs.get(base) as P | undefined;
    const p = diff(next, held);
    this.diffs.set(base, p);
    return p;
  }
}
