import {
  SEVERITIES,
  maxSeverity,
  severityUp,
  type AlertChangeType,
  type AlertView,
  type AreaStats,
  type Silence,
} from '../../protocol';
import type { MetricWatch } from '../aggregate/metric-watch';
import type { AlertInputs } from './alert-inputs';
import { alertMessages } from './alert-messages';
import { DEFAULT_FLAPPING, feedOfRule, mergeLinks, silenceMatches, type AlertRecord, type Track } from './alert-track';
import { applyObservation, type Lifecycle } from './alert-lifecycle';
import { evalCompound, type PartAlert } from './compound';
import {
  evalAbsence,
  evalNegativeOpinion,
  evalRatio,
  evalSlaOverdue,
  evalSpike,
  evalThreshold,
  isScanning,
  type EvalContext,
  type Observation,
} from './rule-evaluators';
import type { AbsenceRule, AlertRule } from './rule.schema';

/** One change of one alert, for the hub (`alert:*` notifications) and the store. */
export interface AlertChange {
  type: AlertChangeType;
  alert: AlertView;
  /** False while silenced or flapping: screens update, nothing sounds. */
  notify: boolean;
}

export type AckResult =
  { ok: true; changes: AlertChange[] } | { ok: false; code: 'not_found' | 'already_acknowledged'; alert?: AlertView };

/** Fields of an alert that belong to the duty workflow, not to the rules. */
export type DutyFields = Partial<Pick<AlertView, 'assignee' | 'caseId' | 'notes'>>;

export interface AlertEngineOptions {
  rules: readonly AlertRule[];
  silences?: readonly Silence[];
  /** Rules that scan devices or cases run at most this often (clock ms). Default 10 s. */
  scanEveryMs?: number;
  /** A cleared alert nobody acknowledges leaves the engine after this long (the store keeps it). Default 7 d. */
  retainClearedMs?: number;
}

export interface AlertEngine {
  /** Evaluates every enabled rule at `now` over `inputs`; returns what changed (at most one change per alert). */
  evaluate(now: number, inputs: AlertInputs): AlertChange[];
  /** Sets the acknowledged flag (independent of active/cleared). A cleared alert acknowledged is resolved. */
  acknowledge(alertId: string, by: string, note: string | undefined, at: number): AckResult;
  /** Sets the duty workflow's fields of a live alert (assignee, linked case, note count); undefined if not live. */
  annotate(alertId: string, patch: DutyFields): AlertChange | undefined;
  /**
   * Closes a live alert by hand (the duty `resolve`): acknowledged if it was not, cleared, and out of the live
   * queue. A condition that still holds raises a new alert at a later evaluation. Undefined if not live.
   */
  resolve(alertId: string, by: string, at: number): AlertChange | undefined;
  /**
   * Swaps the rules atomically. Rules whose id and kind are unchanged keep their pending timers and alerts (they
   * are judged by the new definition from the next evaluation); alerts of removed, disabled or re-kinded rules
   * are resolved and returned (notify false).
   */
  setRules(rules: readonly AlertRule[]): AlertChange[];
  setSilences(silences: readonly Silence[]): void;
  /** Live alerts: active, and cleared but unacknowledged; critical first, newest first. */
  alerts(): AlertView[];
  get(alertId: string): AlertView | undefined;
  /** (rule, subject) pairs whose condition holds but not yet for the rule's `for`. */
  pending(): { ruleId: string; subject: Track['subject']; since: number }[];
  /** Re-creates live alerts from the store after a restart (active or cleared-unacknowledged views). */
  restore(views: readonly AlertView[]): void;
  readonly rules: readonly AlertRule[];
}

const PRIORITY: Readonly<Record<AlertChangeType, number>> = {
  updated: 0,
  escalated: 1,
  raised: 2,
  cleared: 3,
  resolved: 4,
};
const DAY = 86_400_000;

export function createAlertEngine(opts: AlertEngineOptions): AlertEngine {
  let rules: AlertRule[] = [];
  let byId = new Map<string, AlertRule>();
  let silences: Silence[] = [...(opts.silences ?? [])];
  let watchesDirty = true;
  const scanEvery = opts.scanEveryMs ?? 10_000;
  const retainCleared = opts.retainClearedMs ?? 7 * DAY;
  /** ruleId → subject id → track. */
  const tracks = new Map<string, Map<string, Track>>();
  const byAlertId = new Map<string, Track>();
  const lastScan = new Map<string, number>();
  let areaName: (code: string, lang: 'zh' | 'en') => string | undefined = () => undefined;

  const watchKey = (r: AbsenceRule) => `${r.deviceType}|${r.activity.metric}${r.activity.op}${r.activity.value}`;

  function view(t: Track): AlertView {
    const a = t.alert!;
    const rule = byId.get(t.ruleId);
    const { activeSince: _s, escalatedAt: _e, deviceType: _d, links, ...rest } = a;
    const copy = {
      devices: [...links.devices],
      cases: [...links.cases],
      ...(links.posts !== undefined ? { posts: links.posts } : {}),
      ...(links.parts ? { parts: [...links.parts] } : {}),
    };
    const msg = rule
      ? alertMessages(rule, { ...a, links: copy }, areaName)
      : { zh: a.ruleName, en: a.ruleId, ruleNameEn: a.ruleId };
    return { ...rest, ruleNameEn: msg.ruleNameEn, message: msg.zh, messageEn: msg.en, links: copy };
  }

  function setRules(next: readonly AlertRule[]): AlertChange[] {
    const changes: AlertChange[] = [];
    const nextById = new Map(next.map((r) => [r.id, r]));
    for (const [ruleId, map] of tracks) {
      const r = nextById.get(ruleId);
      const old = byId.get(ruleId);
      if (r && r.enabled && old && old.kind === r.kind) continue;
      for (const t of map.values()) {
        if (!t.alert) continue;
        byAlertId.delete(t.alert.id);
        changes.push({ type: 'resolved', alert: view(t), notify: false });
      }
      tracks.delete(ruleId);
      lastScan.delete(ruleId);
    }
    rules = [...next];
    byId = nextById;
    watchesDirty = true;
    return changes;
  }
  setRules(opts.rules);

  function trackOf(ruleId: string, subjectId: string): Track | undefined {
    return tracks.get(ruleId)?.get(subjectId);
  }

  const lifecycle = (emit: (type: AlertChangeType, t: Track, notify: boolean) => void): Lifecycle => ({
    emit,
    register: (t) => void byAlertId.set(t.alert!.id, t),
    unregister: (id) => void byAlertId.delete(id),
    silenced: (rule, a, now) => silences.some((s) => silenceMatches(s, rule, a, now)),
    dropIfIdle,
  });

  function dropIfIdle(t: Track): void {
    if (t.alert || t.pendingSince !== null) return;
    const map = tracks.get(t.ruleId);
    map?.delete(t.subject.id);
    if (map?.size === 0) tracks.delete(t.ruleId);
  }

  function evaluate(now: number, inputs: AlertInputs): AlertChange[] {
    areaName = (code, lang) => inputs.areaName(code, lang);
    if (watchesDirty) {
      const watches = new Map<string, MetricWatch>();
      for (const r of rules) {
        if (r.kind !== 'absence' || !r.enabled) continue;
        const key = watchKey(r);
        watches.set(key, {
          key,
          type: r.deviceType,
          metric: r.activity.metric,
          op: r.activity.op,
          value: r.activity.value,
        });
      }
      inputs.watchMetrics([...watches.values()]);
      watchesDirty = false;
    }
    const out = new Map<string, AlertChange>();
    const emit = (type: AlertChangeType, t: Track, notify: boolean) => {
      const a = t.alert!;
      const prev = out.get(a.id);
      if (prev && PRIORITY[prev.type] > PRIORITY[type]) {
        prev.alert = view(t);
        prev.notify ||= notify;
        return;
      }
      out.set(a.id, { type, alert: view(t), notify: notify || (prev?.notify ?? false) });
    };
    const memo = new Map<string, AreaStats | undefined>();
    const ctx: EvalContext = {
      now,
      inputs,
      stats(code) {
        if (!memo.has(code)) memo.set(code, inputs.stats(code));
        return memo.get(code);
      },
      inScope: (rule, code) => !rule.scope || rule.scope.some((p) => code.startsWith(p) || p.startsWith(code)),
      tracked: (ruleId, subjectId) => trackOf(ruleId, subjectId) !== undefined,
      watchKey,
    };

    for (const rule of rules) {
      if (!rule.enabled || rule.kind === 'compound') continue;
      if (isScanning(rule)) {
        if (now - (lastScan.get(rule.id) ?? -Infinity) < scanEvery) continue;
        lastScan.set(rule.id, now);
      }
      const seen = new Map<string, Observation>();
      const collect = (o: Observation) => {
        const prev = seen.get(o.subject.id);
        if (!prev) return void seen.set(o.subject.id, o);
        // The same subject twice in one evaluation: still one alert (the worse reading wins).
        prev.firing ||= o.firing;
        prev.clearing &&= o.clearing;
        if (o.value > prev.value) prev.value = o.value;
        if (o.severity) prev.severity = prev.severity ? maxSeverity(prev.severity, o.severity) : o.severity;
        mergeLinks((prev.links ??= {}) as never, o.links);
      };
      switch (rule.kind) {
        case 'threshold':
          evalThreshold(rule, ctx, collect);
          break;
        case 'ratio':
          evalRatio(rule, ctx, collect);
          break;
        case 'absence':
          evalAbsence(rule, ctx, collect);
          break;
        case 'spike':
          evalSpike(rule, ctx, collect);
          break;
        case 'negative_opinion_spike':
          evalNegativeOpinion(rule, ctx, collect);
          break;
        case 'sla_overdue':
          evalSlaOverdue(rule, ctx, collect);
          break;
      }
      step(rule, seen, now, emit);
    }

    const parts: PartAlert[] = [];
    for (const [ruleId, map] of tracks) {
      const rule = byId.get(ruleId);
      if (!rule || rule.kind === 'compound') continue;
      for (const t of map.values()) if (t.alert) parts.push({ alert: t.alert, rule, feed: feedOfRule(rule) });
    }
    for (const rule of rules) {
      if (!rule.enabled || rule.kind !== 'compound') continue;
      const tracked = tracks.get(rule.id)?.keys() ?? [];
      const seen = new Map<string, Observation>();
      for (const o of evalCompound(rule, parts, now, [...tracked], (code) => ctx.inScope(rule, code)))
        seen.set(o.subject.id, o);
      step(rule, seen, now, emit);
    }

    for (const map of tracks.values()) {
      for (const t of map.values()) if (t.alert) housekeep(t, now, emit);
    }
    return [...out.values()];
  }

  /** Escalation, silences and expiry of one live alert. */
  function housekeep(t: Track, now: number, emit: (type: AlertChangeType, t: Track, notify: boolean) => void): void {
    const a = t.alert!;
    const rule = byId.get(t.ruleId)!;
    const silenced = silences.some((s) => silenceMatches(s, rule, a, now));
    if (silenced !== a.silenced) {
      a.silenced = silenced;
      // A silence that ends while the alert still needs attention notifies then.
      emit('updated', t, !silenced && a.active && !a.acknowledged && !a.flapping);
    }
    const esc = rule.escalation;
    if (esc && a.active && !a.acknowledged && a.escalations < esc.times && now - a.escalatedAt >= esc.after) {
      a.severity =
        SEVERITIES.indexOf(a.severity) < SEVERITIES.indexOf(esc.max) ? severityUp(a.severity, esc.max) : a.severity;
      a.escalations++;
      a.escalatedAt = now;
      emit('escalated', t, !a.silenced);
    }
    if (!a.active && !a.acknowledged && a.clearedAt !== null && now - a.clearedAt > retainCleared) {
      emit('resolved', t, false);
      byAlertId.delete(a.id);
      t.alert = null;
      dropIfIdle(t);
    }
  }

  /** Moves every (rule, subject) of one rule by its observations; subjects not observed are judged not firing. */
  function step(
    rule: AlertRule,
    seen: Map<string, Observation>,
    now: number,
    emit: (type: AlertChangeType, t: Track, notify: boolean) => void,
  ): void {
    let map = tracks.get(rule.id);
    const guard = rule.flapping ?? DEFAULT_FLAPPING;
    const pendingFor = rule.kind === 'absence' ? 0 : rule.for;
    for (const o of seen.values()) {
      let t = map?.get(o.subject.id);
      if (!t) {
        if (!o.firing) continue;
        if (!map) tracks.set(rule.id, (map = new Map()));
        t = { ruleId: rule.id, subject: o.subject, pendingSince: null, clearSince: null, alert: null, changes: [] };
        map.set(o.subject.id, t);
      }
      applyObservation(lifecycle(emit), rule, t, o, now, pendingFor, guard);
    }
    if (map) {
      for (const t of [...map.values()]) {
        if (seen.has(t.subject.id)) continue;
        applyObservation(
          lifecycle(emit),
          rule,
          t,
          {
            subject: t.subject,
            firing: false,
            clearing: true,
            value: t.alert?.value ?? 0,
            threshold: t.alert?.threshold ?? 0,
          },
          now,
          pendingFor,
          guard,
        );
      }
    }
  }

  return {
    evaluate,
    setRules,
    setSilences(next) {
      silences = [...next];
    },
    acknowledge(alertId, by, note, at) {
      const t = byAlertId.get(alertId);
      if (!t?.alert) return { ok: false, code: 'not_found' };
      const a = t.alert;
      if (a.acknowledged) return { ok: false, code: 'already_acknowledged', alert: view(t) };
      a.acknowledged = true;
      a.ackBy = by;
      a.ackAt = at;
      if (note !== undefined) a.ackNote = note;
      if (a.active) return { ok: true, changes: [{ type: 'updated', alert: view(t), notify: false }] };
      const change: AlertChange = { type: 'resolved', alert: view(t), notify: false };
      byAlertId.delete(a.id);
      t.alert = null;
      dropIfIdle(t);
      return { ok: true, changes: [change] };
    },
    annotate(alertId, patch) {
      const t = byAlertId.get(alertId);
      if (!t?.alert) return undefined;
      Object.assign(t.alert, patch);
      return { type: 'updated', alert: view(t), notify: false };
    },
    resolve(alertId, by, at) {
      const t = byAlertId.get(alertId);
      if (!t?.alert) return undefined;
      const a = t.alert;
      if (!a.acknowledged) Object.assign(a, { acknowledged: true, ackBy: by, ackAt: at });
      if (a.active) Object.assign(a, { active: false, clearedAt: at });
      Object.assign(a, { resolvedBy: by, resolvedAt: at });
      const change: AlertChange = { type: 'resolved', alert: view(t), notify: false };
      byAlertId.delete(a.id);
      t.alert = null;
      // A hand-closed alert starts the (rule, subject) afresh: a condition still true is pending again.
      t.clearSince = null;
      dropIfIdle(t);
      return change;
    },
    alerts() {
      const list = [...byAlertId.values()].map(view);
      return list.sort(
        (x, y) =>
          SEVERITIES.indexOf(y.severity) - SEVERITIES.indexOf(x.severity) ||
          y.lastSeen - x.lastSeen ||
          x.id.localeCompare(y.id),
      );
    },
    get(alertId) {
      const t = byAlertId.get(alertId);
      return t?.alert ? view(t) : undefined;
    },
    pending() {
      const out: { ruleId: string; subject: Track['subject']; since: number }[] = [];
      for (const map of tracks.values())
        for (const t of map.values())
          if (t.pendingSince !== null) out.push({ ruleId: t.ruleId, subject: t.subject, since: t.pendingSince });
      return out;
    },
    restore(views) {
      for (const v of views) {
        if (!byId.has(v.ruleId) || (!v.active && v.acknowledged)) continue;
        let map = tracks.get(v.ruleId);
        if (!map) tracks.set(v.ruleId, (map = new Map()));
        // Words are derived from the rule and the district on every view, never restored (older rows lack some).
        const { ruleNameEn: _n, message: _m, messageEn: _e, ...fields } = v;
        const alert: AlertRecord = {
          ...fields,
          links: { ...v.links, devices: [...v.links.devices], cases: [...v.links.cases] },
          activeSince: v.lastSeen,
          escalatedAt: v.lastSeen,
          deviceType: undefined,
        };
        map.set(v.subject.id, {
          ruleId: v.ruleId,
          subject: v.subject,
          pendingSince: null,
          clearSince: null,
          alert,
          changes: [],
        });
        byAlertId.set(v.id, map.get(v.subject.id)!);
      }
    },
    get rules() {
      return rules;
    },
  };
}
