import { describe, expect, it } from 'vitest';
import defaults from '../../config/alert-rules.default.json';
import { parseDuration } from './duration';
import { parseAlertRules, parseAlertRulesText } from './rules-loader';

const base = (rules: unknown[], extra: Record<string, unknown> = {}) => ({ version: 1, rules, ...extra });
const absence = {
  id: 'water-absence',
  kind: 'absence',
  name: '无用水',
  severity: 'major',
  deviceType: 'water',
  activity: { metric: 'flow_l', op: '>', value: 0 },
  for: '12h',
};
const errorsOf = (json: unknown) => {
  const r = parseAlertRules(json);
  return r.ok ? [] : r.errors;
};

describe('rules loader', () => {
  it('accepts the shipped defaults and applies the file defaults', () => {
    const r = parseAlertRules(defaults);
    expect(r.ok ? [] : r.errors).toEqual([]);
    if (!r.ok) return;
    const kinds = new Set(r.value.rules.map((x) => x.kind));
    expect([...kinds].sort()).toEqual([
      'absence',
      'compound',
      'negative_opinion_spike',
      'ratio',
      'sla_overdue',
      'spike',
      'threshold',
    ]);
    const smoke = r.value.rules.find((x) => x.id === 'smoke-alarm')!;
    expect(smoke.escalation).toEqual({ after: 5 * 60_000, max: 'critical', times: 6 });
    expect(r.value.rules.find((x) => x.id === 'water-pressure-drop')!.escalation).toEqual({
      after: 15 * 60_000,
      max: 'critical',
      times: 3,
    });
    expect(r.value.rules.find((x) => x.id === 'door-absence')!.escalation).toBeNull();
  });

  it('names the rule and field of each problem, all at once', () => {
    const errors = errorsOf(
      base([
        {
          id: 'smoke',
          kind: 'threshold',
          name: 'x',
          severity: 'critical',
          level: 'grid',
          metric: 'live.smoke',
          op: '>=',
          value: 1,
        },
        {
          id: 'a',
          kind: 'threshold',
          name: 'x',
          severity: 'urgent',
          level: 'grid',
          metric: 'pressure',
          op: '>=',
          value: 1,
        },
        { id: 'b', kind: 'wat', name: 'x' },
        { ...absence, for: 'twelve hours' },
      ]),
    );
    expect(errors).toEqual([
      'rules[0] (smoke).metric: expected an AreaStats metric path like cases.overdue, live.smokeAlarms or pressure',
      'rules[1] (a).severity: expected one of warning, minor, major, critical',
      'rules[2] (b).kind: expected one of threshold, ratio, absence, spike, sla_overdue, negative_opinion_spike, compound',
      'rules[3] (water-absence).for: expected a duration like 12h',
    ]);
  });

  it('rejects unknown fields, duplicate ids, bad references and contradictions', () => {
    const errors = errorsOf(
      base(
        [
          { ...absence, colour: 'red' },
          { ...absence, group: 'elderly', devices: ['w1'] },
          {
            id: 'inc',
            kind: 'compound',
            name: 'x',
            severity: 'critical',
            level: 'grid',
            window: '1h',
            rules: ['nope'],
          },
        ],
        {
          silences: [{ id: 's', rules: ['ghost'], from: '2026-11-24T08:00:00+08:00', to: '2026-11-24T07:00:00+08:00' }],
        },
      ),
    );
    expect(errors).toEqual(['silences[0].to: to must be after from']);
    const more = errorsOf(
      base(
        [
          { ...absence, colour: 'red' },
          { ...absence, group: 'elderly', devices: ['w1'] },
          {
            id: 'inc',
            kind: 'compound',
            name: 'x',
            severity: 'critical',
            level: 'grid',
            window: '1h',
            rules: ['nope'],
          },
        ],
        { silences: [{ id: 's', rules: ['ghost'], from: 0, to: 1 }] },
      ),
    );
    expect(more).toEqual([
      expect.stringMatching(/^rules\[0\] \(water-absence\): Unrecognized key.*colour/),
      'rules[1] (water-absence).group: give devices or group, not both',
      'rules[2] (inc).minFeeds: give minFeeds or minRules',
      'rules[2] (inc).rules: no rule with id nope',
      'silences[0] (s).rules: no rule with id ghost',
    ]);
    expect(errorsOf(base([absence, absence]))).toEqual([
      'rules[1] (water-absence).id: duplicate rule id water-absence',
    ]);
  });

  it('reports a file that is not JSON or not version 1', () => {
    expect(parseAlertRulesText('{ rules: [')).toMatchObject({
      ok: false,
      errors: [expect.stringMatching(/^not valid JSON/)],
    });
    expect(errorsOf({ version: 2, rules: [] })).toEqual(['version: expected version 1']);
  });

  it('parses durations', () => {
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('2d')).toBe(172_800_000);
    expect(parseDuration('12')).toBeUndefined();
    expect(parseDuration('h')).toBeUndefined();
  });
});
