import type { DeviceType, Feed } from './events.schema';

/** Device state derived from its events (DESIGN §3.2). "connected" and "last seen" are separate facts. */
export type DeviceStatus = 'online' | 'offline' | 'fault';

export interface DeviceView {
  id: string;
  type: DeviceType;
  grid: string;
  lon: number;
  lat: number;
  status: DeviceStatus;
  /** Event time of the last event from the device, epoch ms. */
  lastSeen: number;
}

export type FeedCounts = Record<Feed, number>;

/** Live figures of one area (any level), rolled up from its grids. */
export interface AreaStats {
  code: string;
  /** Events in the last 5 minutes of event time, per feed. */
  events5m: FeedCounts;
  devices: { total: number; online: number; offline: number; fault: number };
}

/** Events per minute for the last hour, oldest first; `start` is the first minute's start (epoch ms). */
export interface EventSeries {
  start: number;
  stepMs: number;
  counts: FeedCounts[];
}

/** What a scope subscription can show. */
export const LAYERS = ['areas', 'devices', 'series'] as const;
export type Layer = (typeof LAYERS)[number];

export interface ScopeState {
  /** Stats of the scope's own area (or the whole deployment). */
  summary: AreaStats;
  /** Stats of every area inside the scope. */
  areas: AreaStats[];
  devices: DeviceView[];
  series: EventSeries;
}

/** Sent once on subscribe and whenever a client asks to resync (DESIGN §5). */
export interface SnapshotFrame {
  scope: string;
  /** Changes when the server's state is rebuilt; a client seeing a new epoch resyncs. */
  epoch: string;
  /** The seq of the last delta folded into this snapshot; the next delta has seq + 1. */
  seq: number;
  /** The server clock's time (epoch ms) when the frame was cut. */
  time: number;
  state: ScopeState;
}

export interface ScopeChanges {
  summary?: AreaStats;
  areas?: AreaStats[];
  devices?: DeviceView[];
  series?: EventSeries;
}

/** One per tick per scope when something changed; seq is consecutive within an epoch. */
export interface DeltaFrame {
  scope: string;
  epoch: string;
  seq: number;
  time: number;
  changes: ScopeChanges;
}
