import { z } from 'zod';
import type { AlertView, Severity } from './alerts';
import type { Ack } from './errors';

/**
 * The duty workflow (DESIGN §3.5, §9.1–2): actions on an alert, each with a client-generated `opId` so a retry
 * has exactly one effect, each an audit row. Socket requests `alert:<action>` and REST
 * `POST /api/alerts/:id/<action>` take the same body (REST takes the alert id from the path).
 */
export const DUTY_ACTIONS = ['ack', 'note', 'assign', 'dispatch', 'resolve'] as const;
export type DutyAction = (typeof DUTY_ACTIONS)[number];

const opId = z.string().min(8, 'opId: 8 to 64 characters').max(64, 'opId: 8 to 64 characters');
const note = z.string().trim().max(2000);

/** Bodies per action (REST). A note is required to acknowledge a critical alert (the server checks severity). */
export const dutyActionBodySchemas = {
  ack: z.strictObject({ opId, note: note.optional() }),
  note: z.strictObject({ opId, note: note.min(1, 'note must not be empty') }),
  assign: z.strictObject({ opId, assignee: z.string().trim().min(1).max(64), note: note.optional() }),
  /** Creates a linked case (channel `device` or `opinion` by the alert's feed, else `patrol`); closing it resolves the alert. */
  dispatch: z.strictObject({
    opId,
    category: z.string().min(1).max(32).optional(),
    urgency: z.enum(['urgent', 'help', 'complaint', 'normal']).optional(),
    note: note.optional(),
  }),
  resolve: z.strictObject({ opId, note: note.optional() }),
} as const satisfies Record<DutyAction, z.ZodType>;

export type DutyActionBody<A extends DutyAction> = z.input<(typeof dutyActionBodySchemas)[A]>;
/** Socket request: the body plus the alert id. */
export type DutyActionRequest<A extends DutyAction> = DutyActionBody<A> & { alertId: string };

const alertId = z.string().min(1, 'alertId is empty').max(256);

/** Socket requests `alert:<action>`: the REST body plus `alertId`. */
export const dutyActionRequestSchemas = {
  ack: dutyActionBodySchemas.ack.extend({ alertId }),
  note: dutyActionBodySchemas.note.extend({ alertId }),
  assign: dutyActionBodySchemas.assign.extend({ alertId }),
  dispatch: dutyActionBodySchemas.dispatch.extend({ alertId }),
  resolve: dutyActionBodySchemas.resolve.extend({ alertId }),
} as const satisfies Record<DutyAction, z.ZodType>;

export function isDutyAction(s: string): s is DutyAction {
  return (DUTY_ACTIONS as readonly string[]).includes(s);
}

/** `GET /api/audit` query (duty and admin only; rows of alerts in the caller's jurisdiction, newest first). */
export const auditQuerySchema = z.strictObject({
  alertId: alertId.optional(),
  /** Epoch ms: only rows at or after it. */
  since: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
export type AuditQuery = z.input<typeof auditQuerySchema>;

/** One audit row: who did what to which alert, when, from which client (DESIGN §3.5). */
export interface AuditEntry {
  id: number;
  opId: string;
  alertId: string;
  action: DutyAction;
  /** User name of the actor. */
  actor: string;
  /** Socket id or `http:<ip>`. */
  client: string;
  /** Core clock, epoch ms. */
  at: number;
  note?: string;
  assignee?: string;
  caseId?: string;
}

/** The answer to an action: the alert after it, and its audit row. `replayed`: the opId was seen before (no new effect). */
export interface DutyActionResult {
  alert: AlertView;
  entry: AuditEntry;
  replayed: boolean;
}

/**
 * A lost race (`code: 'conflict'`): the action was already done by someone else. The error message reads
 * "already acknowledged by X at T"; `by`/`at` let a screen say it in its own language.
 */
export interface DutyConflict {
  action: DutyAction;
  by: string;
  at: number;
}

/**
 * Time to acknowledge / resolve per severity (DESIGN §3.5, issue #6 KPIs); over alerts raised in the last 24 h.
 * Computed per jurisdiction: a client only ever gets the figures of its own area.
 */
export interface DutyKpis {
  /** The jurisdiction the figures cover (an area code or `*`); the server always sets it. */
  area?: string;
  /** Core clock time they were computed at, epoch ms; the server always sets it. */
  at?: number;
  bySeverity: Record<Severity, { raised: number; acknowledged: number; resolved: number; ttaMedianMs: number | null; ttrMedianMs: number | null }>;
  /** Alerts open now (active or unacknowledged) per severity. */
  open: Record<Severity, number>;
}

/** An alert with what a duty officer needs to work it: the audit trail and its linked things as they are now. */
export interface AlertDetail {
  alert: AlertView;
  audit: AuditEntry[];
  devices: { id: string; type: string; state: string; grid: string; lastSeen: number | null }[];
  cases: { caseId: string; status: string; category: string; title?: string; grid: string; overdue: boolean }[];
}

/** `alert:list` request: the live queue (default) or also recently resolved alerts. */
export const alertListRequestSchema = z.strictObject({ include: z.enum(['open', 'recent']).default('open') });
export type AlertListRequest = z.input<typeof alertListRequestSchema>;
export const alertDetailRequestSchema = z.strictObject({ alertId });

/** Duty requests over the socket (merged into `ClientToServerEvents`). Jurisdiction and role are enforced by the server. */
export interface DutyClientToServerEvents {
  'alert:list': (req: AlertListRequest, ack: Ack<{ alerts: AlertView[]; kpis: DutyKpis }>) => void;
  'alert:detail': (req: { alertId: string }, ack: Ack<AlertDetail>) => void;
  'alert:ack': (req: DutyActionRequest<'ack'>, ack: Ack<DutyActionResult>) => void;
  'alert:note': (req: DutyActionRequest<'note'>, ack: Ack<DutyActionResult>) => void;
  'alert:assign': (req: DutyActionRequest<'assign'>, ack: Ack<DutyActionResult>) => void;
  'alert:dispatch': (req: DutyActionRequest<'dispatch'>, ack: Ack<DutyActionResult>) => void;
  'alert:resolve': (req: DutyActionRequest<'resolve'>, ack: Ack<DutyActionResult>) => void;
}

/** Duty notifications (merged into `ServerToClientEvents`). Every action also changes the alert: `alert:updated`. */
export interface DutyServerToClientEvents {
  /** An audit row was written (consoles showing that alert's detail append it). */
  'alert:actioned': (entry: AuditEntry) => void;
  /** The TTA/TTR figures changed (after an action or a raise). */
  'kpis:changed': (kpis: DutyKpis) => void;
}
