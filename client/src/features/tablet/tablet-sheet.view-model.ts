import type { AlertView, AreaStats, CaseView, WindowSeries } from '../../../../protocol';

/** Headline figures of one area for the sheet (null where there is nothing to show yet). */
export interface AreaFigures {
  events5m: number | null;
  onlineRatio: number | null;
  devices: number | null;
  openCases: number | null;
  overdueCases: number | null;
  negative1h: number | null;
  pressure: number | null;
  urgentNow: number | null;
}

export function areaFigures(s: AreaStats | undefined): AreaFigures {
  if (!s) {
    return {
      events5m: null,
      onlineRatio: null,
      devices: null,
      openCases: null,
      overdueCases: null,
      negative1h: null,
      pressure: null,
      urgentNow: null,
    };
  }
  return {
    events5m: s.events5m.device + s.events5m.case + s.events5m.opinion,
    onlineRatio: s.devices.total ? s.devices.online / s.devices.total : null,
    devices: s.devices.total,
    openCases: s.cases.open,
    overdueCases: s.cases.overdue,
    negative1h: s.opinion.negative1h,
    pressure: s.pressure,
    urgentNow: s.live.smokeAlarms + s.live.sosActive,
  };
}

/** Alerts whose subject lies in the area (its grid's code starts with the area's). */
export function alertsIn(queue: readonly AlertView[], code: string): AlertView[] {
  return queue.filter((a) => a.subject.grid.startsWith(code) || a.subject.id === code);
}

/** Overdue cases in the area, longest overdue first. */
export function overdueCasesIn(cases: readonly CaseView[], code: string, limit = 8): CaseView[] {
  return cases
    .filter((c) => c.state === 'overdue' && c.grid.startsWith(code))
    .sort((a, b) => a.deadline - b.deadline || a.id.localeCompare(b.id))
    .slice(0, limit);
}

/**
 * The trail from the leader's jurisdiction down to `code` (both included), by code prefix: a leader never
 * climbs above their own area. `levels` are the code lengths of the hierarchy (9 street, 12 community, 15 grid).
 */
export function trailFrom(root: string, code: string, levels: readonly number[] = [6, 9, 12, 15]): string[] {
  if (root === '*')
    return code === '*'
      ? ['*']
      : ['*', ...levels.filter((n) => n <= code.length && n > 6).map((n) => code.slice(0, n))];
  if (!code.startsWith(root)) return [root];
  return [root, ...levels.filter((n) => n > root.length && n <= code.length).map((n) => code.slice(0, n))];
}

/** A polyline through the values, scaled into a `w`×`h` box (the max at the top; all zero sits on the floor). */
export function sparkPath(values: readonly number[], w: number, h: number): string {
  if (values.length === 0) return '';
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? w / (values.length - 1) : 0;
  return values.map((v, i) => `${i ? 'L' : 'M'}${(i * step).toFixed(1)},${(h - (v / max) * h).toFixed(1)}`).join('');
}

/** New and closed cases per hour of a window series. */
export function caseTrend(series: WindowSeries<{ new: number; closed: number }> | undefined) {
  const points = series?.points ?? [];
  return {
    new: points.map((p) => p.new),
    closed: points.map((p) => p.closed),
    start: series?.start,
    stepMs: series?.stepMs,
  };
}
