import { ALERT_RULE_KINDS, type Silence } from '../../protocol';
import { alertRuleSchema, alertRulesFileSchema, type AlertRule } from './rule.schema';

/** A validated rules file: the enabled and disabled rules (defaults applied) and the configured silences. */
export interface AlertRuleSet {
  rules: AlertRule[];
  silences: Silence[];
}

export type LoadResult = { ok: true; value: AlertRuleSet } | { ok: false; errors: string[] };

type Issue = { path: PropertyKey[]; message: string };

const pathText = (path: readonly PropertyKey[]) =>
  path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i > 0 ? '.' : ''}${String(p)}`)).join('');

/** `rules[3] (water-absence).for` — names the rule by index and id so an admin finds it at once. */
function ruleLabel(index: number, raw: unknown): string {
  const id = (raw as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? `rules[${index}] (${id})` : `rules[${index}]`;
}

function describe(prefix: string, issues: readonly Issue[]): string[] {
  return issues.map((i) => {
    const field = pathText(i.path);
    return `${prefix}${field ? (prefix ? '.' : '') + field : ''}: ${i.message}`;
  });
}

/**
 * Validates the JSON of a rules file. Returns every problem at once, each naming the rule and field, e.g.
 * `rules[3] (water-absence).for: expected a duration like 12h`. Pure: the caller reads the file.
 */
export function parseAlertRules(json: unknown): LoadResult {
  const file = alertRulesFileSchema.safeParse(json);
  if (!file.success) return { ok: false, errors: describe('', file.error.issues) };
  const { defaults, silences } = file.data;
  const errors: string[] = [];
  const rules: AlertRule[] = [];
  const indexOf = new Map<AlertRule, number>();
  file.data.rules.forEach((raw, index) => {
    const label = ruleLabel(index, raw);
    const kind = (raw as { kind?: unknown } | null)?.kind;
    if (typeof raw !== 'object' || raw === null) {
      errors.push(`${label}: expected an object`);
      return;
    }
    if (!(ALERT_RULE_KINDS as readonly unknown[]).includes(kind)) {
      errors.push(`${label}.kind: expected one of ${ALERT_RULE_KINDS.join(', ')}`);
      return;
    }
    const parsed = alertRuleSchema.safeParse(raw);
    if (!parsed.success) {
      errors.push(...describe(label, parsed.error.issues));
      return;
    }
    const rule = parsed.data;
    if (rule.escalation === undefined && defaults?.escalation) rule.escalation = defaults.escalation;
    if (rule.flapping === undefined && defaults?.flapping) rule.flapping = defaults.flapping;
    errors.push(...checkRule(rule, label));
    rules.push(rule);
    indexOf.set(rule, index);
  });
  errors.push(...checkReferences(rules, file.data.rules, indexOf));
  const ids = new Set(rules.map((r) => r.id));
  silences.forEach((s, i) => {
    for (const id of s.rules ?? [])
      if (!ids.has(id)) errors.push(`silences[${i}] (${s.id}).rules: no rule with id ${id}`);
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: { rules, silences } };
}

/** Parses and validates the text of a rules file (JSON). */
export function parseAlertRulesText(text: string): LoadResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, errors: [`not valid JSON: ${(e as Error).message}`] };
  }
  return parseAlertRules(json);
}

function checkRule(rule: AlertRule, label: string): string[] {
  const out: string[] = [];
  if (rule.kind === 'absence' && rule.devices && rule.group)
    out.push(`${label}.group: give devices or group, not both`);
  if (rule.kind === 'compound' && rule.minFeeds === undefined && rule.minRules === undefined) {
    out.push(`${label}.minFeeds: give minFeeds or minRules`);
  }
  if (rule.kind === 'spike' && rule.unlearned === 'floor' && (rule.direction === 'down' || rule.min <= 0)) {
    out.push(`${label}.unlearned: floor needs direction up and a min above 0`);
  }
  if ((rule.kind === 'threshold' || rule.kind === 'ratio') && rule.grades) {
    const up = rule.kind === 'ratio' || rule.op === '>' || rule.op === '>=';
    rule.grades.forEach((g, i) => {
      const prev = i === 0 ? rule.value : rule.grades![i - 1]!.value;
      if (up ? g.value <= prev : g.value >= prev)
        out.push(`${label}.grades[${i}].value: grades must go ${up ? 'up' : 'down'} from value`);
    });
  }
  return out;
}

function checkReferences(
  rules: readonly AlertRule[],
  raws: readonly unknown[],
  indexOf: ReadonlyMap<AlertRule, number>,
): string[] {
  const out: string[] = [];
  const byId = new Map<string, AlertRule>();
  const label = (r: AlertRule) => ruleLabel(indexOf.get(r)!, raws[indexOf.get(r)!]);
  for (const r of rules) {
    if (byId.has(r.id)) out.push(`${label(r)}.id: duplicate rule id ${r.id}`);
    byId.set(r.id, r);
  }
  for (const r of rules) {
    if (r.kind !== 'compound') continue;
    for (const id of r.rules ?? []) {
      const part = byId.get(id);
      if (!part) out.push(`${label(r)}.rules: no rule with id ${id}`);
      else if (part.kind === 'compound')
        out.push(`${label(r)}.rules: ${id} is a compound rule (parts must be simple rules)`);
    }
  }
  return out;
}
