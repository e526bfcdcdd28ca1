import {
  FEEDS,
  ROOT_SCOPE,
  feedOf,
  type AreaStats,
  type DeviceView,
  type EventSeries,
  type Feed,
  type FeedCounts,
  type IngestEvent,
} from '../../protocol';
import { AreaRegistry } from './area-registry';
import { DeviceTracker, type DEFAULT_HEARTBEAT_TIMEOUT_MS } from './device-tracker';
import { SlidingWindow } from './sliding-window';

const FEED_CHANNEL: Readonly<Record<Feed, number>> = { device: 0, case: 1, opinion: 2 };

export interface AggregatorOptions {
  /** Every area code of the district (street, communities, grids). */
  areaCodes: Iterable<string>;
  /** Allowed lateness (DESIGN §4): older events are counted as late. Default 60 s. */
  allowedLatenessMs?: number;
  /** A device clock further ahead than this is flagged and windowed by ingest time. Default 5 min. */
  maxClockSkewMs?: number;
  heartbeatTimeoutMs?: typeof DEFAULT_HEARTBEAT_TIMEOUT_MS;
}

/** How one event was folded in. */
export type ApplyOutcome = 'counted' | 'late' | 'skewed';

/** What changed since the last `takeChanges()`: area keys whose stats or series moved, and device ids. */
export interface AggregateChanges {
  areas: Set<string>;
  series: Set<string>;
  devices: string[];
}

/**
 * The incremental aggregates of the foundation slice: per-area event counts over a 5-minute window
 * (10 s buckets), events per minute over the last hour, and device state with online counts. Pure and
 * synchronous: events in, state changes out; time comes from the caller (never the wall clock).
 */
export class Aggregator {
  readonly registry: AreaRegistry;
  readonly devices: DeviceTracker;
  // bucket width 10 s: 5-min window = 30 buckets
  private readonly window5m = new SlidingWindow({ bucketMs: 10_000, bucketCount: 30, channels: 3 });
  // bucket width 1 min: 1-h series = 60 buckets
  private readonly series1h = new SlidingWindow({ bucketMs: 60_000, bucketCount: 60, channels: 3 });
  private readonly lateness: number;
  private readonly maxSkew: number;
  private readonly dirtyStats = new Set<number>();
  private readonly dirtySeries = new Set<number>();
  private now = -Infinity;

  constructor(opts: AggregatorOptions) {
    this.registry = new AreaRegistry(opts.areaCodes);
    this.devices = new DeviceTracker(this.registry.size, opts.heartbeatTimeoutMs);
    this.lateness = opts.allowedLatenessMs ?? 60_000;
    this.maxSkew = opts.maxClockSkewMs ?? 5 * 60_000;
  }

  /** The time the aggregates are current to. */
  get time(): number {
    return this.now;
  }

  /**
   * Moves every window to `now`, expiring old buckets, and re-derives device states (heartbeat timeouts).
   * Call it before applying events stamped around `now` and on every tick.
   */
  advance(now: number): void {
    if (now < this.now) return;
    this.now = now;
    this.window5m.advanceTo(now, (key) => this.dirtyStats.add(key));
    if (this.series1h.advanceTo(now)) for (let k = 0; k < this.registry.size; k++) this.dirtySeries.add(k);
    this.devices.sweep(now);
  }

  /** Folds one validated event, already located in `grid`, into the aggregates. */
  apply(event: IngestEvent, grid: string): ApplyOutcome {
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
    const channel = FEED_CHANNEL[feedOf(event.kind)];
    for (let i = 0; i < lineage.length; i++) {
      const key = lineage[i]!;
      if (this.window5m.add(key, channel, time)) this.dirtyStats.add(key);
      if (this.series1h.add(key, channel, time)) this.dirtySeries.add(key);
    }
    if (event.kind === 'device.heartbeat' || event.kind === 'device.telemetry') {
      this.devices.observe(
        {
          id: event.deviceId,
          eventId: event.id,
          type: event.deviceType,
          grid,
          lineage,
          lon: event.lon,
          lat: event.lat,
          time,
          fault: event.kind === 'device.telemetry' ? event.fault : undefined,
          metrics: event.kind === 'device.telemetry' ? event.metrics : undefined,
        },
        this.now,
      );
    }
    return outcome;
  }

  /** Stats of one area, or of the whole deployment for `*`. Undefined for an unknown code. */
  stats(code: string): AreaStats | undefined {
    const key = this.registry.keyOf(code);
    if (key === undefined) return undefined;
    return { code, events5m: this.feedCounts((ch) => this.window5m.total(key, ch)), devices: this.devices.counts(key) };
  }

  series(code: string): EventSeries | undefined {
    const key = this.registry.keyOf(code);
    if (key === undefined) return undefined;
    const perFeed = FEEDS.map((feed) => this.series1h.series(key, FEED_CHANNEL[feed]));
    const counts: FeedCounts[] = perFeed[0]!.map((_, i) => this.feedCounts((ch) => perFeed[ch]![i]!));
    return { start: this.series1h.start, stepMs: this.series1h.bucketMs, counts };
  }

  deviceViews(scope: string): DeviceView[] {
    const out: DeviceView[] = [];
    for (const d of this.devices.within(scope)) out.push(this.devices.view(d));
    return out;
  }

  /** Everything that changed since the previous call, as area codes and device ids. */
  takeChanges(): AggregateChanges {
    const dirtyDevices = this.devices.takeDirty();
    const areas = new Set<string>();
    for (const key of this.dirtyStats) areas.add(this.registry.codeOf(key));
    for (const key of dirtyDevices.areas) areas.add(this.registry.codeOf(key));
    const series = new Set<string>();
    for (const key of this.dirtySeries) series.add(this.registry.codeOf(key));
    this.dirtyStats.clear();
    this.dirtySeries.clear();
    return { areas, series, devices: dirtyDevices.devices };
  }

  /** Whether `scope` names the deployment or a known area. */
  knowsScope(scope: string): boolean {
    return scope === ROOT_SCOPE || this.registry.has(scope);
  }

  private feedCounts(get: (channel: number) => number): FeedCounts {
    return { device: get(0), case: get(1), opinion: get(2) };
  }
}
