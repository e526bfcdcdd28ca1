import {
  CODE_LENGTH,
  DEVICE_TYPES,
  type AlertLinks,
  type AlertSubject,
  type AreaStats,
  type DeviceType,
  type Severity,
} from '../../protocol';
import { compareMetric, type MetricOp } from '../aggregate/metric-watch';
import type { AlertInputs } from './alert-inputs';
import { metricReader } from './metric-paths';
import type {
  AbsenceRule,
  AlertRule,
  NegativeOpinionRule,
  RatioRule,
  SlaOverdueRule,
  SpikeRule,
  ThresholdRule,
} from './rule.schema';

/** One subject as a rule sees it at one evaluation. */
export interface Observation {
  subject: AlertSubject;
  /** The condition holds. */
  firing: boolean;
  /** The clear condition holds (differs from !firing with hysteresis). */
  clearing: boolean;
  value: number;
  threshold: number;
  /** A graded severity, when the rule grades by value. */
  severity?: Severity;
  links?: Partial<AlertLinks>;
  deviceType?: DeviceType;
}

export interface EvalContext {
  now: number;
  inputs: AlertInputs;
  /** Stats memoised for this evaluation (one build per area per tick, whatever the number of rules). */
  stats(code: string): AreaStats | undefined;
  inScope(rule: AlertRule, code: string): boolean;
  /** Whether the engine holds state (pending or alert) for the rule and subject id. */
  tracked(ruleId: string, subjectId: string): boolean;
  /** The metric-watch key of an absence rule. */
  watchKey(rule: AbsenceRule): string;
}

type Emit = (o: Observation) => void;
const MAX_LINKED = 50;

const areaSubject = (code: string): AlertSubject => ({ type: 'area', id: code, grid: code });

function areasOf(rule: AlertRule & { level: keyof typeof CODE_LENGTH }, ctx: EvalContext): string[] {
  return ctx.inputs.areas(rule.level as 'grid').filter((code) => ctx.inScope(rule, code));
}

function grade(rule: ThresholdRule | RatioRule, v: number, op: MetricOp): Severity | undefined {
  let out: Severity | undefined;
  for (const g of rule.grades ?? []) if (compareMetric(v, op, g.value)) out = g.severity;
  return out;
}

const readers = new Map<string, ReturnType<typeof metricReader>>();

export function evalThreshold(rule: ThresholdRule, ctx: EvalContext, emit: Emit): void {
  let read = readers.get(rule.metric);
  if (!read) readers.set(rule.metric, (read = metricReader(rule.metric)));
  for (const code of areasOf(rule, ctx)) {
    const stats = ctx.stats(code);
    const v = stats ? read(stats) : null;
    if (v === null) {
      emit({ subject: areaSubject(code), firing: false, clearing: true, value: 0, threshold: rule.value });
      continue;
    }
    const firing = compareMetric(v, rule.op, rule.value);
    const clearing = !compareMetric(v, rule.op, rule.clear ?? rule.value);
    emit({
      subject: areaSubject(code),
      firing,
      clearing,
      value: v,
      threshold: rule.value,
      severity: grade(rule, v, rule.op),
    });
  }
}

function statusCount(c: { offline: number; fault: number }, what: 'offline' | 'fault' | 'offline_or_fault'): number {
  return what === 'offline' ? c.offline : what === 'fault' ? c.fault : c.offline + c.fault;
}

export function evalRatio(rule: RatioRule, ctx: EvalContext, emit: Emit): void {
  const judge = (code: string, num: number, total: number, devices?: string[]) => {
    if (total < rule.minTotal) {
      emit({
        subject: areaSubject(code),
        firing: false,
        clearing: true,
        value: total ? num / total : 0,
        threshold: rule.value,
      });
      return;
    }
    const r = num / total;
    const op = rule.op as MetricOp;
    emit({
      subject: areaSubject(code),
      firing: compareMetric(r, op, rule.value),
      clearing: !compareMetric(r, op, rule.clear ?? rule.value),
      value: r,
      threshold: rule.value,
      severity: grade(rule, r, op),
      ...(devices ? { links: { devices } } : {}),
      ...(rule.deviceTypes?.length === 1 ? { deviceType: rule.deviceTypes[0] } : {}),
    });
  };
  const numerator = rule.numerator;
  if (typeof numerator === 'string') {
    for (const code of areasOf(rule, ctx)) {
      const stats = ctx.stats(code);
      if (!stats) continue;
      let num = 0;
      let total = 0;
      for (const c of rule.deviceTypes ? rule.deviceTypes.map((t) => stats.devicesByType[t]) : [stats.devices]) {
        num += statusCount(c, numerator);
        total += c.total;
      }
      judge(code, num, total);
    }
    return;
  }
  // A metric condition: count the online devices reporting the metric, by area at the rule's level.
  const len = CODE_LENGTH[rule.level];
  const tally = new Map<string, { num: number; total: number; devices: string[] }>();
  for (const type of rule.deviceTypes ?? DEVICE_TYPES) {
    for (const d of ctx.inputs.devices(type)) {
      if (d.status === 'offline') continue;
      const v = d.metrics[numerator.metric];
      if (v === undefined) continue;
      const code = d.grid.slice(0, len);
      let t = tally.get(code);
      if (!t) tally.set(code, (t = { num: 0, total: 0, devices: [] }));
      t.total++;
      if (compareMetric(v, numerator.op, numerator.value)) {
        t.num++;
        if (t.devices.length < MAX_LINKED) t.devices.push(d.id);
      }
    }
  }
  for (const code of areasOf(rule, ctx)) {
    const t = tally.get(code);
    judge(code, t?.num ?? 0, t?.total ?? 0, t?.devices);
  }
}

export function evalAbsence(rule: AbsenceRule, ctx: EvalContext, emit: Emit): void {
  const key = ctx.watchKey(rule);
  const { inputs, now } = ctx;
  const ids = rule.devices ?? (rule.group !== undefined ? [...(inputs.deviceGroup(rule.group) ?? [])] : undefined);
  const candidates = ids ? ids.map((id) => inputs.device(id)) : inputs.devices(rule.deviceType);
  for (const d of candidates) {
    if (!d || d.type !== rule.deviceType || !ctx.inScope(rule, d.grid)) continue;
    const subject: AlertSubject = { type: 'device', id: d.id, grid: d.grid };
    const since = inputs.quietSince(d.id, key);
    const quiet = since === undefined ? 0 : Math.max(0, now - since);
    const firing = quiet >= rule.for && !(rule.requireOnline && d.status === 'offline');
    if (!firing && !ctx.tracked(rule.id, d.id)) continue;
    emit({
      subject,
      firing,
      clearing: !firing,
      value: quiet,
      threshold: rule.for,
      links: { devices: [d.id] },
      deviceType: d.type,
    });
  }
}

export function evalSpike(rule: SpikeRule, ctx: EvalContext, emit: Emit): void {
  for (const code of areasOf(rule, ctx)) {
    const v = ctx.inputs.measure(code, rule.measure, rule.window);
    const b = ctx.inputs.baseline(code, rule.measure, rule.window, ctx.now);
    const subject = areaSubject(code);
    if (b.mean === null || b.samples < rule.minSamples) {
      const firing = rule.unlearned === 'floor' && v >= rule.min;
      emit({ subject, firing, clearing: !firing, value: v, threshold: rule.min });
      continue;
    }
    const mean = b.mean;
    const std = Math.max(b.std ?? 0, rule.minStd);
    let score: number;
    let enough: boolean;
    if (rule.direction === 'up') {
      score = rule.mode === 'ratio' ? v / Math.max(mean, 1e-9) : (v - mean) / std;
      enough = v >= rule.min;
    } else {
      score = rule.mode === 'ratio' ? (mean > 0 ? mean / Math.max(v, 1e-9) : 0) : (mean - v) / std;
      enough = mean >= rule.min;
    }
    const firing = enough && score >= rule.value;
    const clearing = !enough || score < (rule.clear ?? rule.value);
    emit({ subject, firing, clearing, value: score, threshold: rule.value });
  }
}

export function evalNegativeOpinion(rule: NegativeOpinionRule, ctx: EvalContext, emit: Emit): void {
  for (const code of areasOf(rule, ctx)) {
    const v = ctx.inputs.measure(code, 'negativePosts', '1h');
    const b = ctx.inputs.baseline(code, 'negativePosts', '1h', ctx.now);
    const learned = b.mean !== null && b.samples >= rule.minSamples;
    const threshold = learned ? Math.max(rule.minCount, rule.factor * b.mean!) : rule.minCount;
    const firing = v >= threshold;
    emit({ subject: areaSubject(code), firing, clearing: !firing, value: v, threshold, links: { posts: v } });
  }
}

export function evalSlaOverdue(rule: SlaOverdueRule, ctx: EvalContext, emit: Emit): void {
  const filtered = rule.urgencies !== undefined || rule.categories !== undefined || rule.overdueFor > 0;
  if (rule.mode === 'area' && !filtered) {
    for (const code of areasOf(rule, ctx)) {
      const v = ctx.stats(code)?.cases.overdue ?? 0;
      emit({
        subject: areaSubject(code),
        firing: v >= rule.min,
        clearing: v < rule.min,
        value: v,
        threshold: rule.min,
      });
    }
    return;
  }
  const len = CODE_LENGTH[rule.level];
  const byArea = new Map<string, string[]>();
  for (const c of ctx.inputs.overdueCases()) {
    if (rule.urgencies && !rule.urgencies.includes(c.urgency)) continue;
    if (rule.categories && !rule.categories.some((p) => c.category.startsWith(p))) continue;
    const late = ctx.now - c.deadline;
    if (late < rule.overdueFor || !ctx.inScope(rule, c.grid)) continue;
    if (rule.mode === 'case') {
      emit({
        subject: { type: 'case', id: c.id, grid: c.grid },
        firing: true,
        clearing: false,
        value: late,
        threshold: rule.overdueFor,
        links: { cases: [c.id] },
      });
      continue;
    }
    const code = c.grid.slice(0, len);
    let list = byArea.get(code);
    if (!list) byArea.set(code, (list = []));
    list.push(c.id);
  }
  if (rule.mode === 'case') return;
  for (const code of areasOf(rule, ctx)) {
    const ids = byArea.get(code) ?? [];
    emit({
      subject: areaSubject(code),
      firing: ids.length >= rule.min,
      clearing: ids.length < rule.min,
      value: ids.length,
      threshold: rule.min,
      links: { cases: ids.slice(0, MAX_LINKED) },
    });
  }
}

/** Rules that scan devices or cases run at most once per scan interval; area rules run every evaluation. */
export function isScanning(rule: AlertRule): boolean {
  if (rule.kind === 'absence') return true;
  if (rule.kind === 'ratio') return typeof rule.numerator !== 'string';
  if (rule.kind === 'sla_overdue')
    return rule.mode === 'case' || rule.urgencies !== undefined || rule.categories !== undefined || rule.overdueFor > 0;
  return false;
}
