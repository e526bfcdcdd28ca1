import { z } from 'zod';
import { DEVICE_TYPES, SEVERITIES, URGENCIES, silenceSchema, type Feed } from '../../protocol';
import { parseDuration } from './duration';
import { METRIC_PATHS } from './metric-paths';

/**
 * Alert rules as data (DESIGN §3.5): the schema of `config/alert-rules.default.json` and of any rules file an
 * admin writes. Durations are strings (`90s`, `15m`, `12h`, `2d`, `1h30m`) and become milliseconds.
 */
const duration = z
  .string({ error: 'expected a duration like 12h' })
  .refine((s) => parseDuration(s) !== undefined, 'expected a duration like 12h')
  .transform((s) => parseDuration(s)!);

const OPS = ['>', '>=', '<', '<=', '==', '!='] as const;
const op = z.enum(OPS, { error: `expected one of ${OPS.join(' ')}` });
const severity = z.enum(SEVERITIES, { error: `expected one of ${SEVERITIES.join(', ')}` });
const level = z.enum(['grid', 'community', 'street'], { error: 'expected grid, community or street' });
const deviceType = z.enum(DEVICE_TYPES, { error: `expected a device type (${DEVICE_TYPES.join(', ')})` });
const metricName = z.string().regex(/^[a-z][a-z0-9_]{0,31}$/, 'expected a metric name like flow_l');

/** Measures with a learned baseline (server/aggregate BASELINE_MEASURES), by name, with their feed. */
export const MEASURE_FEEDS = {
  deviceEvents: 'device',
  caseEvents: 'case',
  opinionEvents: 'opinion',
  doorOpenings: 'device',
  water: 'device',
  power: 'device',
  casesNew: 'case',
  posts: 'opinion',
  negativePosts: 'opinion',
} as const satisfies Record<string, Feed>;
export type MeasureName = keyof typeof MEASURE_FEEDS;
const measure = z.enum(Object.keys(MEASURE_FEEDS) as [MeasureName, ...MeasureName[]], {
  error: `expected a measure (${Object.keys(MEASURE_FEEDS).join(', ')})`,
});

/** Unacknowledged for `after` → severity up one step (to `max`) and notify again, at most `times` times. */
export const escalationSchema = z.strictObject({
  after: duration,
  max: severity.default('critical'),
  times: z.number().int().min(1).max(20).default(3),
});

/**
 * Flapping guard: an alert stays active at least `minActive`; it clears only after its clear condition held
 * for `clearAfter`; more than `maxChanges` state changes within `window` mark it flapping — then it clears only
 * after `window` of calm and its re-triggers do not notify.
 */
export const flappingSchema = z.strictObject({
  minActive: duration.default(0),
  clearAfter: duration.default(0),
  maxChanges: z.number().int().min(2).max(100).default(6),
  window: duration.default(3_600_000),
});

const metricCondition = z.strictObject({ metric: metricName, op, value: z.number() });

const common = {
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'expected a lowercase id like water-absence'),
  name: z.string().min(1, 'name is empty').max(80),
  nameEn: z.string().max(80).optional(),
  enabled: z.boolean().default(true),
  severity,
  /** How long the condition must hold before the alert is raised (pending until then). */
  for: duration.default(0),
  /** Only areas, devices or cases inside these area-code prefixes. */
  scope: z
    .array(z.string().regex(/^\d{6,15}$/, 'expected an area code'))
    .min(1)
    .optional(),
  escalation: escalationSchema.nullable().optional(),
  flapping: flappingSchema.optional(),
  /** Message templates (zh, en) with {area} {value} {threshold} {subject} {count}. */
  message: z.strictObject({ zh: z.string().min(1).max(200), en: z.string().min(1).max(200) }).optional(),
};

/** A graded threshold: when the value passes `value`, the alert takes `severity` (it never goes down). */
const grade = z.strictObject({ value: z.number(), severity });

export const thresholdRuleSchema = z.strictObject({
  ...common,
  kind: z.literal('threshold'),
  level,
  metric: z.string().refine((p) => METRIC_PATHS.has(p), {
    message: 'expected an AreaStats metric path like cases.overdue, live.smokeAlarms or pressure',
  }),
  op,
  value: z.number(),
  /** Hysteresis: once raised, it clears only when `metric op clear` no longer holds (default: `value`). */
  clear: z.number().optional(),
  grades: z.array(grade).max(5).optional(),
});

export const ratioRuleSchema = z.strictObject({
  ...common,
  kind: z.literal('ratio'),
  level,
  /** What counts: devices offline, faulty, either, or whose latest metric matches a condition (online ones). */
  numerator: z.union([z.enum(['offline', 'fault', 'offline_or_fault']), metricCondition], {
    error: 'expected offline, fault, offline_or_fault or { metric, op, value }',
  }),
  deviceTypes: z.array(deviceType).min(1).optional(),
  op: z.enum(['>=', '>'], { error: 'expected >= or >' }).default('>='),
  value: z.number().gt(0).max(1),
  clear: z.number().min(0).max(1).optional(),
  /** Areas with fewer devices (of the types) are not judged. */
  minTotal: z.number().int().min(1).default(1),
  grades: z.array(grade).max(5).optional(),
});

export const absenceRuleSchema = z.strictObject({
  ...common,
  kind: z.literal('absence'),
  /** The quiet time that raises the alert (e.g. 12h); the `for` of an absence rule. */
  for: duration,
  deviceType,
  /** The activity whose absence is alarming, e.g. { metric: 'flow_l', op: '>', value: 0 }. */
  activity: metricCondition,
  /** Only these device ids, or the devices of a named group the deployment provides (e.g. elderly). */
  devices: z.array(z.string().min(1).max(128)).min(1).optional(),
  group: z.string().min(1).max(64).optional(),
  /** Judge only devices that are online (a silent meter is an offline alert, not an absence). */
  requireOnline: z.boolean().default(true),
});

export const spikeRuleSchema = z.strictObject({
  ...common,
  kind: z.literal('spike'),
  level,
  measure,
  window: z.enum(['5m', '1h'], { error: 'expected 5m or 1h' }).default('1h'),
  /** ratio: value ÷ baseline; zscore: (value − baseline) ÷ std. */
  mode: z.enum(['ratio', 'zscore'], { error: 'expected ratio or zscore' }).default('ratio'),
  direction: z.enum(['up', 'down'], { error: 'expected up or down' }).default('up'),
  value: z.number().gt(0),
  clear: z.number().gt(0).optional(),
  /** Up: the current value must reach this too. Down: the baseline must be at least this. */
  min: z.number().min(0).default(0),
  /** Weeks that taught the hour-of-week slots; fewer: unlearned. */
  minSamples: z.number().int().min(1).default(1),
  /** z-score: the standard deviation is at least this (one sample has none). */
  minStd: z.number().gt(0).default(1),
  /** Unlearned baseline: skip, or fire on `min` alone (up only). */
  unlearned: z.enum(['skip', 'floor'], { error: 'expected skip or floor' }).default('skip'),
});

export const negativeOpinionRuleSchema = z.strictObject({
  ...common,
  kind: z.literal('negative_opinion_spike'),
  level,
  /** Negative posts in the last hour needed at all. */
  minCount: z.number().int().min(1),
  /** …and this many times the learned usual for the hour (when learned). */
  factor: z.number().gt(0).default(3),
  minSamples: z.number().int().min(1).default(1),
});

export const slaOverdueRuleSchema = z.strictObject({
  ...common,
  kind: z.literal('sla_overdue'),
  /** area: overdue cases in an area ≥ min; case: one alert per overdue case. */
  mode: z.enum(['area', 'case'], { error: 'expected area or case' }),
  level: level.default('grid'),
  min: z.number().int().min(1).default(1),
  urgencies: z.array(z.enum(URGENCIES)).min(1).optional(),
  /** Case mode: category-code prefixes. */
  categories: z.array(z.string().min(1).max(32)).min(1).optional(),
  /** Case mode: only cases at least this long past their deadline. */
  overdueFor: duration.default(0),
});

export const compoundRuleSchema = z.strictObject({
  ...common,
  kind: z.literal('compound'),
  level,
  /** Part alerts count while active or seen within this window. */
  window: duration,
  /** Distinct feeds (device, case, opinion) among the parts needed; and/or distinct rules. */
  minFeeds: z.number().int().min(1).max(3).optional(),
  minRules: z.number().int().min(2).optional(),
  /** Rule ids whose alerts may be parts; default: every non-compound rule. */
  rules: z.array(z.string().min(1)).min(1).optional(),
});

export const alertRuleSchema = z.discriminatedUnion('kind', [
  thresholdRuleSchema,
  ratioRuleSchema,
  absenceRuleSchema,
  spikeRuleSchema,
  negativeOpinionRuleSchema,
  slaOverdueRuleSchema,
  compoundRuleSchema,
]);

export const alertRulesFileSchema = z.strictObject({
  version: z.literal(1, { error: 'expected version 1' }),
  /** Applied to every rule that does not set its own. */
  defaults: z
    .strictObject({ escalation: escalationSchema.nullable().optional(), flapping: flappingSchema.optional() })
    .optional(),
  rules: z.array(z.unknown()),
  silences: z.array(silenceSchema).default([]),
});

export type AlertRule = z.output<typeof alertRuleSchema>;
export type AlertRuleInput = z.input<typeof alertRuleSchema>;
export type ThresholdRule = z.output<typeof thresholdRuleSchema>;
export type RatioRule = z.output<typeof ratioRuleSchema>;
export type AbsenceRule = z.output<typeof absenceRuleSchema>;
export type SpikeRule = z.output<typeof spikeRuleSchema>;
export type NegativeOpinionRule = z.output<typeof negativeOpinionRuleSchema>;
export type SlaOverdueRule = z.output<typeof slaOverdueRuleSchema>;
export type CompoundRule = z.output<typeof compoundRuleSchema>;
export type Escalation = z.output<typeof escalationSchema>;
export type Flapping = z.output<typeof flappingSchema>;
export type AreaLevelName = z.output<typeof level>;
