import type { AlertView, ApiError, AuditEntry, DutyAction, DutyConflict } from '../../protocol';

/** A validated action body (protocol/duty.ts `dutyActionBodySchemas`, output side). */
export interface ActionBody {
  opId: string;
  note?: string;
  assignee?: string;
  category?: string;
  urgency?: 'urgent' | 'help' | 'complaint' | 'normal';
}

/** What the service knows besides the alert when it plans an action. */
export interface PlanContext {
  actor: string;
  at: number;
  /** Dispatch: the case the alert becomes. */
  caseId?: string;
  /** Who dispatched the alert and when, when it already has a case. */
  dispatched?: { by: string; at: number };
}

/** The alert after the action and the audit fields the action adds; or why it cannot be done. */
export type Plan =
  | { ok: true; after: AlertView; audit: Pick<AuditEntry, 'note' | 'assignee' | 'caseId'> }
  | { ok: false; error: ApiError };

const iso = (ms: number) => new Date(ms).toISOString();

const PAST: Readonly<Record<DutyAction, string>> = {
  ack: 'acknowledged',
  note: 'noted',
  assign: 'assigned',
  dispatch: 'dispatched',
  resolve: 'resolved',
};

/** A lost race (DESIGN §9.2): "already acknowledged by X at T", with `by`/`at` for screens to word it. */
export function conflictError(c: DutyConflict, detail = ''): ApiError {
  return { code: 'conflict', message: `already ${PAST[c.action]}${detail} by ${c.by} at ${iso(c.at)}`, conflict: c };
}

function resolvedConflict(a: AlertView): ApiError | undefined {
  if (a.resolvedAt === undefined) return undefined;
  return conflictError({ action: 'resolve', by: a.resolvedBy ?? 'system', at: a.resolvedAt });
}

/**
 * Decides one duty action on an alert as it is now: the rules of DESIGN §3.5 and issue #6 (a note to
 * acknowledge a critical alert; one acknowledgement, one dispatch, one resolution) and the alert it leaves.
 * Pure: the service commits the plan and then applies it to the engine.
 */
export function planAction(action: DutyAction, a: AlertView, body: ActionBody, ctx: PlanContext): Plan {
  const note = body.note === undefined || body.note === '' ? undefined : body.note;
  const audit = { ...(note === undefined ? {} : { note }) };
  switch (action) {
    case 'ack': {
      if (a.acknowledged) return { ok: false, error: conflictError({ action: 'ack', by: a.ackBy ?? 'system', at: a.ackAt ?? a.lastSeen }) };
      const resolved = resolvedConflict(a);
      if (resolved) return { ok: false, error: resolved };
      if (a.severity === 'critical' && note === undefined)
        return { ok: false, error: { code: 'invalid_payload', message: 'a note is required to acknowledge a critical alert', path: 'note' } };
      const after: AlertView = { ...a, acknowledged: true, ackBy: ctx.actor, ackAt: ctx.at, ...(note === undefined ? {} : { ackNote: note }) };
      // Acknowledging a cleared alert resolves it (the two flags are independent, DESIGN §3.5).
      if (!a.active) Object.assign(after, { resolvedBy: ctx.actor, resolvedAt: ctx.at });
      return { ok: true, after, audit };
    }
    case 'note':
      return { ok: true, after: { ...a, notes: (a.notes ?? 0) + 1 }, audit };
    case 'assign': {
      const resolved = resolvedConflict(a);
      if (resolved) return { ok: false, error: resolved };
      return { ok: true, after: { ...a, assignee: body.assignee }, audit: { ...audit, assignee: body.assignee } };
    }
    case 'dispatch': {
      if (a.caseId !== undefined)
        return {
          ok: false,
          error: conflictError({ action: 'dispatch', by: ctx.dispatched?.by ?? 'system', at: ctx.dispatched?.at ?? a.lastSeen }, ` as case ${a.caseId}`),
        };
      const resolved = resolvedConflict(a);
      if (resolved) return { ok: false, error: resolved };
      if (ctx.caseId === undefined) return { ok: false, error: { code: 'internal', message: 'no case id for the dispatch' } };
      return { ok: true, after: { ...a, caseId: ctx.caseId }, audit: { ...audit, caseId: ctx.caseId } };
    }
    case 'resolve': {
      const resolved = resolvedConflict(a);
      if (resolved) return { ok: false, error: resolved };
      const after: AlertView = {
        ...a,
        acknowledged: true,
        ackBy: a.ackBy ?? ctx.actor,
        ackAt: a.ackAt ?? ctx.at,
        active: false,
        clearedAt: a.clearedAt ?? ctx.at,
        resolvedBy: ctx.actor,
        resolvedAt: ctx.at,
      };
      return { ok: true, after, audit };
    }
  }
}
