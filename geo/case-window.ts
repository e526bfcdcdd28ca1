import { CASE_WINDOWS, type CaseView, type CaseWindow } from '../protocol';

export { CASE_WINDOWS, type CaseWindow };

const WINDOW_MS: Record<Exclude<CaseWindow, 'open'>, number> = { '24h': 86_400_000, '7d': 7 * 86_400_000 };

export function isCaseWindow(value: unknown): value is CaseWindow {
  return typeof value === 'string' && (CASE_WINDOWS as readonly string[]).includes(value);
}

/**
 * The cases of a window at server time `now`. The `cases` layer holds open cases and cases closed in the last
 * 24 h, so "7 d" is every case of the layer reported in the last 7 days (older closed ones are not sent).
 */
export function casesInWindow(cases: readonly CaseView[], window: CaseWindow, now: number): CaseView[] {
  if (window === 'open') return cases.filter((c) => c.state !== 'closed');
  const since = now - WINDOW_MS[window];
  return cases.filter((c) => c.reportedAt >= since && c.reportedAt <= now);
}

/** Weight of a case in the heatmap and the hexagons: overdue cases count double. */
export function caseWeight(c: Pick<CaseView, 'state'>): number {
  return c.state === 'overdue' ? 2 : 1;
}
