import type { LiveMetrics } from '../../../../protocol';

/** Below this change against the usual value the arrow stays flat (meter noise, not news). */
const FLAT_BAND = 0.05;
/** From this change on the delta is coloured as a warning. */
const WARN_BAND = 0.3;

export interface UsageVsUsual {
  value: number;
  baseline: number | null;
  /** (value − usual) / usual; null until the baseline is learned or when it is 0. */
  delta: number | null;
  direction: 'up' | 'down' | 'flat' | null;
  warn: boolean;
}

export interface LiveMetricsView {
  /** Occupied / reporting spaces, 0..1; null without reporting spaces. */
  parkingOccupancy: number | null;
  parkingSpaces: number;
  parkingOccupied: number;
  /** Bins at ≥ 90 % fill, and all bins reporting a fill. */
  binsFull: number;
  binsReporting: number;
  doorOpenings1h: number;
  water: UsageVsUsual;
  power: UsageVsUsual;
  smokeAlarms: number;
  sosActive: number;
}

export function usageVsUsual(value: number, baseline: number | null): UsageVsUsual {
  const delta = baseline !== null && baseline > 0 ? (value - baseline) / baseline : null;
  const direction = delta === null ? null : Math.abs(delta) < FLAT_BAND ? 'flat' : delta > 0 ? 'up' : 'down';
  return { value, baseline, delta, direction, warn: delta !== null && Math.abs(delta) >= WARN_BAND };
}

export function liveMetricsView(live: LiveMetrics | undefined): LiveMetricsView | undefined {
  if (!live) return undefined;
  const { spaces, occupied } = live.parking;
  return {
    parkingOccupancy: spaces > 0 ? occupied / spaces : null,
    parkingSpaces: spaces,
    parkingOccupied: occupied,
    binsFull: live.binFill[4],
    binsReporting: live.binFill.reduce((a, b) => a + b, 0),
    doorOpenings1h: live.doorOpenings1h,
    water: usageVsUsual(live.water1h, live.waterBaseline1h),
    power: usageVsUsual(live.power1h, live.powerBaseline1h),
    smokeAlarms: live.smokeAlarms,
    sosActive: live.sosActive,
  };
}
