import { maxSeverity, type AlertChangeType } from '../../protocol';
import { mergeLinks, type AlertRecord, type Track } from './alert-track';
import type { Observation } from './rule-evaluators';
import type { AlertRule, Flapping } from './rule.schema';

/** What a state transition may do to the engine around it. */
export interface Lifecycle {
  emit(type: AlertChangeType, t: Track, notify: boolean): void;
  /** Indexes a new alert by id. */
  register(t: Track): void;
  unregister(alertId: string): void;
  silenced(rule: AlertRule, a: AlertRecord, now: number): boolean;
  /** Forgets a track with neither a pending time nor an alert. */
  dropIfIdle(t: Track): void;
}

/** Records a state change; too many within the guard's window mark the alert flapping. */
function noteChange(t: Track, now: number, guard: Flapping): void {
  t.changes.push(now);
  while (t.changes.length > 0 && now - t.changes[0]! > guard.window) t.changes.shift();
  if (t.changes.length > guard.maxChanges + 1) t.changes.shift();
  if (t.alert && t.changes.length > guard.maxChanges) t.alert.flapping = true;
}

/** Moves one (rule, subject) by one observation: pending → raised, re-trigger, hysteresis clear, resolve. */
export function applyObservation(
  lc: Lifecycle,
  rule: AlertRule,
  t: Track,
  o: Observation,
  now: number,
  pendingFor: number,
  guard: Flapping,
): void {
  const a = t.alert;
  if (o.firing) {
    t.clearSince = null;
    if (a?.active) {
      a.lastSeen = now;
      a.value = o.value;
      a.threshold = o.threshold;
      const before = a.severity;
      if (o.severity) a.severity = maxSeverity(a.severity, o.severity);
      const partsBefore = a.links.parts?.length ?? 0;
      if (o.links)
        a.links = {
          devices: o.links.devices ?? [],
          cases: o.links.cases ?? [],
          ...(o.links.posts !== undefined ? { posts: o.links.posts } : {}),
          ...(o.links.parts ? { parts: o.links.parts } : {}),
        };
      if (a.severity !== before) lc.emit('updated', t, !a.silenced);
      else if ((a.links.parts?.length ?? 0) > partsBefore) lc.emit('updated', t, false);
      return;
    }
    t.pendingSince ??= now;
    if (now - t.pendingSince < pendingFor) return;
    t.pendingSince = null;
    const severity = o.severity ? maxSeverity(rule.severity, o.severity) : rule.severity;
    if (a) {
      // A cleared, unacknowledged alert that triggers again is the same alert: one per (rule, subject).
      a.active = true;
      a.clearedAt = null;
      a.count++;
      a.lastSeen = now;
      a.activeSince = now;
      a.value = o.value;
      a.threshold = o.threshold;
      a.severity = maxSeverity(a.severity, severity);
      if (o.links) mergeLinks(a.links, o.links);
      noteChange(t, now, guard);
      lc.emit('raised', t, !a.silenced && !a.flapping);
      return;
    }
    const rec: AlertRecord = {
      id: `${rule.id}:${o.subject.id}:${now.toString(36)}`,
      ruleId: rule.id,
      ruleName: rule.name,
      kind: rule.kind,
      subject: o.subject,
      severity,
      active: true,
      acknowledged: false,
      clearedAt: null,
      firstSeen: now,
      lastSeen: now,
      count: 1,
      value: o.value,
      threshold: o.threshold,
      links: { devices: [], cases: [] },
      escalations: 0,
      silenced: false,
      flapping: false,
      activeSince: now,
      escalatedAt: now,
      deviceType: o.deviceType,
    };
    mergeLinks(rec.links, o.links);
    rec.silenced = lc.silenced(rule, rec, now);
    t.alert = rec;
    lc.register(t);
    noteChange(t, now, guard);
    lc.emit('raised', t, !rec.silenced);
    return;
  }
  t.pendingSince = null;
  if (a?.active) {
    if (!o.clearing) {
      t.clearSince = null;
      return;
    }
    t.clearSince ??= now;
    const hold = a.flapping ? Math.max(guard.clearAfter, guard.window) : guard.clearAfter;
    if (now - t.clearSince < hold || now - a.activeSince < guard.minActive) return;
    const wasFlapping = a.flapping;
    a.active = false;
    a.clearedAt = now;
    if (wasFlapping) {
      // It held through a calm window: it has stopped flapping.
      a.flapping = false;
      t.changes = [now];
    } else noteChange(t, now, guard);
    if (a.acknowledged) {
      lc.emit('resolved', t, false);
      lc.unregister(a.id);
      t.alert = null;
    } else lc.emit('cleared', t, !a.silenced && !wasFlapping);
  }
  lc.dropIfIdle(t);
}
