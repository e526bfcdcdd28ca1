import {
  SEVERITIES,
  type AlertView,
  type ApiError,
  type DutyKpis,
  type Role,
  type Severity,
} from '../../../../protocol';

/** One colour per severity, the same on every screen and on the map (features/map area-choropleth-layer). */
export const SEVERITY_COLORS: Readonly<Record<Severity, string>> = {
  warning: '#60a5fa',
  minor: '#facc15',
  major: '#fb923c',
  critical: '#ff1f3d',
};

/** Most severe first. */
export const SEVERITIES_DESC: readonly Severity[] = [...SEVERITIES].reverse();

export type AlertStateFilter = 'all' | 'unacknowledged' | 'active' | 'cleared' | 'acknowledged';
export const ALERT_STATE_FILTERS: readonly AlertStateFilter[] = [
  'all',
  'unacknowledged',
  'active',
  'cleared',
  'acknowledged',
];

export interface AlertFilter {
  /** Severities shown; empty shows all. */
  severities: readonly Severity[];
  state: AlertStateFilter;
  /** An area code (street, community or grid): alerts in it; empty: everywhere. */
  area: string;
  /** Free text, matched against message, rule, subject, place and assignee (case-insensitive). */
  text: string;
}

export const EMPTY_FILTER: AlertFilter = { severities: [], state: 'all', area: '', text: '' };

export function matchesState(a: AlertView, state: AlertStateFilter): boolean {
  switch (state) {
    case 'unacknowledged':
      return !a.acknowledged;
    case 'active':
      return a.active;
    case 'cleared':
      return !a.active;
    case 'acknowledged':
      return a.acknowledged;
    default:
      return true;
  }
}

/** The queue narrowed by a filter; `placeOf` gives the searchable place name of an alert. */
export function filterAlerts(
  queue: readonly AlertView[],
  f: AlertFilter,
  placeOf: (a: AlertView) => string,
): AlertView[] {
  const text = f.text.trim().toLowerCase();
  return queue.filter(
    (a) =>
      (f.severities.length === 0 || f.severities.includes(a.severity)) &&
      matchesState(a, f.state) &&
      (!f.area || a.subject.grid.startsWith(f.area)) &&
      (!text ||
        [a.message, a.messageEn, a.ruleName, a.ruleNameEn, a.ruleId, a.subject.id, a.assignee ?? '', placeOf(a)]
          .join('\n')
          .toLowerCase()
          .includes(text)),
  );
}

/** Alerts per severity in a list (the filter chips' counts). */
export function countBySeverity(alerts: readonly AlertView[]): Record<Severity, number> {
  const out: Record<Severity, number> = { warning: 0, minor: 0, major: 0, critical: 0 };
  for (const a of alerts) out[a.severity] += 1;
  return out;
}

/** The alert's own words in the page's language. */
export function alertMessage(a: AlertView, locale: string): string {
  return locale.startsWith('en') ? a.messageEn : a.message;
}

/** The name of the alert's rule in the page's language. */
export function alertRuleName(a: AlertView, locale: string): string {
  return locale.startsWith('en') ? a.ruleNameEn : a.ruleName;
}

type Translate = (key: string, named?: Record<string, unknown>) => string;

/**
 * Time since `from`, compact and in the locale's words: 45 秒 / 45 s, 3 分 12 秒 / 3 min 12 s, 2 小时 5 分 / 2 h 5 min,
 * 3 天 4 小时 / 3 d 4 h. Seconds are shown under an hour so a live counter visibly moves.
 */
export function formatAge(ms: number, t: Translate): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3_600);
  const m = Math.floor((s % 3_600) / 60);
  const sec = s % 60;
  if (d > 0) return t('alerts.age.dh', { d, h });
  if (h > 0) return t('alerts.age.hm', { h, m });
  if (m > 0) return t('alerts.age.ms', { m, s: sec });
  return t('alerts.age.s', { s: sec });
}

const clockFormats = new Map<string, Intl.DateTimeFormat>();

/** A clock time of the day (HH:mm:ss) in the locale; with the date when not today. */
export function formatClock(ms: number, locale: string, now: number): string {
  const sameDay = new Date(ms).toDateString() === new Date(now).toDateString();
  // Formatters are costly to build and boards format every row on every update: one per locale and shape.
  const key = `${locale}|${sameDay}`;
  let f = clockFormats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, {
      ...(sameDay ? {} : { month: '2-digit', day: '2-digit' }),
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hour12: false,
    });
    clockFormats.set(key, f);
  }
  return f.format(ms);
}

/**
 * Why an action was refused, in the page's language. A lost race says who won and when
 * ("已由 王五 于 14:02:11 确认" / "already acknowledged by wang at 14:02:11"), from `error.conflict`.
 */
export function actionErrorText(error: ApiError, t: Translate, locale: string, now: number): string {
  if (error.code === 'conflict' && error.conflict) {
    const action = ['ack', 'note', 'assign', 'dispatch', 'resolve'].includes(error.conflict.action)
      ? error.conflict.action
      : 'other';
    return t('alerts.conflict', {
      action: t(`alerts.done.${action}`),
      by: error.conflict.by,
      at: formatClock(error.conflict.at, locale, now),
    });
  }
  const known = ['forbidden', 'unauthorized', 'rate_limited', 'not_found', 'invalid_payload', 'conflict'];
  if (known.includes(error.code)) return t(`alerts.error.${error.code}`, { message: error.message });
  return t('alerts.error.other', { message: error.message });
}

/** The newest unacknowledged critical alert that may notify: what the wall shows full-screen until someone acknowledges it. */
export function takeoverAlert(queue: readonly AlertView[]): AlertView | undefined {
  let best: AlertView | undefined;
  for (const a of queue) {
    if (a.severity !== 'critical' || a.acknowledged || a.silenced) continue;
    if (!best || a.firstSeen > best.firstSeen) best = a;
  }
  return best;
}

/** Whether something should sound: an unacknowledged alert of this severity or above that is not silenced. */
export function needsSound(queue: readonly AlertView[], minSeverity: Severity = 'critical'): boolean {
  const min = SEVERITIES.indexOf(minSeverity);
  return queue.some((a) => !a.acknowledged && !a.silenced && SEVERITIES.indexOf(a.severity) >= min);
}

export interface SeverityKpiRow {
  severity: Severity;
  open: number;
  raised: number;
  acknowledged: number;
  resolved: number;
  ttaMs: number | null;
  ttrMs: number | null;
}

/** TTA/TTR per severity, most severe first. */
export function kpiRows(kpis: DutyKpis | null): SeverityKpiRow[] {
  return SEVERITIES_DESC.map((severity) => {
    const s = kpis?.bySeverity[severity];
    return {
      severity,
      open: kpis?.open[severity] ?? 0,
      raised: s?.raised ?? 0,
      acknowledged: s?.acknowledged ?? 0,
      resolved: s?.resolved ?? 0,
      ttaMs: s?.ttaMedianMs ?? null,
      ttrMs: s?.ttrMedianMs ?? null,
    };
  });
}

/**
 * Whether a role may act on alerts — protocol/auth.ts `canAct`, which the server enforces; the screens only use it
 * to show or grey out the buttons. Restated here so a page does not load protocol/auth.ts, whose zod schemas would
 * bring zod into the bundle; a unit test holds the two equal for every role.
 */
export function mayActOnAlerts(role: Role): boolean {
  return role === 'duty' || role === 'admin';
}
