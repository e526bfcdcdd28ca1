import type { AlertView, AuditEntry } from '../../protocol';
import { auditEntryOf, type AuditRow } from './store-rows';
import type { AuditFilter, DutyStore, KpiInput, NewAction, StoredAction } from '../duty/duty-store';
import { migratePgModule, type PgPool } from './pg';

const MIGRATIONS = [
  `CREATE TABLE duty_alert (
     id          TEXT   PRIMARY KEY,
     grid        TEXT   NOT NULL,
     severity    TEXT   NOT NULL,
     first_seen  BIGINT NOT NULL,
     ack_at      BIGINT,
     resolved_at BIGINT,
     body        JSONB  NOT NULL
   );
   CREATE INDEX duty_alert_open ON duty_alert (id) WHERE resolved_at IS NULL;
   CREATE INDEX duty_alert_first_seen ON duty_alert (first_seen);
   CREATE INDEX duty_alert_resolved_at ON duty_alert (resolved_at);
   CREATE TABLE duty_audit (
     id        BIGSERIAL PRIMARY KEY,
     op_id     TEXT   NOT NULL,
     alert_id  TEXT   NOT NULL,
     grid      TEXT   NOT NULL,
     action    TEXT   NOT NULL,
     actor     TEXT   NOT NULL,
     client    TEXT   NOT NULL,
     at        BIGINT NOT NULL,
     note      TEXT,
     assignee  TEXT,
     case_id   TEXT
   );
   CREATE INDEX duty_audit_alert ON duty_audit (alert_id, id);
   CREATE INDEX duty_audit_at ON duty_audit (at);
   CREATE TABLE duty_action (
     op_id     TEXT   PRIMARY KEY,
     alert_id  TEXT   NOT NULL,
     action    TEXT   NOT NULL,
     request   TEXT   NOT NULL,
     audit_id  BIGINT NOT NULL REFERENCES duty_audit (id),
     alert     JSONB  NOT NULL
   );`,
];



const UPSERT_ALERT = `INSERT INTO duty_alert (id, grid, severity, first_seen, ack_at, resolved_at, body) VALUES ($1, $2, $3, $4, $5, $6, $7)
  ON CONFLICT (id) DO UPDATE SET grid = excluded.grid, severity = excluded.severity, first_seen = excluded.first_seen,
    ack_at = excluded.ack_at, resolved_at = excluded.resolved_at, body = excluded.body`;

function alertArgs(a: AlertView): unknown[] {
  return [a.id, a.subject.grid, a.severity, a.firstSeen, a.ackAt ?? null, a.resolvedAt ?? null, JSON.stringify(a)];
}

/**
 * The duty store in PostgreSQL, shared by the nodes of a cluster (DESIGN §7), passing the same contract suite as
 * SqliteDutyStore. Commits are durable (synchronous_commit on). The opId is the primary key of `duty_action`, so
 * two nodes racing on one retry write it once: the loser's transaction finds the row and answers `replayed`.
 */
export class PgDutyStore implements DutyStore {
  private constructor(private readonly pool: PgPool) {}

  static async open(pool: PgPool): Promise<PgDutyStore> {
    await migratePgModule(pool, 'duty', MIGRATIONS);
    return new PgDutyStore(pool);
  }

  async saveAlerts(alerts: readonly AlertView[]): Promise<void> {
    if (alerts.length === 0) return;
    await this.transaction(async (q) => {
      for (const a of alerts) await q(UPSERT_ALERT, alertArgs(a));
    });
  }

  async getAlert(id: string): Promise<AlertView | undefined> {
    const { rows } = await this.pool.query<{ body: AlertView }>('SELECT body FROM duty_alert WHERE id = $1', [id]);
    return rows[0]?.body;
  }

  async openAlerts(): Promise<AlertView[]> {
    const { rows } = await this.pool.query<{ body: AlertView }>('SELECT body FROM duty_alert WHERE resolved_at IS NULL ORDER BY first_seen, id');
    return rows.map((r) => r.body);
  }

  async resolvedSince(since: number, limit: number): Promise<AlertView[]> {
    const { rows } = await this.pool.query<{ body: AlertView }>(
      'SELECT body FROM duty_alert WHERE resolved_at >= $1 ORDER BY resolved_at DESC, id COLLATE "C" LIMIT $2',
      [since, limit],
    );
    return rows.map((r) => r.body);
  }

  async findAction(opId: string): Promise<StoredAction | undefined> {
    return this.readAction((sql, args) => this.pool.query(sql, args), opId);
  }

  async commitAction(a: NewAction): Promise<{ action: StoredAction; replayed: boolean }> {
    return this.transaction(async (q) => {
      // Serialises two transactions on one opId (another node's retry): the second waits, then finds the row.
      await q('SELECT pg_advisory_xact_lock(hashtext($1))', [`gridpulse:op:${a.opId}`]);
      const existing = await this.readAction(q, a.opId);
      if (existing) return { action: existing, replayed: true };
      const e = a.entry;
      const { rows } = await q(
        `INSERT INTO duty_audit (op_id, alert_id, grid, action, actor, client, at, note, assignee, case_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
        [e.opId, e.alertId, a.alert.subject.grid, e.action, e.actor, e.client, e.at, e.note ?? null, e.assignee ?? null, e.caseId ?? null],
      );
      const auditId = Number((rows[0] as { id: string }).id);
      await q('INSERT INTO duty_action (op_id, alert_id, action, request, audit_id, alert) VALUES ($1, $2, $3, $4, $5, $6)', [
        a.opId, a.alertId, a.action, a.request, auditId, JSON.stringify(a.alert),
      ]);
      await q(UPSERT_ALERT, alertArgs(a.alert));
      const action: StoredAction = { opId: a.opId, alertId: a.alertId, action: a.action, request: a.request, entry: { ...e, id: auditId }, alert: a.alert };
      return { action, replayed: false };
    });
  }

  async audit(f: AuditFilter): Promise<AuditEntry[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (f.alertId !== undefined) where.push(`alert_id = $${args.push(f.alertId)}`);
    if (f.since !== undefined) where.push(`at >= $${args.push(f.since)}`);
    if (f.area !== undefined && f.area !== '*') where.push(`starts_with(grid, $${args.push(f.area)})`);
    const { rows } = await this.pool.query<AuditRow>(
      `SELECT * FROM duty_audit ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${args.push(f.limit)}`,
      args,
    );
    return rows.map(auditEntryOf);
  }

  async kpiInputs(since: number): Promise<KpiInput[]> {
    const { rows } = await this.pool.query<{ id: string; severity: KpiInput['severity']; grid: string; first_seen: string; ack_at: string | null; resolved_at: string | null }>(
      'SELECT id, severity, grid, first_seen, ack_at, resolved_at FROM duty_alert WHERE first_seen >= $1 OR resolved_at IS NULL',
      [since],
    );
    return rows.map((r) => ({
      id: r.id,
      severity: r.severity,
      grid: r.grid,
      firstSeen: Number(r.first_seen),
      ackAt: r.ack_at === null ? null : Number(r.ack_at),
      resolvedAt: r.resolved_at === null ? null : Number(r.resolved_at),
    }));
  }

  private async readAction(q: Query, opId: string): Promise<StoredAction | undefined> {
    const { rows } = await q(
      `SELECT a.op_id, a.alert_id, a.action, a.request, a.alert, t.*
       FROM duty_action a JOIN duty_audit t ON t.id = a.audit_id WHERE a.op_id = $1`,
      [opId],
    );
    const row = rows[0] as (AuditRow & { request: string; alert: AlertView }) | undefined;
    if (!row) return undefined;
    return { opId: row.op_id, alertId: row.alert_id, action: row.action, request: row.request, entry: auditEntryOf(row), alert: row.alert };
  }

  private async transaction<T>(work: (q: Query) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work((sql, args) => client.query(sql, args as unknown[]));
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }
}

type Query = (sql: string, args?: unknown[]) => Promise<{ rows: unknown[] }>;
