import { z } from 'zod';
import { DEVICE_TYPES } from './events.schema';

/**
 * Alerts (预警, DESIGN §3.5). Two independent flags — active/cleared × acknowledged/unacknowledged — plus
 * severity. At most one active alert per (rule, subject); a re-trigger updates it.
 */
export const SEVERITIES = ['warning', 'minor', 'major', 'critical'] as const;
/** Severity, lowest first: `SEVERITIES.indexOf` orders them. */
export type Severity = (typeof SEVERITIES)[number];

/** One step up, capped at `max` (default critical). */
export function severityUp(s: Severity, max: Severity = 'critical'): Severity {
  const i = Math.min(SEVERITIES.indexOf(s) + 1, SEVERITIES.indexOf(max));
  return SEVERITIES[Math.max(i, SEVERITIES.indexOf(s))]!;
}

/** The higher of two severities. */
export function maxSeverity(a: Severity, b: Severity): Severity {
  return SEVERITIES.indexOf(a) >= SEVERITIES.indexOf(b) ? a : b;
}

export const ALERT_RULE_KINDS = [
  'threshold',
  'ratio',
  'absence',
  'spike',
  'sla_overdue',
  'negative_opinion_spike',
  'compound',
] as const;
export type AlertRuleKind = (typeof ALERT_RULE_KINDS)[number];

/** What an alert is about: an area (grid, community, street), a device, or a case. */
export interface AlertSubject {
  type: 'area' | 'device' | 'case';
  /** Area code, device id or case id. */
  id: string;
  /** The grid the subject lies in; for an area above grid level, its own code (a prefix of its grids). */
  grid: string;
}

export interface AlertLinks {
  devices: string[];
  cases: string[];
  /** Negative posts behind an opinion alert (a count: posts have no stable identity on screen). */
  posts?: number;
  /** For a compound incident: the ids of the part alerts it links. */
  parts?: string[];
}

/** An alert as every screen and the store see it. Times are epoch ms of the core clock. */
export interface AlertView {
  /** Stable: `<ruleId>:<subject id>:<firstSeen base 36>`. */
  id: string;
  ruleId: string;
  /** The rule's name (zh), as the rules file gives it. */
  ruleName: string;
  /** The rule's English name: its `nameEn` in the rules file, else its id. */
  ruleNameEn: string;
  kind: AlertRuleKind;
  subject: AlertSubject;
  severity: Severity;
  /** Condition holds (true) or cleared (false). Independent of `acknowledged`. */
  active: boolean;
  acknowledged: boolean;
  /** When the alert cleared; null while active. */
  clearedAt: number | null;
  firstSeen: number;
  lastSeen: number;
  /** How many times the condition (re)triggered. */
  count: number;
  /** The measured value at the last evaluation that held (a ratio, count, hours…), and what it was compared with. */
  value: number;
  threshold: number;
  message: string;
  messageEn: string;
  links: AlertLinks;
  /** Times it was escalated while unacknowledged. */
  escalations: number;
  /** A silence (maintenance window) matches it now: state moves, nobody is notified. */
  silenced: boolean;
  /** State changes came too fast: further clears wait and re-triggers do not notify. */
  flapping: boolean;
  ackBy?: string;
  ackAt?: number;
  ackNote?: string;
  /** Duty workflow (protocol/duty.ts): who it is assigned to, the case it was dispatched as, who resolved it. */
  assignee?: string;
  caseId?: string;
  resolvedBy?: string;
  resolvedAt?: number;
  /** Notes added so far (the texts are in the audit trail). */
  notes?: number;
}

/** Why an alert notification was sent. */
export type AlertChangeType = 'raised' | 'updated' | 'escalated' | 'cleared' | 'resolved';

/** Payload of every `alert:*` notification. `notify`: false while silenced or flapping (show, do not sound). */
export interface AlertNotification {
  change: AlertChangeType;
  alert: AlertView;
  notify: boolean;
  /** Core clock time of the change. */
  time: number;
}

/**
 * Alert notifications the hub sends (`domain:verbed`, DESIGN §5); alerts skip the tick. Merge into
 * `ServerToClientEvents` when the hub is wired.
 */
export interface AlertServerToClientEvents {
  /** A new alert (or a cleared one that triggered again). */
  'alert:raised': (n: AlertNotification) => void;
  /** Count, value, severity, escalation, silence or acknowledgement changed. */
  'alert:updated': (n: AlertNotification) => void;
  /** The condition no longer holds; the alert stays in the queue until acknowledged. */
  'alert:cleared': (n: AlertNotification) => void;
  /** Cleared and acknowledged: the alert leaves the live queue (history keeps it). */
  'alert:resolved': (n: AlertNotification) => void;
}

/** Maps an engine change to the socket event the hub emits. */
export const ALERT_EVENT_OF: Readonly<Record<AlertChangeType, keyof AlertServerToClientEvents>> = {
  raised: 'alert:raised',
  updated: 'alert:updated',
  escalated: 'alert:updated',
  cleared: 'alert:cleared',
  resolved: 'alert:resolved',
};

/** A silence (maintenance window): suppresses notification, never evaluation. Criteria combine with AND. */
export const silenceSchema = z
  .strictObject({
    id: z.string().min(1).max(64),
    reason: z.string().max(500).optional(),
    /** Rule ids; absent: any rule. */
    rules: z.array(z.string().min(1)).min(1).optional(),
    /** Area-code prefixes; absent: anywhere. */
    areas: z
      .array(z.string().regex(/^\d{6,15}$/, 'expected an area code (6 to 15 digits)'))
      .min(1)
      .optional(),
    /** Device types (of the subject device or the rule's devices); absent: any. */
    deviceTypes: z.array(z.enum(DEVICE_TYPES)).min(1).optional(),
    from: z
      .union([z.number().int(), z.iso.datetime({ offset: true })])
      .transform((v) => (typeof v === 'number' ? v : Date.parse(v))),
    to: z
      .union([z.number().int(), z.iso.datetime({ offset: true })])
      .transform((v) => (typeof v === 'number' ? v : Date.parse(v))),
  })
  .refine((s) => s.to > s.from, { message: 'to must be after from', path: ['to'] });
export type Silence = z.output<typeof silenceSchema>;
export type SilenceInput = z.input<typeof silenceSchema>;
