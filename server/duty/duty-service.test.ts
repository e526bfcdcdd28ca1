import { describe, expect, it, vi } from 'vitest';
import type { AlertNotification, AlertView, AuditEntry, CaseEvent, CaseView, Principal } from '../../protocol';
import { createAlertEngine, type AlertEngine } from '../alerts/alert-engine';
import { FakeInputs } from '../alerts/fake-inputs.test-support';
import { alertRuleSchema, type AlertRule } from '../alerts/rule.schema';
import { ManualClock } from '../pipeline/clock';
import { openDatabase, type Db } from '../store/database';
import { SqliteDutyStore } from '../store/sqlite-duty-store';
import { DutyService, type DutyNotifier } from './duty-service';
import type { DutyStore } from './duty-store';

const T = Date.UTC(2026, 10, 28, 2, 0, 0);
const G1 = '330106007001001';
const G3 = '330106007002001';
const C1 = '330106007001';

const rules: AlertRule[] = [
  alertRuleSchema.parse({ id: 'smoke-alarm', kind: 'threshold', name: '烟感', severity: 'critical', level: 'grid', metric: 'live.smokeAlarms', op: '>=', value: 1 }),
  alertRuleSchema.parse({ id: 'overdue', kind: 'threshold', name: '超期', severity: 'minor', level: 'grid', metric: 'cases.overdue', op: '>=', value: 1 }),
];

const duty1: Principal = { name: 'duty1', role: 'duty', area: '*' };
const duty2: Principal = { name: 'duty2', role: 'duty', area: '*' };
const dutyA: Principal = { name: 'dutyA', role: 'duty', area: C1 };
const leader: Principal = { name: 'lead', role: 'leader', area: '*' };
const anon: Principal = { name: 'anonymous', role: 'wall', area: '*', anonymous: true };

/** Records what the service tells the hub. */
class Recorder implements DutyNotifier {
  alerts: AlertNotification[] = [];
  actionedRows: AuditEntry[] = [];
  kpiGrids: string[] = [];
  alert(n: AlertNotification): void {
    this.alerts.push(n);
  }
  actioned(e: AuditEntry): void {
    this.actionedRows.push(e);
  }
  kpisChanged(grids: readonly string[]): void {
    this.kpiGrids.push(...grids);
  }
}

interface Rig {
  service: DutyService;
  engine: AlertEngine;
  clock: ManualClock;
  inputs: FakeInputs;
  notes: Recorder;
  filed: CaseEvent[];
  cases: Map<string, CaseView>;
  db: Db;
  store: DutyStore;
  restart(): Promise<Rig>;
}

async function rig(opts: { db?: Db; clock?: ManualClock; store?: DutyStore; inputs?: FakeInputs } = {}): Promise<Rig> {
  const db = opts.db ?? openDatabase(':memory:');
  const clock = opts.clock ?? new ManualClock(T);
  const inputs = opts.inputs ?? new FakeInputs();
  const store = opts.store ?? new SqliteDutyStore(db);
  const notes = new Recorder();
  const filed: CaseEvent[] = [];
  const cases = new Map<string, CaseView>();
  const engine = createAlertEngine({ rules });
  const service = new DutyService({
    engine,
    store,
    clock,
    inputs,
    notifier: notes,
    fileCase: (e) => {
      filed.push(e);
      return undefined;
    },
    areaCenter: () => undefined,
    device: () => undefined,
    caseView: (id) => cases.get(id),
  });
  await service.ready;
  const r: Rig = {
    service,
    engine,
    clock,
    inputs,
    notes,
    filed,
    cases,
    db,
    store,
    async restart() {
      await service.close();
      return rig({ db, clock, inputs });
    },
  };
  return r;
}

/** Raises a critical smoke alert in G1 (and optionally a minor one in G3); returns their ids. */
function raise(r: Rig, opts: { minorIn?: string } = {}): { smoke: string; minor?: string } {
  r.inputs.set(G1, 'live.smokeAlarms', 1);
  if (opts.minorIn) r.inputs.set(opts.minorIn, 'cases.overdue', 1);
  r.service.evaluate();
  const smoke = r.engine.alerts().find((a: AlertView) => a.ruleId === 'smoke-alarm')!.id;
  const minor = r.engine.alerts().find((a: AlertView) => a.ruleId === 'overdue')?.id;
  return { smoke, minor };
}

const ackBody = (opId: string, note?: string) => ({ opId, ...(note === undefined ? {} : { note }) });
const who = (principal: Principal, client = 'sock-1') => ({ principal, client });

describe('DutyService: raising and persistence', () => {
  it('sends each engine change at once, persists it, and restores the queue after a restart', async () => {
    const r = await rig();
    const { smoke } = raise(r);
    expect(r.notes.alerts.map((n) => [n.change, n.alert.id, n.notify])).toEqual([['raised', smoke, true]]);
    expect(r.notes.kpiGrids).toEqual([G1]);
    await r.service.close();
    expect((await r.store.openAlerts()).map((a) => a.id)).toEqual([smoke]);

    const r2 = await rig({ db: r.db, clock: r.clock, inputs: r.inputs });
    expect((await r2.service.list(duty1, {})).ok && (await r2.service.list(duty1, {}))).toMatchObject({ data: { alerts: [{ id: smoke }] } });
    // The restored alert is the same alert: the next evaluation re-triggers nothing new.
    r2.clock.advance(1000);
    r2.service.evaluate();
    expect(r2.notes.alerts).toEqual([]);
  });
});

describe('DutyService: evaluation on incoming data', () => {
  it('evaluates once per burst of batches, at once, and once more for data that came during the cooldown', async () => {
    const r = await rig();
    let runs = 0;
    const evaluate = r.engine.evaluate;
    r.engine.evaluate = (...args) => (runs++, evaluate(...args));
    r.inputs.set(G1, 'live.smokeAlarms', 1);
    for (let i = 0; i < 5; i++) r.service.onAccepted([]);
    await new Promise((done) => setImmediate(done));
    expect(runs).toBe(1);
    expect(r.notes.alerts.map((n) => n.change)).toEqual(['raised']);
    r.service.onAccepted([]);
    r.service.onAccepted([]);
    expect(runs).toBe(1);
    await vi.waitFor(() => expect(runs).toBe(2), { timeout: 5000 });
    await r.service.close();
    r.service.onAccepted([]);
    await new Promise((done) => setImmediate(done));
    expect(runs).toBe(2);
  });

  it('resolving an alert whose condition still holds lets the rule raise a new one later', async () => {
    const r = await rig();
    const { smoke } = raise(r);
    r.clock.advance(60_000);
    expect((await r.service.act('resolve', smoke, { opId: 'op-reraise-01' }, who(duty1))).ok).toBe(true);
    r.clock.advance(1_000);
    r.service.evaluate();
    const again = r.notes.alerts.at(-1)!;
    expect(again).toMatchObject({ change: 'raised', alert: { ruleId: 'smoke-alarm', acknowledged: false, firstSeen: T + 61_000 } });
    expect(again.alert.id).not.toBe(smoke);
    expect(await r.store.getAlert(smoke)).toMatchObject({ resolvedBy: 'duty1' });
  });
});

describe('DutyService: acknowledge', () => {
  it('requires a note for a critical alert, and a retry of the same opId has one effect', async () => {
    const r = await rig();
    const { smoke } = raise(r);
    const noNote = await r.service.act('ack', smoke, ackBody('op-ack-0001'), who(duty1));
    expect(noNote).toEqual({ ok: false, error: expect.objectContaining({ code: 'invalid_payload', path: 'note', message: 'a note is required to acknowledge a critical alert' }) });

    r.clock.advance(90_000);
    const first = await r.service.act('ack', smoke, ackBody('op-ack-0002', '已派人到场'), who(duty1));
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    expect(first.data.replayed).toBe(false);
    expect(first.data.alert).toMatchObject({ acknowledged: true, ackBy: 'duty1', ackAt: T + 90_000, ackNote: '已派人到场' });
    expect(first.data.entry).toMatchObject({ opId: 'op-ack-0002', action: 'ack', actor: 'duty1', client: 'sock-1', at: T + 90_000, note: '已派人到场' });
    expect(r.engine.get(smoke)).toMatchObject({ acknowledged: true, ackBy: 'duty1' });
    expect(r.notes.alerts.at(-1)).toMatchObject({ change: 'updated', alert: { id: smoke, acknowledged: true } });
    expect(r.notes.actionedRows).toEqual([first.data.entry]);

    r.clock.advance(5_000);
    const retry = await r.service.act('ack', smoke, ackBody('op-ack-0002', '已派人到场'), who(duty1, 'sock-2'));
    expect(retry).toEqual({ ok: true, data: { ...first.data, replayed: true } });
    expect(await r.store.audit({ alertId: smoke, limit: 10 })).toHaveLength(1);
    expect(r.notes.actionedRows).toHaveLength(1);

    const reused = await r.service.act('ack', smoke, ackBody('op-ack-0002', 'another text'), who(duty1));
    expect(reused).toMatchObject({ ok: false, error: { code: 'conflict', path: 'opId', conflict: { action: 'ack', by: 'duty1', at: T + 90_000 } } });
    const otherUser = await r.service.act('ack', smoke, ackBody('op-ack-0002', '已派人到场'), who(duty2));
    expect(otherUser).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });

  it('lets one of two operators acking at once win and tells the other who and when', async () => {
    const r = await rig();
    const { smoke } = raise(r);
    r.clock.advance(30_000);
    const [a, b] = await Promise.all([
      r.service.act('ack', smoke, ackBody('op-race-0001', 'A 接手'), who(duty1)),
      r.service.act('ack', smoke, ackBody('op-race-0002', 'B 接手'), who(duty2)),
    ]);
    expect(a.ok).toBe(true);
    expect(b).toEqual({
      ok: false,
      error: {
        code: 'conflict',
        message: `already acknowledged by duty1 at ${new Date(T + 30_000).toISOString()}`,
        conflict: { action: 'ack', by: 'duty1', at: T + 30_000 },
      },
    });
    expect(await r.store.audit({ alertId: smoke, limit: 10 })).toHaveLength(1);
  });

  it('resolves a cleared alert when it is acknowledged', async () => {
    const r = await rig();
    const { minor } = raise(r, { minorIn: G3 });
    r.inputs.set(G3, 'cases.overdue', 0);
    r.clock.advance(60_000);
    r.service.evaluate();
    expect(r.notes.alerts.at(-1)).toMatchObject({ change: 'cleared', alert: { id: minor } });
    const res = await r.service.act('ack', minor!, ackBody('op-ack-clear1'), who(duty1));
    expect(res.ok && res.data.alert).toMatchObject({ acknowledged: true, resolvedBy: 'duty1', resolvedAt: T + 60_000 });
    expect(r.notes.alerts.at(-1)).toMatchObject({ change: 'resolved', alert: { id: minor, resolvedBy: 'duty1' } });
    expect(r.engine.get(minor!)).toBeUndefined();
    expect(await r.store.getAlert(minor!)).toMatchObject({ resolvedBy: 'duty1' });
  });
});

describe('DutyService: who may act where', () => {
  it('refuses read-only roles and alerts outside the jurisdiction, saying why', async () => {
    const r = await rig();
    const { smoke, minor } = raise(r, { minorIn: G3 });
    expect(await r.service.act('note', smoke, { opId: 'op-wall-0001', note: 'x' }, who(anon))).toMatchObject({
      ok: false,
      error: { code: 'forbidden', message: expect.stringContaining('log in as a duty officer') },
    });
    expect(await r.service.act('note', smoke, { opId: 'op-lead-0001', note: 'x' }, who(leader))).toMatchObject({
      ok: false,
      error: { code: 'forbidden', message: 'role leader may not act on alerts (duty and admin may)' },
    });
    expect(await r.service.act('note', minor!, { opId: 'op-area-0001', note: 'x' }, who(dutyA))).toMatchObject({
      ok: false,
      error: { code: 'forbidden', message: `alert ${minor} is outside your jurisdiction (${C1})` },
    });
    expect((await r.service.act('note', smoke, { opId: 'op-area-0002', note: 'x' }, who(dutyA))).ok).toBe(true);
    expect(await r.service.act('note', 'no-such-alert', { opId: 'op-none-0001', note: 'x' }, who(duty1))).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(await r.service.act('note', smoke, { opId: 'short', note: 'x' }, who(duty1))).toMatchObject({
      ok: false,
      error: { code: 'invalid_payload', path: 'opId' },
    });
    expect(await r.store.audit({ limit: 10 })).toHaveLength(1);
  });

  it('lists and details only the jurisdiction, and keeps the audit log to duty and admin', async () => {
    const r = await rig();
    const { smoke, minor } = raise(r, { minorIn: G3 });
    const listA = await r.service.list(dutyA, {});
    expect(listA.ok && listA.data.alerts.map((a) => a.id)).toEqual([smoke]);
    expect(listA.ok && listA.data.kpis).toMatchObject({ area: C1, open: { critical: 1, minor: 0 } });
    expect(await r.service.detail(dutyA, minor!)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    await r.service.act('note', minor!, { opId: 'op-note-b001', note: 'B' }, who(duty1));
    await r.service.act('note', smoke, { opId: 'op-note-a001', note: 'A' }, who(duty1));
    const auditA = await r.service.audit(dutyA, {});
    expect(auditA.ok && auditA.data.map((e) => e.opId)).toEqual(['op-note-a001']);
    expect(await r.service.audit(leader, {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await r.service.audit(duty1, { limit: 'lots' })).toMatchObject({ ok: false, error: { code: 'invalid_payload', path: 'limit' } });
    const detail = await r.service.detail(duty1, smoke);
    expect(detail.ok && detail.data.audit.map((e) => e.note)).toEqual(['A']);
    expect(detail.ok && detail.data.alert.notes).toBe(1);
  });
});

describe('DutyService: assign, dispatch, resolve', () => {
  it('dispatches an alert as a case, refuses a second dispatch, and resolves the alert when the case closes', async () => {
    const r = await rig();
    const { smoke } = raise(r);
    const assigned = await r.service.act('assign', smoke, { opId: 'op-assign-01', assignee: '王网格员' }, who(duty1));
    expect(assigned.ok && assigned.data.alert.assignee).toBe('王网格员');

    r.clock.advance(10_000);
    const d = await r.service.act('dispatch', smoke, { opId: 'op-dispatch-1', note: '派至消防' }, who(duty1));
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(r.filed).toHaveLength(1);
    const event = r.filed[0]!;
    expect(event).toMatchObject({ kind: 'case.updated', status: 'reported', category: 'SJ0406', urgency: 'urgent', grid: G1, time: T + 10_000 });
    expect(d.data.alert.caseId).toBe(event.caseId);
    expect(d.data.entry.caseId).toBe(event.caseId);
    expect(r.engine.get(smoke)?.caseId).toBe(event.caseId);

    r.clock.advance(5_000);
    expect(await r.service.act('dispatch', smoke, { opId: 'op-dispatch-2' }, who(duty2))).toMatchObject({
      ok: false,
      error: { code: 'conflict', message: `already dispatched as case ${event.caseId} by duty1 at ${new Date(T + 10_000).toISOString()}` },
    });

    r.clock.advance(600_000);
    r.service.onAccepted([{ ...event, id: 'close-1', status: 'closed', time: r.clock.now() }]);
    await r.service.close();
    const trail = await r.store.audit({ alertId: smoke, limit: 10 });
    expect(trail[0]).toMatchObject({ action: 'resolve', actor: 'system', client: 'system', note: `case ${event.caseId} closed` });
    expect(await r.store.getAlert(smoke)).toMatchObject({ resolvedBy: 'system', resolvedAt: T + 615_000, acknowledged: true, caseId: event.caseId });
    expect(r.engine.get(smoke)).toBeUndefined();
  });

  it('resolves by hand once; a later resolve or ack is told who resolved it', async () => {
    const r = await rig();
    const { smoke } = raise(r);
    r.clock.advance(120_000);
    const res = await r.service.act('resolve', smoke, { opId: 'op-resolve-1', note: '误报' }, who(duty1));
    expect(res.ok && res.data.alert).toMatchObject({ active: false, acknowledged: true, ackBy: 'duty1', resolvedBy: 'duty1', resolvedAt: T + 120_000 });
    expect(r.notes.alerts.at(-1)).toMatchObject({ change: 'resolved', alert: { id: smoke } });
    expect(await r.service.act('resolve', smoke, { opId: 'op-resolve-2' }, who(duty2))).toMatchObject({
      ok: false,
      error: { code: 'conflict', conflict: { action: 'resolve', by: 'duty1', at: T + 120_000 } },
    });
    // A note on a resolved alert is still recorded.
    expect((await r.service.act('note', smoke, { opId: 'op-note-late', note: '复盘' }, who(duty2))).ok).toBe(true);
    const recent = await r.service.list(duty1, { include: 'recent' });
    expect(recent.ok && recent.data.alerts.find((a) => a.id === smoke)).toMatchObject({ resolvedBy: 'duty1', notes: 1 });
    const open = await r.service.list(duty1, {});
    expect(open.ok && open.data.alerts).toEqual([]);
  });
});

describe('DutyService: durability and KPIs', () => {
  it('answers an error and changes nothing when the store cannot commit', async () => {
    const db = openDatabase(':memory:');
    const r = await rig({ db });
    const { smoke } = raise(r);
    await r.service.close();
    const r2 = await rig({ db, clock: r.clock, inputs: r.inputs });
    db.exec("CREATE TRIGGER boom BEFORE INSERT ON duty_audit BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END");
    const res = await r2.service.act('ack', smoke, ackBody('op-fail-0001', 'x'), who(duty1));
    expect(res).toMatchObject({ ok: false, error: { code: 'internal', message: 'the action was not recorded: disk I/O error' } });
    expect(r2.engine.get(smoke)?.acknowledged).toBe(false);
    expect(r2.notes.actionedRows).toEqual([]);
  });

  it('keeps the ack state across a restart', async () => {
    const r = await rig();
    const { smoke } = raise(r);
    await r.service.act('ack', smoke, ackBody('op-keep-0001', '收到'), who(duty1));
    await r.service.act('assign', smoke, { opId: 'op-keep-0002', assignee: 'w1' }, who(duty1));
    const r2 = await r.restart();
    const list = await r2.service.list(duty1, {});
    expect(list.ok && list.data.alerts[0]).toMatchObject({ id: smoke, acknowledged: true, ackBy: 'duty1', ackNote: '收到', assignee: 'w1' });
    const replay = await r2.service.act('ack', smoke, ackBody('op-keep-0001', '收到'), who(duty1));
    expect(replay.ok && replay.data.replayed).toBe(true);
  });

  it('computes TTA and TTR medians per severity for the jurisdiction', async () => {
    const r = await rig();
    const { smoke, minor } = raise(r, { minorIn: G3 });
    r.clock.advance(60_000);
    await r.service.act('ack', smoke, ackBody('op-kpi-00001', 'x'), who(duty1));
    r.clock.advance(60_000);
    await r.service.act('resolve', smoke, { opId: 'op-kpi-00002' }, who(duty1));
    const all = r.service.kpis('*');
    expect(all.bySeverity.critical).toEqual({ raised: 1, acknowledged: 1, resolved: 1, ttaMedianMs: 60_000, ttrMedianMs: 120_000 });
    expect(all.bySeverity.minor).toEqual({ raised: 1, acknowledged: 0, resolved: 0, ttaMedianMs: null, ttrMedianMs: null });
    expect(all.open).toEqual({ warning: 0, minor: 1, major: 0, critical: 0 });
    expect(r.service.kpis(C1).bySeverity.minor.raised).toBe(0);
    expect(minor).toBeDefined();
    // Out of the 24-h window: counted no more, and still open ones stay open.
    r.clock.advance(25 * 3_600_000);
    expect(r.service.kpis('*').bySeverity.critical.raised).toBe(0);
    expect(r.service.kpis('*').open.minor).toBe(1);
  });
});
