import type { AlertView } from '../../protocol';
import type { AlertRule } from './rule.schema';

const pct = (v: number) => `${Math.round(v * 100)}%`;
const num = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(2));
const hours = (ms: number) => `${(ms / 3_600_000).toFixed(1)}h`;

/** Value and threshold as people read them for a rule kind. */
function figures(rule: AlertRule, value: number, threshold: number): { value: string; threshold: string } {
  switch (rule.kind) {
    case 'ratio':
      return { value: pct(value), threshold: pct(threshold) };
    case 'absence':
      return { value: hours(value), threshold: hours(threshold) };
    case 'sla_overdue':
      return rule.mode === 'case'
        ? { value: hours(value), threshold: hours(threshold) }
        : { value: num(value), threshold: num(threshold) };
    case 'spike':
      return rule.mode === 'ratio'
        ? { value: `${num(value)}×`, threshold: `${num(threshold)}×` }
        : { value: `z=${num(value)}`, threshold: `z=${num(threshold)}` };
    default:
      return { value: num(value), threshold: num(threshold) };
  }
}

const fill = (template: string, vars: Record<string, string>) =>
  template.replace(/\{(\w+)\}/g, (m, k: string) => vars[k] ?? m);

/** The zh and en messages of an alert, from the rule's templates or a default per kind. */
export function alertMessages(
  rule: AlertRule,
  a: Pick<AlertView, 'subject' | 'value' | 'threshold' | 'count' | 'links'>,
  areaName: (code: string) => string | undefined,
): { zh: string; en: string } {
  const f = figures(rule, a.value, a.threshold);
  const place =
    a.subject.type === 'area'
      ? (areaName(a.subject.id) ?? a.subject.id)
      : `${areaName(a.subject.grid) ?? a.subject.grid} ${a.subject.id}`;
  const vars = { area: place, subject: a.subject.id, value: f.value, threshold: f.threshold, count: String(a.count) };
  if (rule.message) return { zh: fill(rule.message.zh, vars), en: fill(rule.message.en, vars) };
  const nameEn = rule.nameEn ?? rule.name;
  if (rule.kind === 'compound') {
    const n = String(a.links.parts?.length ?? 0);
    return { zh: `${place}：${rule.name}（${n} 条关联预警）`, en: `${place}: ${nameEn} (${n} linked alerts)` };
  }
  return {
    zh: `${place}：${rule.name}（当前 ${f.value}，阈值 ${f.threshold}）`,
    en: `${place}: ${nameEn} (now ${f.value}, threshold ${f.threshold})`,
  };
}
