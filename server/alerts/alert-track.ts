import type { AlertLinks, AlertSubject, AlertView, DeviceType, Feed, Silence } from '../../protocol';
import { METRIC_PATHS } from './metric-paths';
import { MEASURE_FEEDS, type AlertRule, type Flapping } from './rule.schema';

/** The flapping guard when neither the rule nor the file's defaults set one. */
export const DEFAULT_FLAPPING: Flapping = { minActive: 0, clearAfter: 0, maxChanges: 6, window: 3_600_000 };

/** The live alert of a track: AlertView's fields, mutable, plus what the lifecycle needs. */
export interface AlertRecord extends Omit<AlertView, 'ruleNameEn' | 'message' | 'messageEn' | 'links'> {
  links: AlertLinks;
  /** When it last became active (raised or re-triggered). */
  activeSince: number;
  /** When it was last escalated (or raised, before any escalation). */
  escalatedAt: number;
  deviceType: DeviceType | undefined;
}

/** What the engine holds for one (rule, subject): pending time, the alert, recent state changes. */
export interface Track {
  ruleId: string;
  subject: AlertSubject;
  pendingSince: number | null;
  /** Since when the clear condition has held (for clearAfter / flapping calm). */
  clearSince: number | null;
  alert: AlertRecord | null;
  /** Times of recent state changes (raise, re-trigger, clear), oldest first, bounded by the guard. */
  changes: number[];
}

/** The feed a rule's alerts belong to (for compound incidents); null for cross-feed or compound rules. */
export function feedOfRule(rule: AlertRule): Feed | null {
  switch (rule.kind) {
    case 'threshold':
      return METRIC_PATHS.get(rule.metric) ?? null;
    case 'ratio':
    case 'absence':
      return 'device';
    case 'spike':
      return MEASURE_FEEDS[rule.measure];
    case 'negative_opinion_spike':
      return 'opinion';
    case 'sla_overdue':
      return 'case';
    case 'compound':
      return null;
  }
}

/** Device types a rule is about (for silences by device type). */
export function deviceTypesOfRule(rule: AlertRule): readonly DeviceType[] {
  if (rule.kind === 'absence') return [rule.deviceType];
  if (rule.kind === 'ratio') return rule.deviceTypes ?? [];
  return [];
}

/** Whether a silence covers an alert at `now` (every given criterion must match). */
export function silenceMatches(
  s: Silence,
  rule: AlertRule,
  a: Pick<AlertRecord, 'subject' | 'deviceType'>,
  now: number,
): boolean {
  if (now < s.from || now >= s.to) return false;
  if (s.rules && !s.rules.includes(rule.id)) return false;
  if (s.areas && !s.areas.some((p) => a.subject.grid.startsWith(p))) return false;
  if (s.deviceTypes) {
    const types = a.deviceType ? [a.deviceType] : deviceTypesOfRule(rule);
    if (!types.some((t) => s.deviceTypes!.includes(t))) return false;
  }
  return true;
}

/** Union of link lists, capped so an incident never grows without bound. */
export function mergeLinks(into: AlertLinks, from: Partial<AlertLinks> | undefined, cap = 50): void {
  if (!from) return;
  for (const key of ['devices', 'cases', 'parts'] as const) {
    const add = from[key];
    if (!add) continue;
    const list = (into[key] ??= []);
    for (const id of add) if (list.length < cap && !list.includes(id)) list.push(id);
  }
  if (from.posts !== undefined) into.posts = from.posts;
}
