import { CASE_CHANNELS, DEVICE_TYPES } from '../../../protocol/events.schema';
import type { AreaStats, DeviceCounts, FeedCounts, ScopeInsights, SnapshotFrame } from '../../../protocol';

/** Builders of protocol values for client unit tests: everything zero unless given. */
const noDevices = (): DeviceCounts => ({ total: 0, online: 0, offline: 0, fault: 0 });

export function areaStats(
  code: string,
  events5m: Partial<FeedCounts> = {},
  devices: Partial<DeviceCounts> = {},
): AreaStats {
  return {
    code,
    events5m: { device: 0, case: 0, opinion: 0, ...events5m },
    devices: { ...noDevices(), ...devices },
    devicesByType: Object.fromEntries(DEVICE_TYPES.map((t) => [t, noDevices()])) as AreaStats['devicesByType'],
    live: {
      parking: { spaces: 0, occupied: 0 },
      binFill: [0, 0, 0, 0, 0],
      doorOpenings1h: 0,
      water1h: 0,
      waterBaseline1h: null,
      power1h: 0,
      powerBaseline1h: null,
      smokeAlarms: 0,
      sosActive: 0,
    },
    cases: {
      new24h: 0,
      open: 0,
      overdue: 0,
      closed24h: 0,
      meanCloseMs24h: null,
      slaRate24h: null,
      bySource24h: Object.fromEntries(CASE_CHANNELS.map((c) => [c, 0])) as AreaStats['cases']['bySource24h'],
    },
    opinion: { posts1h: 0, posts24h: 0, sentiment1h: null, sentiment24h: null, negative1h: 0 },
    pressure: 0,
  };
}

export function emptyInsights(): ScopeInsights {
  const empty = { start: 0, stepMs: 3_600_000, points: [] };
  return { cases24h: empty, cases7d: empty, openByCategory: [], topics: [], opinion24h: empty };
}

export function snapshotFrame(epoch: string, seq: number, state: Partial<SnapshotFrame['state']> = {}): SnapshotFrame {
  return {
    scope: '*',
    epoch,
    seq,
    time: 0,
    state: {
      summary: areaStats('*'),
      areas: [],
      devices: [],
      cases: [],
      series: { start: 0, stepMs: 60_000, counts: [] },
      insights: emptyInsights(),
      ...state,
    },
  };
}
