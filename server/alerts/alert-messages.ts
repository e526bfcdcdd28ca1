import { levelOfCode, type AlertView, type AreaLevel } from '../../protocol';
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

/** Level words for an area that has no English name: "Grid 330106007001002" rather than its Chinese name. */
const LEVEL_EN: Readonly<Record<AreaLevel, string>> = {
  district: 'District',
  street: 'Street',
  community: 'Community',
  grid: 'Grid',
};

/** An area's English name, or a neutral form (level and code) where the district has none. */
export function areaNameEn(code: string, areaName: (code: string, lang: 'zh' | 'en') => string | undefined): string {
  const named = areaName(code, 'en');
  if (named) return named;
  const level = levelOfCode(code);
  return level ? `${LEVEL_EN[level]} ${code}` : code;
}

/**
 * A rule's English name: `nameEn` from the rules file, else its id (`smoke-alarm`) — never the Chinese name on
 * an English screen.
 */
export function ruleNameEn(rule: Pick<AlertRule, 'id' | 'nameEn'>): string {
  return rule.nameEn ?? rule.id;
}

/**
 * The zh and en messages of an alert and the rule's English name, from the rule's templates or a default per
 * kind. The English message names areas in English (or neutrally, see {@link areaNameEn}); device and case ids
 * are the same in both.
 */
export function alertMessages(
  rule: AlertRule,
  a: Pick<AlertView, 'subject' | 'value' | 'threshold' | 'count' | 'links'>,
  areaName: (code: string, lang: 'zh' | 'en') => string | undefined,
): { zh: string; en: string; ruleNameEn: string } {
  const f = figures(rule, a.value, a.threshold);
  const { subject } = a;
  const placeZh =
    subject.type === 'area'
      ? (areaName(subject.id, 'zh') ?? subject.id)
      : `${areaName(subject.grid, 'zh') ?? subject.grid} ${subject.id}`;
  const placeEn =
    subject.type === 'area' ? areaNameEn(subject.id, areaName) : `${areaNameEn(subject.grid, areaName)} ${subject.id}`;
  const vars = { subject: subject.id, value: f.value, threshold: f.threshold, count: String(a.count) };
  const nameEn = ruleNameEn(rule);
  if (rule.message)
    return {
      zh: fill(rule.message.zh, { ...vars, area: placeZh }),
      en: fill(rule.message.en, { ...vars, area: placeEn }),
      ruleNameEn: nameEn,
    };
  if (rule.kind === 'compound') {
    const n = String(a.links.parts?.length ?? 0);
    return {
      zh: `${placeZh}：${rule.name}（${n} 条关联预警）`,
      en: `${placeEn}: ${nameEn} (${n} linked alerts)`,
      ruleNameEn: nameEn,
    };
  }
  return {
    zh: `${placeZh}：${rule.name}（当前 ${f.value}，阈值 ${f.threshold}）`,
    en: `${placeEn}: ${nameEn} (now ${f.value}, threshold ${f.threshold})`,
    ruleNameEn: nameEn,
  };
}
