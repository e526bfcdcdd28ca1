import type { AreaStats } from '../../../../protocol';

/** How urgent a pressure index reads: ≥ 70 high, ≥ 40 elevated, else normal. */
export type PressureLevel = 'high' | 'elevated' | 'normal';

export function pressureLevel(pressure: number): PressureLevel {
  return pressure >= 70 ? 'high' : pressure >= 40 ? 'elevated' : 'normal';
}

export interface PressureRow {
  rank: number;
  code: string;
  pressure: number;
  level: PressureLevel;
  /** What drives it, for the row's detail line. */
  open: number;
  overdue: number;
  negative1h: number;
  trouble: number;
}

/**
 * Grids ranked by pressure index, highest first; ties go to more open cases, then code, so the order is
 * stable between frames. Grids at 0 are left out: a quiet grid is not a ranking entry.
 */
export function pressureRanking(grids: readonly AreaStats[], limit: number): PressureRow[] {
  return grids
    .filter((g) => g.pressure > 0)
    .sort((a, b) => b.pressure - a.pressure || b.cases.open - a.cases.open || a.code.localeCompare(b.code))
    .slice(0, limit)
    .map((g, i) => ({
      rank: i + 1,
      code: g.code,
      pressure: Math.round(g.pressure),
      level: pressureLevel(g.pressure),
      open: g.cases.open,
      overdue: g.cases.overdue,
      negative1h: g.opinion.negative1h,
      trouble: g.devices.offline + g.devices.fault,
    }));
}
