import type { IngestEvent } from '../../protocol';
import type { Aggregator, PostAnalysis } from '../aggregate/aggregator';
import type { Clock } from './clock';
import { Dedup } from './dedup';

/** Why an event was refused after validation; every reason is counted in /metrics. */
export type RejectReason = 'outside_district' | 'unknown_grid' | 'unknown_device';

export interface PipelineCounters {
  accepted(kind: IngestEvent['kind'], n: number): void;
  rejected(reason: string, n: number): void;
  duplicate(n: number): void;
  late(n: number): void;
  backfilled(n: number): void;
  skewed(n: number): void;
}

/** Where accepted events are kept (the event log of DESIGN §2), each with the grid it was located in. */
export interface EventSink {
  append(event: IngestEvent, grid: string): void;
}

export interface IngestResult {
  accepted: number;
  duplicates: number;
  late: number;
  /** Indices of accepted events whose time was too far ahead (device clock off): windowed by ingest time. */
  skewed: number[];
  rejected: { index: number; reason: RejectReason; message: string }[];
}

export interface PipelineDeps {
  clock: Clock;
  aggregator: Aggregator;
  /** Point → grid code for the loaded district. */
  gridAt: (lon: number, lat: number) => string | undefined;
  log: EventSink;
  counters: PipelineCounters;
  /** Sentiment and topic words of a post's text (jieba in production). */
  analyze?: (text: string) => PostAnalysis;
  dedupCapacity?: number;
}

/**
 * validate (done by the adapter) → locate → dedup → event log → aggregate. Synchronous: one batch in,
 * one result out; every event is accounted for as accepted, duplicate or rejected with a reason.
 */
export class Pipeline {
  private readonly dedup: Dedup;
  private readonly taps = new Set<(events: readonly IngestEvent[]) => void>();

  constructor(private readonly deps: PipelineDeps) {
    this.dedup = new Dedup(deps.dedupCapacity);
  }

  /** `backfill`: history replayed on start; its old events are counted as backfilled, not late. */
  ingest(events: readonly IngestEvent[], opts: { backfill?: boolean } = {}): IngestResult {
    const { aggregator, counters, log, analyze } = this.deps;
    aggregator.advance(this.deps.clock.now());
    const result: IngestResult = { accepted: 0, duplicates: 0, late: 0, skewed: [], rejected: [] };
    const accepted: IngestEvent[] | undefined = this.taps.size > 0 ? [] : undefined;
    const byKind = { 'device.heartbeat': 0, 'device.telemetry': 0, 'case.updated': 0, 'opinion.post': 0 };
    let skewed = 0;
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      const located = this.locate(event);
      if (typeof located !== 'string') {
        result.rejected.push({ index: i, ...located });
        continue;
      }
      if (this.dedup.seen(event.id)) {
        result.duplicates++;
        continue;
      }
      const post = event.kind === 'opinion.post' && analyze ? analyze(event.text) : undefined;
      const outcome = aggregator.apply(event, located, post);
      if (outcome === 'late') result.late++;
      else if (outcome === 'skewed') {
        skewed++;
        result.skewed.push(i);
      }
      byKind[event.kind]++;
      result.accepted++;
      log.append(event, located);
      accepted?.push(event.grid === located ? event : { ...event, grid: located });
    }
    for (const kind of Object.keys(byKind) as (keyof typeof byKind)[]) if (byKind[kind]) counters.accepted(kind, byKind[kind]);
    if (accepted && accepted.length > 0) for (const tap of this.taps) tap(accepted);
    if (result.duplicates) counters.duplicate(result.duplicates);
    if (result.late) (opts.backfill ? counters.backfilled : counters.late)(result.late);
    if (skewed) counters.skewed(skewed);
    const reasons = new Map<string, number>();
    for (const r of result.rejected) reasons.set(r.reason, (reasons.get(r.reason) ?? 0) + 1);
    for (const [reason, n] of reasons) counters.rejected(reason, n);
    return result;
  }

  /**
   * Calls `listener` with every batch of accepted events (located, deduplicated), e.g. to record the merged
   * stream. Returns the function that removes it.
   */
  onAccepted(listener: (events: readonly IngestEvent[]) => void): () => void {
    this.taps.add(listener);
    return () => this.taps.delete(listener);
  }

  /** The grid an event belongs to, or why it has none. */
  locate(event: IngestEvent): string | { reason: RejectReason; message: string } {
    const { aggregator, gridAt } = this.deps;
    if (event.grid !== undefined) {
      if (aggregator.registry.lineage(event.grid)) return event.grid;
      return { reason: 'unknown_grid', message: `grid ${event.grid} is not a grid of this district` };
    }
    if (event.lon !== undefined && event.lat !== undefined) {
      const grid = gridAt(event.lon, event.lat);
      if (grid) return grid;
      return {
        reason: 'outside_district',
        message: `location ${event.lon},${event.lat} is outside every grid of this district`,
      };
    }
    if (event.kind === 'device.heartbeat' || event.kind === 'device.telemetry') {
      const known = aggregator.devices.gridOf(event.deviceId);
      if (known) return known;
      return {
        reason: 'unknown_device',
        message: `device ${event.deviceId} is unknown and the event has no grid or lon/lat to place it`,
      };
    }
    return { reason: 'outside_district', message: 'event has neither grid nor lon/lat' };
  }
}
