import {
  CASE_CHANNELS,
  DEVICE_TYPES,
  type AreaStats,
  type CaseChannel,
  type DeviceType,
  type EventSeries,
  type FeedCounts,
  type ScopeInsights,
  type WindowSeries,
} from '../../protocol';
import type { BaselineModel } from './baseline';
import type { CaseTracker } from './case-tracker';
import { GAUGE, type DeviceCounts, type DeviceTracker } from './device-tracker';
import { M } from './measures';
import type { MultiWindow, WindowName } from './multi-window';
import type { TopicSketch } from './topic-sketch';

/** The engine's state, read-only, as the views below need it. */
export interface AggregateState {
  now: number;
  windows: MultiWindow;
  devices: DeviceTracker;
  cases: CaseTracker;
  baselines: BaselineModel;
  topics: readonly (TopicSketch | undefined)[];
  gridCount: Int32Array;
}

/** Pressure weights and scales (docs/aggregates.md): per grid, 10 open cases or 3 negative posts an hour saturate. */
const PRESSURE = { device: 0.35, cases: 0.4, opinion: 0.25, casesPerGrid: 10, negativePerGrid: 3 } as const;

const round = (v: number, digits = 3) => Math.round(v * 10 ** digits) / 10 ** digits;

/** Pressure index 0..100 of an area from its device trouble, case load and negative opinion. */
export function pressureIndex(devices: DeviceCounts, open: number, overdue: number, negative1h: number, grids: number): number {
  const g = Math.max(1, grids);
  const trouble = devices.total ? (devices.offline + devices.fault) / devices.total : 0;
  const load = Math.min(1, (open + 2 * overdue) / (PRESSURE.casesPerGrid * g));
  const heat = Math.min(1, negative1h / (PRESSURE.negativePerGrid * g));
  return Math.round(100 * (PRESSURE.device * trouble + PRESSURE.cases * load + PRESSURE.opinion * heat));
}

export function buildAreaStats(s: AggregateState, code: string, key: number): AreaStats {
  const w = s.windows;
  const t = (window: WindowName, measure: number) => w.total(window, key, measure);
  const devices = s.devices.counts(key);
  const devicesByType = Object.fromEntries(DEVICE_TYPES.map((type) => [type, s.devices.counts(key, type)])) as Record<
    DeviceType,
    DeviceCounts
  >;
  const cases = s.cases.counts(key);
  const closed24h = t('24h', M.casesClosed);
  const posts1h = t('1h', M.posts);
  const posts24h = t('24h', M.posts);
  const negative1h = t('1h', M.negativePosts);
  const bySource24h = Object.fromEntries(
    CASE_CHANNELS.map((c, i) => [c, t('24h', M.casesBySource + i)]),
  ) as Record<CaseChannel, number>;
  const usual = (measure: number) => {
    const hourly = s.baselines.read(key, measure, s.now).hourly;
    return hourly === null ? null : round(hourly);
  };
  const g = (gauge: number) => s.devices.gauge(key, gauge);
  return {
    code,
    events5m: { device: t('5m', M.deviceEvents), case: t('5m', M.caseEvents), opinion: t('5m', M.opinionEvents) },
    devices,
    devicesByType,
    live: {
      parking: { spaces: devicesByType.parking.total, occupied: g(GAUGE.occupied) },
      binFill: [g(GAUGE.bin0), g(GAUGE.bin0 + 1), g(GAUGE.bin0 + 2), g(GAUGE.bin0 + 3), g(GAUGE.bin0 + 4)],
      doorOpenings1h: t('1h', M.doorOpenings),
      water1h: round(t('1h', M.water)),
      waterBaseline1h: usual(M.water),
      power1h: round(t('1h', M.power)),
      powerBaseline1h: usual(M.power),
      smokeAlarms: g(GAUGE.smoke),
      sosActive: g(GAUGE.sos),
    },
    cases: {
      new24h: t('24h', M.casesNew),
      open: cases.open,
      overdue: cases.overdue,
      closed24h,
      meanCloseMs24h: closed24h > 0 ? Math.round(t('24h', M.closeMs) / closed24h) : null,
      slaRate24h: closed24h > 0 ? round(t('24h', M.closedInSla) / closed24h) : null,
      bySource24h,
    },
    opinion: {
      posts1h,
      posts24h,
      sentiment1h: posts1h > 0 ? round(t('1h', M.sentimentSum) / posts1h) : null,
      sentiment24h: posts24h > 0 ? round(t('24h', M.sentimentSum) / posts24h) : null,
      negative1h,
    },
    pressure: pressureIndex(devices, cases.open, cases.overdue, negative1h, s.gridCount[key] ?? 1),
  };
}

export function buildEventSeries(w: MultiWindow, key: number): EventSeries {
  const per = [M.deviceEvents, M.caseEvents, M.opinionEvents].map((m) => w.series('1h', key, m));
  const counts: FeedCounts[] = per[0]!.map((_, i) => ({ device: per[0]![i]!, case: per[1]![i]!, opinion: per[2]![i]! }));
  return { start: w.start('1h'), stepMs: 60_000, counts };
}

function windowSeries<T>(w: MultiWindow, window: WindowName, stepMs: number, points: T[]): WindowSeries<T> {
  return { start: w.start(window), stepMs, points };
}

export function buildInsights(s: AggregateState, key: number): ScopeInsights {
  const w = s.windows;
  const casePoints = (window: WindowName) => {
    const created = w.series(window, key, M.casesNew);
    const closed = w.series(window, key, M.casesClosed);
    return created.map((n, i) => ({ new: n, closed: closed[i]! }));
  };
  const posts = w.series('24h', key, M.posts);
  const sentiment = w.series('24h', key, M.sentimentSum);
  return {
    cases24h: windowSeries(w, '24h', 3_600_000, casePoints('24h')),
    cases7d: windowSeries(w, '7d', 86_400_000, casePoints('7d')),
    openByCategory: s.cases.openByCategory(key).slice(0, 10),
    topics: s.topics[key]?.top(12, s.now) ?? [],
    opinion24h: windowSeries(
      w,
      '24h',
      3_600_000,
      posts.map((n, i) => ({ posts: n, sentiment: n > 0 ? round(sentiment[i]! / n) : null })),
    ),
  };
}
