import { ROOT_SCOPE, type AreaStats, type DeviceView, type EventSeries, type IngestEvent, type ScopeInsights } from '../../protocol';
import { AreaRegistry } from './area-registry';
import { buildAreaStats, buildEventSeries, buildInsights, type AggregateState } from './area-view';
import { BaselineModel, type BaselineState } from './baseline';
import { CaseTracker } from './case-tracker';
import { DeviceTracker, type DEFAULT_HEARTBEAT_TIMEOUT_MS, type DeviceObservation } from './device-tracker';
import { DirtyKeys } from './dirty-keys';
import { DEVICE_TYPE_INDEX, M, MEASURE_COUNT, NEGATIVE_SENTIMENT } from './measures';
import { MultiWindow, type WindowName } from './multi-window';
import { DEFAULT_SLA, type SlaPolicy } from './sla';
import type { SlidingWindowState } from './sliding-window';
import { TopicSketch } from './topic-sketch';

export interface AggregatorOptions {
  /** Every area code of the district (street, communities, grids). */
  areaCodes: Iterable<string>;
  /** Allowed lateness (DESIGN §4): older events are counted as late. Default 60 s. */
  allowedLatenessMs?: number;
  /** A device clock further ahead than this is flagged and windowed by ingest time. Default 5 min. */
  maxClockSkewMs?: number;
  heartbeatTimeoutMs?: typeof DEFAULT_HEARTBEAT_TIMEOUT_MS;
  sla?: SlaPolicy;
  /** Local time offset from UTC (ms) for day buckets and hour-of-week baselines. Default +8 h. */
  utcOffsetMs?: number;
  /** Label point of each area, to place cases reported with a grid but no location. */
  areaCenters?: ReadonlyMap<string, [number, number]>;
}

/** See `Aggregator.exportState`. Typed arrays and plain data only (structured-clone / v8.serialize safe). */
export interface AggregatorSnapshot {
  version: 1;
  codes: string[];
  now: number;
  learnedMinute: number;
  learnedHour: number;
  windows: Record<WindowName, SlidingWindowState>;
  devices: ReturnType<DeviceTracker['exportState']>;
  cases: ReturnType<CaseTracker['exportState']>;
  topics: ({ code: string } & ReturnType<TopicSketch['exportState']>)[];
  baselines: BaselineState;
}

/** What the pipeline learned from a post's text (the aggregator does no NLP itself). */
export interface PostAnalysis {
  sentiment: number;
  keywords: readonly string[];
}

/** How one event was folded in. */
export type ApplyOutcome = 'counted' | 'late' | 'skewed';

/** What changed since the last `takeChanges()`, as area codes, device ids and case ids. */
export interface AggregateChanges {
  areas: Set<string>;
  series: Set<string>;
  insights: Set<string>;
  devices: string[];
  cases: string[];
  removedCases: string[];
}

/** Measures with learned baselines (for spike rules and "usual" figures on screen). */
export const BASELINE_MEASURES = [
  M.deviceEvents,
  M.caseEvents,
  M.opinionEvents,
  M.doorOpenings,
  M.water,
  M.power,
  M.casesNew,
  M.posts,
  M.negativePosts,
] as const;

/**
 * The incremental engine (issue #5): every aggregate a screen shows, kept up to date event by event on
 * the injected clock — windows (5 min, 1 h, 24 h, 7 d) per area × measure, device state and gauges, case
 * lifecycle with SLA, opinion with hot topics, learned baselines — with dirty tracking for the hub.
 * Pure and synchronous: no I/O, no wall clock; memory O(keys × buckets), never O(events).
 */
export class Aggregator {
  readonly registry: AreaRegistry;
  readonly devices: DeviceTracker;
  readonly cases: CaseTracker;
  readonly windows: MultiWindow;
  readonly baselines: BaselineModel;
  private readonly topics: TopicSketch[] = [];
  private readonly lateness: number;
  private readonly maxSkew: number;
  private readonly dirtyStats = new DirtyKeys();
  private readonly dirtySeries = new DirtyKeys();
  private readonly dirtyInsights = new DirtyKeys();
  /** Scratch space reused by every apply (the hot path allocates nothing per event). */
  private readonly slots = new Int32Array(4);
  private readonly observation: DeviceObservation = {
    id: '',
    eventId: '',
    type: 'camera',
    grid: '',
    lineage: new Int32Array(0),
    lon: undefined,
    lat: undefined,
    time: 0,
    fault: undefined,
    metrics: undefined,
  };
  private readonly gridCount: Int32Array;
  private now = -Infinity;
  private learnedMinute = -Infinity;
  private learnedHour = -Infinity;

  constructor(opts: AggregatorOptions) {
    this.registry = new AreaRegistry(opts.areaCodes);
    const offset = opts.utcOffsetMs ?? 8 * 3_600_000;
    this.windows = new MultiWindow(MEASURE_COUNT, this.registry.size, offset);
    this.devices = new DeviceTracker(this.registry.size, opts.heartbeatTimeoutMs);
    const centers = opts.areaCenters;
    this.cases = new CaseTracker(this.windows, opts.sla ?? DEFAULT_SLA, undefined, (grid) => centers?.get(grid));
    this.baselines = new BaselineModel({ measures: BASELINE_MEASURES, utcOffsetMs: offset });
    this.lateness = opts.allowedLatenessMs ?? 60_000;
    this.maxSkew = opts.maxClockSkewMs ?? 5 * 60_000;
    this.gridCount = this.registry.gridCounts();
  }

  /** The time the aggregates are current to. */
  get time(): number {
    return this.now;
  }

  /**
   * Moves every window to `now`, expiring old buckets, learns baselines from completed minutes and hours,
   * and re-derives device and case states (heartbeat timeouts, SLA deadlines).
   */
  advance(now: number): void {
    if (now <= this.now) return;
    this.now = now;
    const moved = this.windows.advanceTo(now, (window, key) => this.expired(window, key));
    if (moved.includes('1h')) for (let k = 0; k < this.registry.size; k++) this.dirtySeries.add(k);
    if (moved.includes('24h')) for (let k = 0; k < this.registry.size; k++) this.dirtyInsights.add(k);
    this.learn(now);
    this.devices.sweep(now);
    this.cases.advance(now);
  }

  /** Folds one validated event, already located in `grid`, into the aggregates. */
  apply(event: IngestEvent, grid: string, post?: PostAnalysis): ApplyOutcome {
    const lineage = this.registry.lineage(grid);
    if (!lineage) throw new RangeError(`grid ${grid} is not part of the district`);
    let time = event.time;
    let outcome: ApplyOutcome = 'counted';
    if (time > this.now + this.maxSkew) {
      // DESIGN §4: a device clock this far ahead is flagged and windowed by ingest time.
      outcome = 'skewed';
      time = this.now;
    } else if (time > this.now) {
      time = this.now;
    } else if (time < this.now - this.lateness) {
      outcome = 'late';
    }
    const w = this.windows;
    const slots = w.slotsFor(time, this.slots);
    const n = lineage.length;
    const inWindow = slots[1]! >= 0; // the 1-h window holds it: the per-minute series moves
    switch (event.kind) {
      case 'device.heartbeat':
      case 'device.telemetry': {
        const typeChannel = M.deviceTypeEvents + DEVICE_TYPE_INDEX[event.deviceType];
        let door = 0;
        let water = 0;
        let power = 0;
        const telemetry = event.kind === 'device.telemetry';
        if (telemetry) {
          const m = event.metrics;
          if (event.deviceType === 'access') door = m.opened ?? 1;
          else if (event.deviceType === 'water') water = m.flow_m3 ?? (m.flow_l ?? 0) / 1000;
          else if (event.deviceType === 'power') power = m.kwh ?? 0;
        }
        for (let i = 0; i < n; i++) {
          const key = lineage[i]!;
          w.addAt(slots, key, M.deviceEvents);
          w.addAt(slots, key, typeChannel);
          if (door) w.addAt(slots, key, M.doorOpenings, door);
          if (water) w.addAt(slots, key, M.water, water);
          if (power) w.addAt(slots, key, M.power, power);
          this.dirtyStats.add(key);
          if (inWindow) this.dirtySeries.add(key);
        }
        const o = this.observation;
        o.id = event.deviceId;
        o.eventId = event.id;
        o.type = event.deviceType;
        o.grid = grid;
        o.lineage = lineage;
        o.lon = event.lon;
        o.lat = event.lat;
        o.time = time;
        o.fault = telemetry ? event.fault : undefined;
        o.metrics = telemetry ? event.metrics : undefined;
        this.devices.observe(o, this.now);
        break;
      }
      case 'case.updated':
        for (let i = 0; i < n; i++) {
          const key = lineage[i]!;
          w.addAt(slots, key, M.caseEvents);
          this.dirtyStats.add(key);
          this.dirtyInsights.add(key);
          if (inWindow) this.dirtySeries.add(key);
        }
        this.cases.observe(event, grid, lineage, time, this.now);
        break;
      case 'opinion.post': {
        const sentiment = event.sentiment ?? post?.sentiment ?? 0;
        const negative = sentiment < NEGATIVE_SENTIMENT;
        for (let i = 0; i < n; i++) {
          const key = lineage[i]!;
          w.addAt(slots, key, M.opinionEvents);
          w.addAt(slots, key, M.posts);
          w.addAt(slots, key, M.sentimentSum, sentiment);
          if (negative) w.addAt(slots, key, M.negativePosts);
          if (post) {
            const sketch = (this.topics[key] ??= new TopicSketch());
            for (const word of post.keywords) sketch.add(word, time);
          }
          this.dirtyStats.add(key);
          this.dirtyInsights.add(key);
          if (inWindow) this.dirtySeries.add(key);
        }
        break;
      }
    }
    return outcome;
  }

  /** Stats of one area, or of the whole deployment for `*`. Undefined for an unknown code. */
  stats(code: string): AreaStats | undefined {
    const key = this.registry.keyOf(code);
    return key === undefined ? undefined : buildAreaStats(this.state(), code, key);
  }

  series(code: string): EventSeries | undefined {
    const key = this.registry.keyOf(code);
    return key === undefined ? undefined : buildEventSeries(this.windows, key);
  }

  insights(code: string): ScopeInsights | undefined {
    const key = this.registry.keyOf(code);
    return key === undefined ? undefined : buildInsights(this.state(), key);
  }

  deviceViews(scope: string): DeviceView[] {
    const out: DeviceView[] = [];
    for (const d of this.devices.within(scope)) out.push(this.devices.view(d));
    return out;
  }

  /** Everything that changed since the previous call. */
  takeChanges(): AggregateChanges {
    const dirtyDevices = this.devices.takeDirty();
    const codes = (keys: Iterable<number>, into = new Set<string>()) => {
      for (const key of keys) into.add(this.registry.codeOf(key));
      return into;
    };
    const areas = codes(this.dirtyStats.take());
    codes(dirtyDevices.areas, areas);
    const caseAreas = this.cases.takeDirty();
    codes(caseAreas, areas);
    const insights = codes(this.dirtyInsights.take());
    codes(caseAreas, insights);
    const series = codes(this.dirtySeries.take());
    const cases = this.cases.takeDirtyCases();
    return { areas, series, insights, devices: dirtyDevices.devices, cases: cases.changed, removedCases: cases.removed };
  }

  /** Whether `scope` names the deployment or a known area. */
  knowsScope(scope: string): boolean {
    return scope === ROOT_SCOPE || this.registry.has(scope);
  }

  /**
   * The whole engine state for a restart snapshot (DESIGN §7): windows, devices, cases, topics, baselines.
   * Derived counters are not in it; `importState` re-derives them.
   */
  exportState(): AggregatorSnapshot {
    const w = this.windows.windows;
    return {
      version: 1,
      codes: this.registry.codesWithin('*'),
      now: this.now,
      learnedMinute: this.learnedMinute,
      learnedHour: this.learnedHour,
      windows: { '5m': w['5m'].exportState(), '1h': w['1h'].exportState(), '24h': w['24h'].exportState(), '7d': w['7d'].exportState() },
      devices: this.devices.exportState(),
      cases: this.cases.exportState(),
      topics: this.topics.map((t, key) => (t ? { code: this.registry.codeOf(key), ...t.exportState() } : undefined)).filter((t) => t !== undefined),
      baselines: this.baselines.exportState(),
    };
  }

  /** Restores a snapshot into a fresh engine built for the same district; throws when the areas differ. */
  importState(s: AggregatorSnapshot): void {
    if (s.version !== 1) throw new Error(`aggregate snapshot version ${s.version} is not supported`);
    if (s.codes.join(',') !== this.registry.codesWithin('*').join(',')) throw new Error('aggregate snapshot is for another district');
    const w = this.windows.windows;
    for (const name of ['5m', '1h', '24h', '7d'] as const) w[name].importState(s.windows[name]);
    const lineageOf = (grid: string) => this.registry.lineage(grid);
    this.devices.importState(s.devices, lineageOf);
    this.cases.importState(s.cases, lineageOf);
    for (const t of s.topics) {
      const key = this.registry.keyOf(t.code);
      if (key === undefined) continue;
      const sketch = new TopicSketch();
      sketch.importState(t);
      this.topics[key] = sketch;
    }
    this.baselines.importState(s.baselines);
    this.now = s.now;
    this.learnedMinute = s.learnedMinute;
    this.learnedHour = s.learnedHour;
  }

  private state(): AggregateState {
    return {
      now: this.now,
      windows: this.windows,
      devices: this.devices,
      cases: this.cases,
      baselines: this.baselines,
      topics: this.topics,
      gridCount: this.gridCount,
    };
  }

  private expired(window: WindowName, key: number): void {
    this.dirtyStats.add(key);
    if (window === '24h' || window === '7d') this.dirtyInsights.add(key);
  }

  /** Feeds baselines with the minutes and hours completed since the last call (at most the last hour/day). */
  private learn(now: number): void {
    const w = this.windows;
    const minute = w.bucketOf('1h', now);
    // learnedMinute was still running at the last call: it is the first completed minute to learn now.
    const firstMinute = Math.max(this.learnedMinute, minute - 60);
    if (Number.isFinite(this.learnedMinute)) {
      for (let m = firstMinute; m < minute; m++) {
        for (let key = 0; key < this.registry.size; key++) {
          for (const measure of BASELINE_MEASURES) this.baselines.observeMinute(key, measure, w.bucketValue('1h', key, measure, m));
        }
      }
    }
    this.learnedMinute = minute;
    const hour = w.bucketOf('24h', now);
    if (Number.isFinite(this.learnedHour)) {
      for (let h = Math.max(this.learnedHour, hour - 24); h < hour; h++) {
        const start = w.bucketStart('24h', h);
        for (let key = 0; key < this.registry.size; key++) {
          for (const measure of BASELINE_MEASURES) this.baselines.observeHour(key, measure, start, w.bucketValue('24h', key, measure, h));
        }
      }
    }
    this.learnedHour = hour;
  }
}
