import { ROOT_SCOPE, type AreaStats, type DeviceView, type EventSeries, type IngestEvent, type ScopeInsights } from '../../protocol';
import { AreaRegistry } from './area-registry';
import { buildAreaStats, buildEventSeries, buildInsights, type AggregateState } from './area-view';
import { BaselineModel, type BaselineState } from './baseline';
import { CaseTracker } from './case-tracker';
import { DeviceTracker, type DEFAULT_HEARTBEAT_TIMEOUT_MS, type DeviceObservation, type DeviceTrackerState } from './device-tracker';
import { DirtyKeys } from './dirty-keys';
import { DEVICE_TYPE_INDEX, M, MEASURE_COUNT, NEGATIVE_SENTIMENT } from './measures';
import { MultiWindow, WINDOWS, WINDOW_NAMES, type WindowName } from './multi-window';
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

/**
 * The snapshot format `exportState` writes. Version 2 keeps devices as packed records (version 1 held one
 * object per device); `importState` refuses any other version, and the server then rebuilds from the log.
 */
export const SNAPSHOT_VERSION = 2;

/** See `Aggregator.exportState`. Typed arrays and plain data only (structured-clone / v8.serialize safe). */
export interface AggregatorSnapshot {
  version: typeof SNAPSHOT_VERSION;
  codes: string[];
  now: number;
  learnedMinute: number;
  learnedHour: number;
  windows: Record<WindowName, SlidingWindowState>;
  devices: DeviceTrackerState;
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
  /**
   * `slots` holds the window slots of event times in [slotsFrom, slotsTo): one 10-s bucket, within which
   * every window's slot is the same (all bucket widths are multiples of 10 s). Reset when the windows move.
   */
  private slotsFrom = 0;
  private slotsTo = 0;
  private readonly offset: number;
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
    this.offset = offset;
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
    this.slotsTo = this.slotsFrom;
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
    const slots = time >= this.slotsFrom && time < this.slotsTo ? this.slots : this.slotsAt(time);
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
        w.addLineageAt(slots, lineage, M.deviceEvents);
        w.addLineageAt(slots, lineage, typeChannel);
        if (door) w.addLineageAt(slots, lineage, M.doorOpenings, door);
        if (water) w.addLineageAt(slots, lineage, M.water, water);
        if (power) w.addLineageAt(slots, lineage, M.power, power);
        this.dirtyStats.addLineage(lineage);
        if (inWindow) this.dirtySeries.addLineage(lineage);
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
        w.addLineageAt(slots, lineage, M.caseEvents);
        this.dirtyStats.addLineage(lineage);
        this.dirtyInsights.addLineage(lineage);
        if (inWindow) this.dirtySeries.addLineage(lineage);
        this.cases.observe(event, grid, lineage, time, this.now);
        break;
      case 'opinion.post': {
        const sentiment = event.sentiment ?? post?.sentiment ?? 0;
        const negative = sentiment < NEGATIVE_SENTIMENT;
        w.addLineageAt(slots, lineage, M.opinionEvents);
        w.addLineageAt(slots, lineage, M.posts);
        w.addLineageAt(slots, lineage, M.sentimentSum, sentiment);
        if (negative) w.addLineageAt(slots, lineage, M.negativePosts);
        if (post) {
          for (let i = 0; i < lineage.length; i++) {
            const key = lineage[i]!;
            const sketch = (this.topics[key] ??= new TopicSketch());
            sketch.addAll(post.keywords, time);
          }
        }
        this.dirtyStats.addLineage(lineage);
        this.dirtyInsights.addLineage(lineage);
        if (inWindow) this.dirtySeries.addLineage(lineage);
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
    return this.devices.views(scope);
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
      version: SNAPSHOT_VERSION,
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
    // Everything is checked before anything is restored: a refused snapshot leaves this engine untouched, so the
    // server can rebuild from the event log instead (server/app.ts restore()).
    const version = (s as { version?: unknown }).version;
    if (version !== SNAPSHOT_VERSION) throw new Error(`aggregate snapshot version ${String(version)} is not supported (this server writes ${SNAPSHOT_VERSION})`);
    if (s.codes.join(',') !== this.registry.codesWithin('*').join(',')) throw new Error('aggregate snapshot is for another district');
    if (this.devices.size > 0 || this.cases.size > 0) throw new Error('importState needs an engine without devices or cases');
    const w = this.windows.windows;
    const lineageOf = (grid: string) => this.registry.lineage(grid);
    for (const name of WINDOW_NAMES) w[name].checkState(s.windows[name]);
    this.devices.checkState(s.devices, lineageOf);
    this.baselines.checkState(s.baselines);
    for (const name of WINDOW_NAMES) w[name].importState(s.windows[name]);
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

  /** Computes the window slots of `time` and the 10-s span of event times they hold for. */
  private slotsAt(time: number): Int32Array {
    const bucketMs = WINDOWS['5m'].bucketMs;
    this.slotsFrom = Math.floor((time + this.offset) / bucketMs) * bucketMs - this.offset;
    this.slotsTo = this.slotsFrom + bucketMs;
    return this.windows.slotsFor(time, this.slots);
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
