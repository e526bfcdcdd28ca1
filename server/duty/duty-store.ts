import type { AlertView, AuditEntry, DutyAction, Severity } from '../../protocol';

/**
 * Where the duty workflow keeps alerts, actions and their audit trail (DESIGN §3.5, §7, §9.1–2). Every method
 * is asynchronous so that the embedded SQLite store and a PostgreSQL store (scale-out, DESIGN §7) are one
 * interface; both must pass `describeDutyStore` (duty-store.contract.ts).
 *
 * Durability: a write has committed durably (fsync'd) when its promise resolves; the service answers a client
 * only after that. Writes are not coordinated by the store: the service serialises them.
 */
export interface DutyStore {
  /** Inserts or replaces the current state of alerts (by id), all in one durable transaction. */
  saveAlerts(alerts: readonly AlertView[]): Promise<void>;
  /** One alert as last saved. */
  getAlert(id: string): Promise<AlertView | undefined>;
  /** Alerts not resolved yet (`resolvedAt` unset): what the engine restores after a restart. */
  openAlerts(): Promise<AlertView[]>;
  /** Alerts resolved at or after `since`, newest resolution first, at most `limit`. */
  resolvedSince(since: number, limit: number): Promise<AlertView[]>;
  /** The action recorded under `opId`, if any. */
  findAction(opId: string): Promise<StoredAction | undefined>;
  /**
   * Records one action in one durable transaction: the action (by its unique `opId`), its audit row and the
   * alert as it is after the action. When `opId` is already taken nothing is written and the stored action is
   * returned with `replayed: true` (two nodes racing on one retry, DESIGN §9.2).
   */
  commitAction(action: NewAction): Promise<{ action: StoredAction; replayed: boolean }>;
  /** Audit rows, newest first. */
  audit(query: AuditFilter): Promise<AuditEntry[]>;
  /** What TTA/TTR are computed from: alerts first seen at or after `since`, and every unresolved alert. */
  kpiInputs(since: number): Promise<KpiInput[]>;
}

export interface NewAction {
  opId: string;
  alertId: string;
  action: DutyAction;
  /** The request in a canonical form: a retry with the same opId must carry the same one. */
  request: string;
  /** The audit row (its id is assigned by the store). */
  entry: Omit<AuditEntry, 'id'>;
  /** The alert after the action; saved as the alert's current state and kept as the action's answer. */
  alert: AlertView;
}

export interface StoredAction {
  opId: string;
  alertId: string;
  action: DutyAction;
  request: string;
  entry: AuditEntry;
  /** The alert as the action left it (the answer a retry gets again). */
  alert: AlertView;
}

export interface AuditFilter {
  alertId?: string;
  /** Only rows at or after this time (epoch ms). */
  since?: number;
  /** Only rows about alerts whose subject lies in this jurisdiction (an area code or `*`). */
  area?: string;
  limit: number;
}

/** The times of one alert behind the duty KPIs. */
export interface KpiInput {
  id: string;
  severity: Severity;
  /** The grid (or area) of the alert's subject, for per-jurisdiction figures. */
  grid: string;
  firstSeen: number;
  ackAt: number | null;
  resolvedAt: number | null;
}
