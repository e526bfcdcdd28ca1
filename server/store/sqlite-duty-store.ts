import type { AlertView, AuditEntry, DutyAction } from '../../protocol';
import { auditEntryOf, type AuditRow } from './store-rows';
import type { AuditFilter, DutyStore, KpiInput, NewAction, StoredAction } from '../duty/duty-store';
import { migrateModule, type Db } from './database';

const MIGRATIONS = [
  `CREATE TABLE duty_alert (
     id          TEXT    PRIMARY KEY,
     grid        TEXT    NOT NULL,
     severity    TEXT    NOT NULL,
     first_seen  INTEGER NOT NULL,
     ack_at      INTEGER,
     resolved_at INTEGER,
     body        TEXT    NOT NULL
   );
   CREATE INDEX duty_alert_open ON duty_alert (id) WHERE resolved_at IS NULL;
   CREATE INDEX duty_alert_first_seen ON duty_alert (first_seen);
   CREATE INDEX duty_alert_resolved_at ON duty_alert (resolved_at);
   CREATE TABLE duty_action (
     op_id     TEXT    PRIMARY KEY,
     alert_id  TEXT    NOT NULL,
     action    TEXT    NOT NULL,
     request   TEXT    NOT NULL,
     audit_id  INTEGER NOT NULL,
     alert     TEXT    NOT NULL
   );
   CREATE TABLE duty_audit (
     id        INTEGER PRIMARY KEY AUTOINCREMENT,
     op_id     TEXT    NOT NULL,
     alert_id  TEXT    NOT NULL,
     grid      TEXT    NOT NULL,
     action    TEXT    NOT NULL,
     actor     TEXT    NOT NULL,
     client    TEXT    NOT NULL,
     at        INTEGER NOT NULL,
     note      TEXT,
     assignee  TEXT,
     case_id   TEXT
   );
   CREATE INDEX duty_audit_alert ON duty_audit (alert_id, id);
   CREATE INDEX duty_audit_at ON duty_audit (at);`,
];



const parse = (body: string) => JSON.parse(body) as AlertView;

/**
 * The duty store in the embedded SQLite database (DESIGN §7), on the app's own connection.
 *
 * Durability: the connection runs `synchronous = NORMAL` for the event log (it may lose its last instants on
 * power loss and is rebuilt from the feeds). Every duty write switches it to FULL for its transaction, so the
 * WAL is fsync'd before the commit returns and an acknowledged action survives power loss (DESIGN §9.1).
 * Toggling the pragma around a synchronous transaction is safe: better-sqlite3 runs it to the end on this
 * thread, so no other write can slip in under the wrong setting. A second connection to the same file was the
 * alternative; it would not see a `:memory:` database (tests, demo worlds) and would make two writers in one
 * thread wait on each other's locks with busy-wait timeouts that block the event loop.
 */
export class SqliteDutyStore implements DutyStore {
  private readonly upsertAlert;
  private readonly insertAudit;
  private readonly insertAction;
  private readonly selectAction;
  private readonly selectAudit;

  constructor(private readonly db: Db) {
    migrateModule(db, 'duty', MIGRATIONS);
    this.upsertAlert = db.prepare(
      `INSERT INTO duty_alert (id, grid, severity, first_seen, ack_at, resolved_at, body) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET grid = excluded.grid, severity = excluded.severity, first_seen = excluded.first_seen,
         ack_at = excluded.ack_at, resolved_at = excluded.resolved_at, body = excluded.body`,
    );
    this.insertAudit = db.prepare(
      `INSERT INTO duty_audit (op_id, alert_id, grid, action, actor, client, at, note, assignee, case_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertAction = db.prepare(
      'INSERT INTO duty_action (op_id, alert_id, action, request, audit_id, alert) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (op_id) DO NOTHING',
    );
    this.selectAction = db.prepare('SELECT * FROM duty_action WHERE op_id = ?');
    this.selectAudit = db.prepare('SELECT * FROM duty_audit WHERE id = ?');
  }

  saveAlerts(alerts: readonly AlertView[]): Promise<void> {
    if (alerts.length === 0) return Promise.resolve();
    return this.durably(() => {
      for (const a of alerts) this.writeAlert(a);
    });
  }

  getAlert(id: string): Promise<AlertView | undefined> {
    const row = this.db.prepare('SELECT body FROM duty_alert WHERE id = ?').get(id) as { body: string } | undefined;
    return Promise.resolve(row && parse(row.body));
  }

  openAlerts(): Promise<AlertView[]> {
    const rows = this.db.prepare('SELECT body FROM duty_alert WHERE resolved_at IS NULL ORDER BY first_seen').all() as { body: string }[];
    return Promise.resolve(rows.map((r) => parse(r.body)));
  }

  resolvedSince(since: number, limit: number): Promise<AlertView[]> {
    const rows = this.db
      .prepare('SELECT body FROM duty_alert WHERE resolved_at >= ? ORDER BY resolved_at DESC, id LIMIT ?')
      .all(since, limit) as { body: string }[];
    return Promise.resolve(rows.map((r) => parse(r.body)));
  }

  findAction(opId: string): Promise<StoredAction | undefined> {
    return Promise.resolve(this.readAction(opId));
  }

  commitAction(a: NewAction): Promise<{ action: StoredAction; replayed: boolean }> {
    return this.durably(() => {
      const existing = this.readAction(a.opId);
      if (existing) return { action: existing, replayed: true };
      const e = a.entry;
      const auditId = Number(
        this.insertAudit.run(e.opId, e.alertId, a.alert.subject.grid, e.action, e.actor, e.client, e.at, e.note ?? null, e.assignee ?? null, e.caseId ?? null)
          .lastInsertRowid,
      );
      this.insertAction.run(a.opId, a.alertId, a.action, a.request, auditId, JSON.stringify(a.alert));
      this.writeAlert(a.alert);
      const action: StoredAction = { opId: a.opId, alertId: a.alertId, action: a.action, request: a.request, entry: { ...e, id: auditId }, alert: a.alert };
      return { action, replayed: false };
    });
  }

  audit(q: AuditFilter): Promise<AuditEntry[]> {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (q.alertId !== undefined) {
      where.push('alert_id = ?');
      args.push(q.alertId);
    }
    if (q.since !== undefined) {
      where.push('at >= ?');
      args.push(q.since);
    }
    if (q.area !== undefined && q.area !== '*') {
      where.push('substr(grid, 1, ?) = ?');
      args.push(q.area.length, q.area);
    }
    const sql = `SELECT * FROM duty_audit ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    const rows = this.db.prepare(sql).all(...args, q.limit) as AuditRow[];
    return Promise.resolve(rows.map(auditEntryOf));
  }

  kpiInputs(since: number): Promise<KpiInput[]> {
    const rows = this.db
      .prepare(
        `SELECT id, severity, grid, first_seen AS firstSeen, ack_at AS ackAt, resolved_at AS resolvedAt
         FROM duty_alert WHERE first_seen >= ? OR resolved_at IS NULL`,
      )
      .all(since) as KpiInput[];
    return Promise.resolve(rows);
  }

  private writeAlert(a: AlertView): void {
    this.upsertAlert.run(a.id, a.subject.grid, a.severity, a.firstSeen, a.ackAt ?? null, a.resolvedAt ?? null, JSON.stringify(a));
  }

  private readAction(opId: string): StoredAction | undefined {
    const row = this.selectAction.get(opId) as
      | { op_id: string; alert_id: string; action: DutyAction; request: string; audit_id: number; alert: string }
      | undefined;
    if (!row) return undefined;
    const audit = this.selectAudit.get(row.audit_id) as AuditRow;
    return { opId: row.op_id, alertId: row.alert_id, action: row.action, request: row.request, entry: auditEntryOf(audit), alert: parse(row.alert) };
  }

  /** One transaction with synchronous = FULL (see the class comment); a failed write rejects and leaves nothing. */
  private durably<T>(write: () => T): Promise<T> {
    const before = this.db.pragma('synchronous', { simple: true }) as number;
    this.db.pragma('synchronous = FULL');
    try {
      return Promise.resolve(this.db.transaction(write).immediate());
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    } finally {
      this.db.pragma(`synchronous = ${before}`);
    }
  }
}
