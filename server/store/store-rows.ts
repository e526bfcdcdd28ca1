import type { AuditEntry, DutyAction } from '../../protocol';
import type { StoredUser } from '../auth/user-store';

/**
 * Row shapes shared by the SQLite and PostgreSQL stores. SQLite hands back numbers and 0/1; PostgreSQL hands back
 * BIGINT columns as strings and BOOLEAN as true/false; both go through `Number`/`Boolean` here.
 */
export interface AuditRow {
  id: number | string;
  op_id: string;
  alert_id: string;
  action: DutyAction;
  actor: string;
  client: string;
  at: number | string;
  note: string | null;
  assignee: string | null;
  case_id: string | null;
}

export function auditEntryOf(r: AuditRow): AuditEntry {
  return {
    id: Number(r.id),
    opId: r.op_id,
    alertId: r.alert_id,
    action: r.action,
    actor: r.actor,
    client: r.client,
    at: Number(r.at),
    ...(r.note === null ? {} : { note: r.note }),
    ...(r.assignee === null ? {} : { assignee: r.assignee }),
    ...(r.case_id === null ? {} : { caseId: r.case_id }),
  };
}

export interface UserRow {
  name: string;
  role: StoredUser['role'];
  area: string;
  display_name: string | null;
  password_hash: string;
  created_at: number | string;
  disabled: number | boolean;
}

export function storedUserOf(r: UserRow): StoredUser {
  return {
    name: r.name,
    role: r.role,
    area: r.area,
    ...(r.display_name === null ? {} : { displayName: r.display_name }),
    passwordHash: r.password_hash,
    createdAt: Number(r.created_at),
    disabled: Boolean(r.disabled),
  };
}
