import type { CaseChannel, CaseStatus, DeviceType, Feed, Urgency } from './events.schema';

/** Device state derived from its events (DESIGN §3.2). "connected" and "last seen" are separate facts. */
export type DeviceStatus = 'online' | 'offline' | 'fault';

export interface DeviceView {
  id: string;
  /**
   * The device's slot on the server: dense (0, 1, 2 … in order of first appearance) and fixed for the device
   * within an epoch, the same in every scope. A client can index its tables by it instead of hashing the id
   * (a 5,000-device delta is then array writes, not 5,000 string lookups).
   */
  ix: number;
  type: DeviceType;
  grid: string;
  lon: number;
  lat: number;
  status: DeviceStatus;
  /** Event time of the last event from the device, epoch ms. */
  lastSeen: number;
}

export type FeedCounts = Record<Feed, number>;

/** A case on the map (DESIGN §3.3): open cases, and cases closed in the last 24 h. */
export interface CaseView {
  id: string;
  status: CaseStatus;
  /** open (within SLA), overdue, or closed. */
  state: 'open' | 'overdue' | 'closed';
  category: string;
  channel: CaseChannel;
  urgency: Urgency;
  grid: string;
  /** The case's location, or its grid's label point when it was reported without one. */
  lon: number;
  lat: number;
  reportedAt: number;
  deadline: number;
  closedAt: number | null;
  title?: string;
}

export interface DeviceCounts {
  total: number;
  online: number;
  offline: number;
  fault: number;
}

/** Live type metrics of an area (DESIGN §3.2), from the devices' latest reports and the windows. */
export interface LiveMetrics {
  /** Parking spaces reporting, and occupied now. */
  parking: { spaces: number; occupied: number };
  /** Smart bins by fill: <25 %, <50 %, <75 %, <90 %, ≥90 %. */
  binFill: [number, number, number, number, number];
  /** Access-control door openings in the last hour. */
  doorOpenings1h: number;
  /** Water use in the last hour (m³), and the learned usual value for this hour of the week (null until learned). */
  water1h: number;
  waterBaseline1h: number | null;
  /** Electricity use in the last hour (kWh) and its usual value. */
  power1h: number;
  powerBaseline1h: number | null;
  /** Smoke detectors alarming, wearables with SOS raised, now. */
  smokeAlarms: number;
  sosActive: number;
}

/** Cases (事) of an area (DESIGN §3.3). */
export interface CaseStats {
  /** Reported in the last 24 h. */
  new24h: number;
  /** Open now (including overdue), and of those past their SLA deadline. */
  open: number;
  overdue: number;
  /** Closed (resolved) in the last 24 h. */
  closed24h: number;
  /** Mean report → close time of the cases closed in the last 24 h, ms; null when none closed. */
  meanCloseMs24h: number | null;
  /** Share of the cases closed in the last 24 h that met their SLA, 0..1; null when none closed. */
  slaRate24h: number | null;
  /** Reported in the last 24 h, by channel. */
  bySource24h: Record<CaseChannel, number>;
}

/** Public opinion (情) of an area (DESIGN §3.4). */
export interface OpinionStats {
  posts1h: number;
  posts24h: number;
  /** Mean sentiment in [-1, 1] of the posts of the window; null without posts. */
  sentiment1h: number | null;
  sentiment24h: number | null;
  /** Posts with sentiment below -0.3 in the last hour. */
  negative1h: number;
}

/** Live figures of one area (any level), rolled up from its grids. */
export interface AreaStats {
  code: string;
  /** Events in the last 5 minutes of event time, per feed. */
  events5m: FeedCounts;
  devices: DeviceCounts;
  devicesByType: Record<DeviceType, DeviceCounts>;
  live: LiveMetrics;
  cases: CaseStats;
  opinion: OpinionStats;
  /**
   * Cross-feed pressure index 0..100: how much the area needs attention now — device trouble (offline and
   * fault ratio), case load (open, overdue) and negative opinion, weighted (see docs/aggregates.md).
   */
  pressure: number;
}

/** A per-bucket series of a window, oldest first; `start` is the first bucket's start (epoch ms). */
export interface WindowSeries<T> {
  start: number;
  stepMs: number;
  points: T[];
}

/** Scope-level views that are not per area: trends, categories, hot topics. */
export interface ScopeInsights {
  /** Cases reported and closed per hour over the last 24 h. */
  cases24h: WindowSeries<{ new: number; closed: number }>;
  /** Cases reported and closed per day over the last 7 days. */
  cases7d: WindowSeries<{ new: number; closed: number }>;
  /** Open cases by category class, largest first. */
  openByCategory: { category: string; open: number }[];
  /** Hot topics from segmented post text, decayed (half-life 6 h), heaviest first. */
  topics: { word: string; weight: number }[];
  /** Opinion posts and mean sentiment per hour over the last 24 h. */
  opinion24h: WindowSeries<{ posts: number; sentiment: number | null }>;
}

/** Events per minute for the last hour, oldest first; `start` is the first minute's start (epoch ms). */
export interface EventSeries {
  start: number;
  stepMs: number;
  counts: FeedCounts[];
}

/** What a scope subscription can show. */
export const LAYERS = ['areas', 'devices', 'cases', 'series', 'insights'] as const;
export type Layer = (typeof LAYERS)[number];

export interface ScopeState {
  /** Stats of the scope's own area (or the whole deployment). */
  summary: AreaStats;
  /** Stats of every area inside the scope. */
  areas: AreaStats[];
  devices: DeviceView[];
  /** Open cases and cases closed in the last 24 h (layer `cases`). */
  cases: CaseView[];
  series: EventSeries;
  insights: ScopeInsights;
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

/**
 * The fields of an object that changed (DESIGN §5 deltas): a field that is itself an object is patched the same
 * way, field by field; an array (e.g. `binFill`) or a plain value is replaced whole. Object shapes are fixed: a
 * patch never adds or removes a field. Applying a patch to the value the client holds gives the new value.
 */
export type ObjectPatch<T> = {
  [K in keyof T]?: T[K] extends readonly unknown[] ? T[K] : T[K] extends object ? ObjectPatch<T[K]> : T[K];
};

/** The changed fields of one area's stats; `code` names the area (a code the client does not hold: resync). */
export type AreaStatsPatch = ObjectPatch<Omit<AreaStats, 'code'>> & { code: string };

/**
 * The new tail of a per-bucket series. The client moves its window to `start` (dropping the buckets before it),
 * keeps its first `from` buckets and replaces the rest with `points`. `from` 0 replaces the whole series.
 */
export interface WindowTail<T> {
  start: number;
  stepMs: number;
  from: number;
  points: T[];
}

/** Changed parts of the scope insights: series as tails, the short ranked lists whole. */
export interface ScopeInsightsPatch {
  cases24h?: WindowTail<{ new: number; closed: number }>;
  cases7d?: WindowTail<{ new: number; closed: number }>;
  openByCategory?: ScopeInsights['openByCategory'];
  topics?: ScopeInsights['topics'];
  opinion24h?: WindowTail<{ posts: number; sentiment: number | null }>;
}

/**
 * What changed in a scope since the previous frame. Summary, areas, series and insights are patches against
 * what the client holds (its snapshot plus every delta since, in seq order; `protocol/frame-patch.ts` applies
 * them); devices and cases are whole views (upserts). The per-area stats (`areas`) come at most once a second
 * by default (server option `GRIDPULSE_AREAS_MS`), the rest every tick.
 */
export interface ScopeChanges {
  summary?: AreaStatsPatch;
  areas?: AreaStatsPatch[];
  devices?: DeviceView[];
  /** Cases that changed (upserts); a case that left the layer (closed more than 24 h ago) comes in `removedCases`. */
  cases?: CaseView[];
  removedCases?: string[];
  /** The per-minute event series as a tail (its `points` are the series' `counts`). */
  series?: WindowTail<FeedCounts>;
  insights?: ScopeInsightsPatch;
}

/** One per tick per scope when something changed; seq is consecutive within an epoch. */
export interface DeltaFrame {
  scope: string;
  epoch: string;
  seq: number;
  time: number;
  changes: ScopeChanges;
}
