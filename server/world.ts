import { randomUUID } from 'node:crypto';
import type { District } from '../geo/district.types';
import { Aggregator } from './aggregate/aggregator';
import type { DEFAULT_HEARTBEAT_TIMEOUT_MS } from './aggregate/device-tracker';
import type { DeltaFrame } from '../protocol';
import { Hub } from './hub/hub';
import type { GridPulseNamespace } from './hub/types';
import type { TextAnalyzer } from './nlp/text-analyzer';
import type { Clock } from './pipeline/clock';
import { Pipeline, type PipelineCounters } from './pipeline/pipeline';
import type { Db } from './store/database';
import { EventLog } from './store/event-log';

export interface WorldDeps {
  clock: Clock;
  district: District;
  gridAt: (lon: number, lat: number) => string | undefined;
  /** The world's own store: the live database, or a `:memory:` one for a demo world. */
  db: Db;
  /** The namespace the world's hub sends frames on. */
  nsp: GridPulseNamespace;
  counters: PipelineCounters;
  analyze: TextAnalyzer;
  /** How much event history the log keeps (ms of event time). */
  historyMs: number;
  /** How often (ms of the world's clock) the log is pruned to `historyMs`. Default 60 s. */
  pruneEveryMs?: number;
  /**
   * True for a demo world (DESIGN §9.8): what it computes is a replay, so alert rules and operator actions
   * must never notify, persist or audit anything from it. Every consumer of a world's changes checks this.
   */
  isolated: boolean;
  heartbeatTimeoutMs?: typeof DEFAULT_HEARTBEAT_TIMEOUT_MS;
  onFrame?: (frame: DeltaFrame, key: string) => void;
  /** Ticks between two sends of the per-area stats (HubDeps.areasEveryTicks; default every tick). */
  areasEveryTicks?: number;
  /** In a cluster: which scopes this node sends frames for, and room sizes across nodes (HubDeps). */
  hubOwns?: (scope: string) => boolean;
  roomSize?: (key: string) => Promise<number>;
}

/**
 * One world: a clock, the aggregates, the pipeline that feeds them, the event log it writes, and the hub that
 * sends its frames on one namespace, under one epoch. The live world and each demo world are separate
 * instances that share nothing mutable.
 */
export interface World {
  readonly epoch: string;
  readonly isolated: boolean;
  readonly clock: Clock;
  readonly aggregator: Aggregator;
  readonly pipeline: Pipeline;
  readonly eventLog: EventLog;
  readonly hub: Hub;
  /**
   * One hub tick (one delta per room), then the event log's flush and, when due, its retention: the frames go out
   * before the disk write, and so does `beforeLog` (the alerts of the tick). Returns frames sent.
   */
  tick(beforeLog?: () => void): number;
}

export function createWorld(deps: WorldDeps): World {
  const { clock, district, db, historyMs } = deps;
  const epoch = randomUUID().slice(0, 8);
  const pruneEveryMs = deps.pruneEveryMs ?? 60_000;
  const aggregator = new Aggregator({
    areaCodes: district.areas.map((a) => a.code),
    areaCenters: new Map(district.areas.map((a) => [a.code, a.center])),
    heartbeatTimeoutMs: deps.heartbeatTimeoutMs,
  });
  const eventLog = new EventLog(db);
  const pipeline = new Pipeline({
    clock,
    aggregator,
    gridAt: deps.gridAt,
    log: eventLog,
    counters: deps.counters,
    analyze: deps.analyze,
  });
  const hub = new Hub({
    io: deps.nsp,
    aggregator,
    clock,
    epoch,
    areasEveryTicks: deps.areasEveryTicks,
    onFrame: deps.onFrame,
    owns: deps.hubOwns,
    localOnly: deps.isolated,
    roomSize: deps.roomSize,
  });
  let lastPrune = clock.now();

  return {
    epoch,
    isolated: deps.isolated,
    clock,
    aggregator,
    pipeline,
    eventLog,
    hub,
    tick(beforeLog) {
      const sent = hub.tick();
      beforeLog?.();
      // The log is written after the frames (issue #8), in the same turn: it holds the same events a flush before
      // the tick would have written (nothing is ingested during a tick), and a snapshot or close flushes first.
      eventLog.flush();
      // Retention by the world's own clock: the log is bounded by event time (DESIGN §7).
      const now = clock.now();
      if (now - lastPrune >= pruneEveryMs) {
        lastPrune = now;
        eventLog.prune(now - historyMs);
      }
      return sent;
    },
  };
}

/** Pipeline counters that count nothing: a demo world's replay must not show in the live /metrics. */
export const uncountedPipeline: PipelineCounters = {
  accepted: () => undefined,
  rejected: () => undefined,
  duplicate: () => undefined,
  late: () => undefined,
  backfilled: () => undefined,
  skewed: () => undefined,
};
