import {
  FramePatchError,
  LAYERS,
  applyAreaPatch,
  applyEventSeries,
  applyInsights,
  diffAreaStats,
  diffEventSeries,
  diffInsights,
  ROOT_SCOPE,
  inScope,
  type AreaStats,
  type CaseView,
  type DeltaFrame,
  type DeviceView,
  type EventSeries,
  type Layer,
  type ScopeChanges,
  type ScopeInsights,
  type SnapshotFrame,
} from '../../protocol';
import { maskText } from '../auth/masking';
import { roomKey } from '../hub/hub';
import type { PartitionMap } from './cluster-node';
import { mergeAreaStats, mergeEventSeries, mergeInsights } from './compose';

/**
 * What a coordinator follows of each street's owner: the street's unmasked room with the layers every spanning
 * scope composes (figures, series, insights), or with every layer once a spanning room shows devices or cases
 * (a street's device layer is its whole device list: followed only when wanted).
 */
export const FOLLOW_LAYERS: Record<'base' | 'full', readonly Layer[]> = { base: ['areas', 'series', 'insights'], full: LAYERS };

export function followKey(street: string, variant: 'base' | 'full'): string {
  return roomKey(street, FOLLOW_LAYERS[variant], false);
}

export interface SpanningDeps {
  partitions: PartitionMap;
  /** Codes of the areas inside a scope (excluding it), as the aggregator's registry lists them. */
  codesWithin(scope: string): string[];
  /** Whether this node composes the spanning scopes now (it owns the spanning pseudo-partition). */
  coordinates(): boolean;
  /** The live node owning a street now. */
  ownerOf(street: string): string | undefined;
  /** Opens the street's unmasked room with `layers` on its owner (registering it there) and returns its snapshot. */
  openStreet(street: string, layers: readonly Layer[]): Promise<SnapshotFrame | undefined>;
  /** Sends a frame to a room (every node's sockets in it). */
  send(key: string, frame: DeltaFrame): void;
  /** Called when the epoch of the spanning frames changes (to publish it with the node's liveness). */
  onEpoch?(epoch: string): void;
  /** This node's world epoch: spanning epochs derive from it, so another coordinator never repeats one. */
  baseEpoch: string;
  now(): number;
  log?(line: string): void;
}

/** One street as the coordinator holds it: the street owner's state, kept like a client keeps it. */
interface Part {
  street: string;
  /** The room followed (FOLLOW_LAYERS variant). */
  key: string;
  owner: string | undefined;
  ready: boolean;
  /** The open in flight (its deltas are held until the snapshot is in). */
  opening?: Promise<void>;
  epoch: string;
  seq: number;
  held: DeltaFrame[];
  summary?: AreaStats;
  areas: Map<string, AreaStats>;
  devices: Map<string, DeviceView>;
  cases: Map<string, CaseView>;
  series?: EventSeries;
  insights?: ScopeInsights;
}

interface SpanRoom {
  key: string;
  scope: string;
  layers: ReadonlySet<Layer>;
  masked: boolean;
  seq: number;
  /** Streets inside the scope, and areas inside it that span several streets (composed here too). */
  streets: readonly string[];
  spanningAreas: readonly string[];
  /**
   * What the room's clients may hold of each patched part (the last value sent, plus any snapshot given since),
   * the bases its next delta is diffed against, as the hub does (DESIGN §5). null: too many to track, sent whole.
   */
  held: Held;
}

interface Held {
  summary: AreaStats[] | null;
  areas: Map<string, AreaStats[] | null>;
  series: EventSeries[] | null;
  insights: ScopeInsights[] | null;
}

/** Snapshots given between two deltas beyond which a part is sent whole rather than diffed against each. */
const BASES_MAX = 4;

/** The bases after a snapshot gave `value` to some clients. */
function remember<T>(list: T[] | null | undefined, value: T): T[] | null {
  if (list === null) return null;
  const known = list ?? [];
  return known.length >= BASES_MAX ? null : [...known, value];
}

const HELD_MAX = 1000;

/**
 * The coordinator of the scopes that span several streets (DESIGN §7, §9.4). It follows each street's
 * full-layer room like a client — the owner's snapshot, then its deltas in seq order within an epoch, a fresh
 * snapshot on a gap or a new epoch — and sends each spanning room frames composed from the streets' parts,
 * with its own epoch and seq. Whenever a part had to resync or a street moved to another owner, the spanning
 * epoch changes and every spanning room gets a frame of the new epoch: its clients resync, never a silent gap.
 */
export class SpanningCoordinator {
  private readonly parts = new Map<string, Part>();
  private readonly rooms = new Map<string, SpanRoom>();
  private readonly gridCounts = new Map<string, number>();
  /**
   * The coordinator's own device slots (`DeviceView.ix`): each street's owner numbers its devices from 0, so the
   * composed layers renumber them, densely and for good, and a client's slot index never sees two devices share one.
   */
  private readonly slots = new Map<string, number>();
  private generation = 0;
  /** Changes collected since the last flush. */
  private changed = newChanged();
  /** Every room gets a frame at the next flush (a new epoch must reach the clients). */
  private announce = false;
  /** Some spanning room shows devices or cases: the streets' full rooms are followed. */
  private variant: 'base' | 'full' = 'base';

  constructor(private readonly deps: SpanningDeps) {}

  get epoch(): string {
    return `${this.deps.baseEpoch}~s${this.generation}`;
  }

  /** Whether `scope` spans several streets (served here rather than by a street's owner). */
  spans(scope: string): boolean {
    return this.deps.partitions.of(scope) === undefined;
  }

  /** Registers (or finds) a spanning room once every street inside it is followed, and its snapshot. */
  async open(scope: string, layers: readonly Layer[], masked: boolean): Promise<{ key: string; snapshot: SnapshotFrame }> {
    const streets = this.deps.partitions.all.filter((s) => inScope(s, scope));
    if (this.variant === 'base' && (layers.includes('devices') || layers.includes('cases'))) {
      // From now on every street is followed with its devices and cases: the parts open again (new epoch).
      this.variant = 'full';
      for (const part of this.parts.values()) if (part.ready) this.resync(part, 'devices or cases wanted');
    }
    for (let attempt = 0; ; attempt++) {
      await Promise.all(streets.map((s) => this.follow(s)));
      if (streets.every((s) => this.parts.get(s)?.ready)) break;
      // A part resynced while another was opening: wait for that one too (bounded, a node may be taking over).
      if (attempt >= 5) throw new Error(`the streets of ${scope} are being taken over; retry in a few seconds`);
    }
    const key = roomKey(scope, layers, masked);
    let room = this.rooms.get(key);
    if (!room) {
      const spanningAreas = this.deps.codesWithin(scope).filter((c) => this.spans(c));
      room = {
        key,
        scope,
        layers: new Set(layers),
        masked,
        seq: 0,
        streets,
        spanningAreas,
        held: { summary: [], areas: new Map(), series: [], insights: [] },
      };
      this.rooms.set(key, room);
    }
    return { key, snapshot: this.snapshot(room) };
  }

  /** A delta of a street's followed room `key` (from its owner, on this node or through the adapter). */
  onStreetFrame(key: string, frame: DeltaFrame): void {
    const part = this.parts.get(frame.scope);
    if (!part || part.key !== key) return;
    if (!part.ready) {
      if (part.held.length < HELD_MAX) part.held.push(frame);
      return;
    }
    if (frame.epoch === part.epoch && frame.seq <= part.seq) return;
    if (frame.epoch !== part.epoch || frame.seq !== part.seq + 1) return this.resync(part, frame.epoch !== part.epoch ? 'new epoch' : 'gap');
    this.apply(part, frame);
  }

  /**
   * Once per tick: notices streets that moved to another owner, then sends every spanning room the composed
   * changes since the last flush. Drops everything when this node no longer coordinates.
   */
  flush(now = this.deps.now()): number {
    if (!this.deps.coordinates()) {
      if (this.parts.size > 0 || this.rooms.size > 0) {
        this.parts.clear();
        this.rooms.clear();
        this.changed = newChanged();
        // Should this node coordinate again later, its rooms restart at seq 0: under an epoch of their own.
        this.generation++;
        this.deps.onEpoch?.(this.epoch);
        this.deps.log?.('cluster: no longer composing the spanning scopes');
      }
      return 0;
    }
    for (const part of this.parts.values()) {
      if (part.ready && this.deps.ownerOf(part.street) !== part.owner) this.resync(part, `moved to ${this.deps.ownerOf(part.street) ?? 'no node'}`);
    }
    const c = this.changed;
    const quiet = !this.announce && c.summaries.size === 0 && c.areas.size === 0 && c.devices.size === 0 && c.cases.size === 0 && c.removed.size === 0 && c.series.size === 0 && c.insights.size === 0;
    if (quiet) return 0;
    // A room waits for its streets (a part resyncing): its clients are sent the new epoch once all are back.
    let sent = 0;
    let waiting = false;
    for (const room of this.rooms.values()) {
      if (!room.streets.every((s) => this.parts.get(s)?.ready)) {
        waiting = true;
        continue;
      }
      const changes = this.changesFor(room);
      if (!changes) continue;
      room.seq++;
      this.deps.send(room.key, { scope: room.scope, epoch: this.epoch, seq: room.seq, time: now, changes });
      sent++;
    }
    this.changed = newChanged();
    if (!waiting) this.announce = false;
    return sent;
  }

  /** Forgets spanning rooms nobody is in any more (`size` counts sockets on every node). */
  async prune(size: (key: string) => Promise<number>): Promise<void> {
    for (const key of [...this.rooms.keys()]) if ((await size(key)) === 0) this.rooms.delete(key);
  }

  private follow(street: string): Promise<void> {
    let part = this.parts.get(street);
    if (part?.ready) return Promise.resolve();
    if (part?.opening) return part.opening;
    if (!part) {
      part = { street, key: '', owner: undefined, ready: false, epoch: '', seq: 0, held: [], areas: new Map(), devices: new Map(), cases: new Map() };
      this.parts.set(street, part);
    }
    const p = part;
    p.owner = this.deps.ownerOf(street);
    p.held = [];
    const variant = this.variant;
    p.key = followKey(street, variant);
    p.opening = this.deps
      .openStreet(street, FOLLOW_LAYERS[variant])
      .then((snapshot) => {
        if (this.parts.get(street) !== p) return;
        if (!snapshot) throw new Error(`no snapshot of street ${street} from ${p.owner ?? 'any node'}`);
        this.load(p, snapshot);
      })
      .finally(() => {
        p.opening = undefined;
      });
    return p.opening;
  }

  private load(part: Part, snapshot: SnapshotFrame): void {
    const { state } = snapshot;
    // What the part held before (an earlier epoch) and this snapshot lacks left the street: removals.
    const kept = new Set(state.cases.map((c) => c.id));
    for (const [id, v] of part.cases) if (!kept.has(id)) this.changed.removed.set(id, v.grid);
    part.epoch = snapshot.epoch;
    part.seq = snapshot.seq;
    part.summary = state.summary;
    part.areas = new Map(state.areas.map((a) => [a.code, a]));
    part.devices = new Map(state.devices.map((d) => [d.id, d]));
    part.cases = new Map(state.cases.map((c) => [c.id, c]));
    part.series = state.series;
    part.insights = state.insights;
    part.ready = true;
    const c = this.changed;
    c.summaries.add(part.street);
    c.series.add(part.street);
    c.insights.add(part.street);
    for (const code of part.areas.keys()) c.areas.add(code);
    for (const id of part.devices.keys()) c.devices.add(id);
    for (const id of part.cases.keys()) c.cases.add(id);
    const held = part.held.filter((d) => d.epoch === part.epoch && d.seq > part.seq).sort((a, b) => a.seq - b.seq);
    const newer = part.held.some((d) => d.epoch !== part.epoch);
    part.held = [];
    for (const d of held) {
      if (d.seq !== part.seq + 1) return this.resync(part, 'gap while opening');
      this.apply(part, d);
    }
    if (newer) this.resync(part, 'new epoch while opening');
  }

  private apply(part: Part, frame: DeltaFrame): void {
    const { changes } = frame;
    // Summary, areas, series and insights are patches against what the part holds (protocol/frame-patch.ts):
    // all are worked out before anything changes, and one that does not fit makes the part resync.
    let summary: AreaStats | undefined;
    let areas: AreaStats[];
    let series: EventSeries | undefined;
    let insights: ScopeInsights | undefined;
    try {
      summary = changes.summary && applyAreaPatch(part.summary!, changes.summary, 'summary');
      areas = (changes.areas ?? []).map((a, i) => {
        const base = part.areas.get(a.code);
        if (!base) throw new FramePatchError(`area ${a.code} is not one the street holds`, `areas.${i}`);
        return applyAreaPatch(base, a, `areas.${i}`);
      });
      series = changes.series && applyEventSeries(part.series!, changes.series);
      insights = changes.insights && applyInsights(part.insights!, changes.insights);
    } catch (err) {
      if (err instanceof FramePatchError) return this.resync(part, `a patch did not fit: ${err.message}`);
      throw err;
    }
    const c = this.changed;
    part.seq = frame.seq;
    if (summary) {
      part.summary = summary;
      c.summaries.add(part.street);
    }
    for (const a of areas) {
      part.areas.set(a.code, a);
      c.areas.add(a.code);
    }
    for (const d of changes.devices ?? []) {
      part.devices.set(d.id, d);
      c.devices.add(d.id);
    }
    for (const v of changes.cases ?? []) {
      part.cases.set(v.id, v);
      c.cases.add(v.id);
      c.removed.delete(v.id);
    }
    for (const id of changes.removedCases ?? []) {
      const v = part.cases.get(id);
      if (!v) continue;
      part.cases.delete(id);
      c.cases.delete(id);
      c.removed.set(id, v.grid);
    }
    if (series) {
      part.series = series;
      c.series.add(part.street);
    }
    if (insights) {
      part.insights = insights;
      c.insights.add(part.street);
    }
  }

  /** A part lost its ordering (gap, new epoch, new owner): new spanning epoch, and a fresh snapshot of the street. */
  private resync(part: Part, why: string): void {
    this.deps.log?.(`cluster: spanning scopes resync street ${part.street} (${why})`);
    part.ready = false;
    this.generation++;
    for (const room of this.rooms.values()) room.seq = 0;
    this.announce = true;
    this.deps.onEpoch?.(this.epoch);
    void this.follow(part.street).catch((err: Error) => {
      this.deps.log?.(`cluster: street ${part.street}: ${err.message}; retrying`);
      // Retried at the next open or flush: a part that is not ready and not opening opens again.
      setTimeout(() => void this.retry(part.street), 500);
    });
  }

  private async retry(street: string): Promise<void> {
    const part = this.parts.get(street);
    if (!part || part.ready || part.opening || !this.deps.coordinates()) return;
    await this.follow(street).catch((err: Error) => {
      this.deps.log?.(`cluster: street ${street}: ${err.message}; retrying`);
      setTimeout(() => void this.retry(street), 1000);
    });
  }

  private grids(code: string): number {
    let n = this.gridCounts.get(code);
    if (n === undefined) this.gridCounts.set(code, (n = this.deps.codesWithin(code).filter((c) => c.length === 15).length));
    return n;
  }

  /** Stats of a spanning area: the sum of its streets. */
  private composed(code: string): AreaStats {
    const parts = this.deps.partitions.all.filter((s) => inScope(s, code)).map((s) => this.parts.get(s)?.summary).filter((s) => s !== undefined);
    return mergeAreaStats(code, parts, this.grids(code));
  }

  /** Stats of an area inside a spanning scope: a street's own, or composed when it spans streets too. */
  private statsOf(code: string): AreaStats | undefined {
    const street = this.deps.partitions.of(code);
    if (street === undefined) return this.composed(code);
    const part = this.parts.get(street);
    return code === street ? part?.summary : part?.areas.get(code);
  }

  private partsOf(room: SpanRoom): Part[] {
    return room.streets.map((s) => this.parts.get(s)!);
  }

  private slotted(d: DeviceView): DeviceView {
    let ix = this.slots.get(d.id);
    if (ix === undefined) this.slots.set(d.id, (ix = this.slots.size));
    return ix === d.ix ? d : { ...d, ix };
  }

  private casesOut(views: CaseView[], masked: boolean): CaseView[] {
    return masked ? views.map((v) => (v.title === undefined ? v : { ...v, title: maskText(v.title) })) : views;
  }

  private snapshot(room: SpanRoom): SnapshotFrame {
    const parts = this.partsOf(room);
    const { scope, layers } = room;
    const areas = layers.has('areas')
      ? this.deps.codesWithin(scope).flatMap((code) => {
          const s = this.statsOf(code);
          return s ? [s] : [];
        })
      : [];
    const devices = layers.has('devices')
      ? parts.flatMap((p) => [...p.devices.values()].filter((d) => inScope(d.grid, scope)).map((d) => this.slotted(d)))
      : [];
    const cases = layers.has('cases') ? this.casesOut(parts.flatMap((p) => [...p.cases.values()].filter((v) => inScope(v.grid, scope))), room.masked) : [];
    const summary = this.composed(scope);
    const series = mergeEventSeries(parts.map((p) => p.series!));
    const insights = mergeInsights(parts.map((p) => p.insights!));
    // The clients given this snapshot hold these values until the next delta: bases of that delta.
    const held = room.held;
    held.summary = remember(held.summary, summary);
    for (const a of areas) held.areas.set(a.code, remember(held.areas.get(a.code), a));
    held.series = remember(held.series, series);
    held.insights = remember(held.insights, insights);
    return {
      scope,
      epoch: this.epoch,
      seq: room.seq,
      time: this.deps.now(),
      state: { summary, areas, devices, cases, series, insights },
    };
  }

  private changesFor(room: SpanRoom): ScopeChanges | undefined {
    const c = this.changed;
    const { scope, layers } = room;
    const parts = this.partsOf(room);
    const touched = (set: ReadonlySet<string>) => this.announce || room.streets.some((s) => set.has(s));
    const out: ScopeChanges = {};
    const held = room.held;
    // A new epoch must reach the clients even when nothing changed: they resync on it.
    let any = this.announce;
    if (touched(c.summaries)) {
      const next = this.composed(scope);
      const patch = diffAreaStats(next, held.summary ?? []);
      if (patch) {
        out.summary = patch;
        held.summary = [next];
        any = true;
      }
    }
    if (layers.has('areas')) {
      const next: AreaStats[] = [];
      for (const code of c.areas) if (inScope(code, scope)) next.push(this.statsOf(code)!);
      for (const street of room.streets) if (c.summaries.has(street)) next.push(this.parts.get(street)!.summary!);
      for (const code of room.spanningAreas) if (code !== ROOT_SCOPE && room.streets.some((s) => c.summaries.has(s) && inScope(s, code))) next.push(this.composed(code));
      const areas = [];
      for (const a of next) {
        if (a === undefined) continue;
        const patch = diffAreaStats(a, held.areas.get(a.code) ?? []);
        if (!patch) continue;
        areas.push(patch);
        held.areas.set(a.code, [a]);
      }
      if (areas.length > 0) {
        out.areas = areas;
        any = true;
      }
    }
    if (layers.has('devices') && c.devices.size > 0) {
      const devices = parts.flatMap((p) => [...c.devices].flatMap((id) => {
        const d = p.devices.get(id);
        return d && inScope(d.grid, scope) ? [this.slotted(d)] : [];
      }));
      if (devices.length > 0) {
        out.devices = devices;
        any = true;
      }
    }
    if (layers.has('cases') && (c.cases.size > 0 || c.removed.size > 0)) {
      const cases = parts.flatMap((p) => [...c.cases].flatMap((id) => {
        const v = p.cases.get(id);
        return v && inScope(v.grid, scope) ? [v] : [];
      }));
      const removed = [...c.removed].filter(([, grid]) => inScope(grid, scope)).map(([id]) => id);
      if (cases.length > 0) out.cases = this.casesOut(cases, room.masked);
      if (removed.length > 0) out.removedCases = removed;
      any ||= cases.length > 0 || removed.length > 0;
    }
    if (layers.has('series') && touched(c.series)) {
      const next = mergeEventSeries(parts.map((p) => p.series!));
      const tail = diffEventSeries(next, held.series ?? []);
      if (tail) {
        out.series = tail;
        held.series = [next];
        any = true;
      }
    }
    if (layers.has('insights') && touched(c.insights)) {
      const next = mergeInsights(parts.map((p) => p.insights!));
      const patch = diffInsights(next, held.insights ?? []);
      if (patch) {
        out.insights = patch;
        held.insights = [next];
        any = true;
      }
    }
    return any ? out : undefined;
  }
}

function newChanged() {
  return {
    /** Streets whose own stats changed. */
    summaries: new Set<string>(),
    /** Areas below a street whose stats changed. */
    areas: new Set<string>(),
    devices: new Set<string>(),
    cases: new Set<string>(),
    /** Cases that left a street's layer: id → grid. */
    removed: new Map<string, string>(),
    series: new Set<string>(),
    insights: new Set<string>(),
  };
}
