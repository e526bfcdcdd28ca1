/**
 * The duty workflow end to end (issue #6): a real server on port 0, real socket.io clients, users logged in
 * through POST /api/login. Alerts are raised by ingesting device events that trip the test rules.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io as connect } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { AlertDetail, AlertView, AuditEntry, DutyActionResult, DutyKpis } from '../../protocol';
import { COMMUNITY_A, COMMUNITY_B, GRIDS } from '../fixtures/tiny-district';
import { frameCollector, ingest, ndjson } from '../helpers/start-app';
import { alarm, alertLog, api, next, request, startDutyApp, type DutyRig } from './duty-rig';

let rigs: DutyRig[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const r of rigs) await r.close();
  rigs = [];
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
async function start(opts: Parameters<typeof startDutyApp>[0] = {}) {
  const r = await startDutyApp(opts);
  rigs.push(r);
  return r;
}

type Ack<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string; conflict?: { by: string; at: number } } };

describe('duty workflow over sockets', () => {
  it('raises at once to the right jurisdictions, acks with a note, and a retried opId has one effect', async () => {
    // No tick in this test: the alert must go out because the data came in, not because a tick came by.
    const r = await start({ tickMs: 3_600_000 });
    const [t1, t2, tB] = await Promise.all([r.token('duty1', 'duty'), r.token('duty2', 'duty'), r.token('leaderB', 'leader', COMMUNITY_B)]);
    const [s1, s2, sB, wall] = await Promise.all([r.socket(t1), r.socket(t2), r.socket(tB), r.socket()]);
    const logB = alertLog(sB);
    const actionedB: AuditEntry[] = [];
    sB.on('alert:actioned', (e) => actionedB.push(e));

    const raised1 = next(s1, 'alert:raised');
    const raisedWall = next(wall, 'alert:raised');
    const kpis1 = next(s1, 'kpis:changed');
    await alarm(r.url, r.clock.now(), 0);
    const n = await raised1;
    expect(n).toMatchObject({ change: 'raised', notify: true, alert: { ruleId: 'smoke-alarm', severity: 'critical', subject: { grid: GRIDS[0] } } });
    expect((await raisedWall).alert.id).toBe(n.alert.id);
    expect(await kpis1).toMatchObject({ area: '*', open: { critical: 1 } });
    const id = n.alert.id;

    const noNote = await request<DutyActionResult>(s1, 'alert:ack', { alertId: id, opId: 'op-sock-ack-1' });
    expect(noNote).toMatchObject({ ok: false, error: { code: 'invalid_payload', path: 'note' } });

    r.clock.advance(45_000);
    const seen = next(s2, 'alert:updated', (u) => u.alert.id === id);
    const actioned = next(s2, 'alert:actioned');
    const ack = (await request<DutyActionResult>(s1, 'alert:ack', { alertId: id, opId: 'op-sock-ack-2', note: '已派人到场 13812345678' })) as Ack<DutyActionResult>;
    expect(ack.ok).toBe(true);
    if (!ack.ok) return;
    expect(ack.data.alert).toMatchObject({ acknowledged: true, ackBy: 'duty1' });
    expect(ack.data.entry).toMatchObject({ action: 'ack', actor: 'duty1', client: s1.id, at: r.clock.now() });
    expect((await seen).alert).toMatchObject({ id, acknowledged: true, ackBy: 'duty1', ackNote: '已派人到场 13812345678' });
    expect(await actioned).toEqual(ack.data.entry);

    const retry = await request<DutyActionResult>(s1, 'alert:ack', { alertId: id, opId: 'op-sock-ack-2', note: '已派人到场 13812345678' });
    expect(retry).toEqual({ ok: true, data: { ...ack.data, replayed: true } });
    const audit = await api(r.url, `/api/audit?alertId=${encodeURIComponent(id)}`, { token: t1 });
    expect(audit.status).toBe(200);
    expect((audit.body.entries as AuditEntry[]).map((e) => e.opId)).toEqual(['op-sock-ack-2']);

    // The wall sees the alert, with the phone number in the note masked.
    const wallList = (await request<{ alerts: AlertView[] }>(wall, 'alert:list', {})) as Ack<{ alerts: AlertView[] }>;
    expect(wallList.ok && wallList.data.alerts.map((a) => [a.id, a.ackNote])).toEqual([[id, '已派人到场 138****5678']]);

    // A leader of community B gets nothing about community A: not the raise, not the ack, not on request.
    const listB = (await request<{ alerts: AlertView[]; kpis: DutyKpis }>(sB, 'alert:list', {})) as Ack<{ alerts: AlertView[]; kpis: DutyKpis }>;
    expect(listB.ok && listB.data.alerts).toEqual([]);
    expect(listB.ok && listB.data.kpis).toMatchObject({ area: COMMUNITY_B, open: { critical: 0 } });
    expect(await request(sB, 'alert:detail', { alertId: id })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await request(sB, 'alert:note', { alertId: id, opId: 'op-leader-b1', note: 'x' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(logB).toEqual([]);
    expect(actionedB).toEqual([]);
  });

  it('tells the second of two operators acking at once who won and when', async () => {
    const r = await start();
    const [t1, t2] = await Promise.all([r.token('duty1', 'duty'), r.token('duty2', 'duty')]);
    const [s1, s2] = await Promise.all([r.socket(t1), r.socket(t2)]);
    const raised = next(s1, 'alert:raised');
    await alarm(r.url, r.clock.now(), 1, 'sos');
    const { alert } = await raised;
    expect(alert.severity).toBe('major');
    r.clock.advance(20_000);
    const acks = (await Promise.all([
      request<DutyActionResult>(s1, 'alert:ack', { alertId: alert.id, opId: 'op-race-one-1' }),
      request<DutyActionResult>(s2, 'alert:ack', { alertId: alert.id, opId: 'op-race-two-1' }),
    ])) as Ack<DutyActionResult>[];
    const won = acks.filter((a) => a.ok);
    const lost = acks.filter((a): a is Extract<Ack<DutyActionResult>, { ok: false }> => !a.ok);
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const winner = (won[0] as { data: DutyActionResult }).data.entry.actor;
    expect(lost[0]!.error).toEqual({
      code: 'conflict',
      message: `already acknowledged by ${winner} at ${new Date(r.clock.now()).toISOString()}`,
      conflict: { action: 'ack', by: winner, at: r.clock.now() },
    });
    const audit = await api(r.url, `/api/audit?alertId=${encodeURIComponent(alert.id)}`, { token: t1 });
    expect(audit.body.entries).toHaveLength(1);
  });

  it('never raises or acts on real alerts from a demo world', async () => {
    const r = await start();
    const t1 = await r.token('duty1', 'duty');
    const s1 = await r.socket(t1);
    const demo = connect(`${r.url}/demo`, { transports: ['websocket'], reconnection: false, forceNew: true, auth: { token: t1 } });
    await new Promise<void>((resolve, reject) => {
      demo.once('connect', () => resolve());
      demo.once('connect_error', reject);
    });
    const demoAlerts: unknown[] = [];
    demo.onAny((event: string, payload: unknown) => {
      if (event.startsWith('alert:') || event === 'kpis:changed') demoAlerts.push(payload);
    });
    const raised = next(s1, 'alert:raised');
    await alarm(r.url, r.clock.now(), 0);
    const { alert } = await raised;
    const answer = await demo.timeout(5000).emitWithAck('alert:resolve', { alertId: alert.id, opId: 'op-demo-0001' });
    expect(answer).toMatchObject({ ok: false, error: { code: 'invalid_payload', message: expect.stringContaining('unknown request') } });
    expect(r.gp.duty.kpis('*').open.critical).toBe(1);
    expect(demoAlerts).toEqual([]);
    demo.disconnect();
  });
});

describe('duty workflow: dispatch, REST, restart', () => {
  it('dispatches an alert as a case that appears in the cases layer, and closing the case resolves the alert', async () => {
    const r = await start();
    const t1 = await r.token('duty1', 'duty', COMMUNITY_A);
    const s1 = await r.socket(t1);
    const frames = frameCollector(s1);
    const snap = await request(s1, 'scope:subscribe', { scope: COMMUNITY_A, layers: ['cases'] });
    expect(snap.ok).toBe(true);
    const raised = next(s1, 'alert:raised');
    await alarm(r.url, r.clock.now(), 0);
    const { alert } = await raised;

    r.clock.advance(60_000);
    const res = await api(r.url, `/api/alerts/${encodeURIComponent(alert.id)}/dispatch`, { token: t1, body: { opId: 'op-rest-dispatch-1', note: '派消防站' } });
    expect(res.status).toBe(201);
    const result = res.body as unknown as DutyActionResult;
    const caseId = result.alert.caseId!;
    expect(caseId).toMatch(/^DUTY-/);
    expect(result.entry).toMatchObject({ action: 'dispatch', caseId, client: 'http:127.0.0.1', note: '派消防站' });
    const frame = await frames.next((f) => !!f.changes.cases?.some((c) => c.id === caseId));
    expect(frame.changes.cases!.find((c) => c.id === caseId)).toMatchObject({ status: 'reported', category: 'SJ0406', channel: 'device', urgency: 'urgent', grid: GRIDS[0] });

    const again = await api(r.url, `/api/alerts/${encodeURIComponent(alert.id)}/dispatch`, { token: t1, body: { opId: 'op-rest-dispatch-2' } });
    expect(again.status).toBe(409);
    expect(again.body.error?.message).toBe(`already dispatched as case ${caseId} by duty1 at ${new Date(r.clock.now()).toISOString()}`);

    r.clock.advance(30 * 60_000);
    const resolved = next(s1, 'alert:resolved', (n) => n.alert.id === alert.id);
    const close = await ingest(
      r.url,
      ndjson([{ kind: 'case.updated', id: 'case-close-1', source: 'hotline', time: r.clock.now(), caseId, status: 'closed', category: 'SJ0406', channel: 'device', grid: GRIDS[0] }]),
    );
    expect(close.body.accepted).toBe(1);
    expect((await resolved).alert).toMatchObject({ resolvedBy: 'system', resolvedAt: r.clock.now(), caseId, acknowledged: true, active: false });
    const detail = await api(r.url, `/api/alerts/${encodeURIComponent(alert.id)}`, { token: t1 });
    expect(detail.status).toBe(200);
    const d = detail.body as unknown as AlertDetail;
    expect(d.audit.map((e) => [e.action, e.actor])).toEqual([
      ['dispatch', 'duty1'],
      ['resolve', 'system'],
    ]);
    expect(d.cases).toEqual([expect.objectContaining({ caseId, status: 'closed' })]);
    const recent = await api(r.url, '/api/alerts?include=recent', { token: t1 });
    expect((recent.body.alerts as AlertView[]).find((a) => a.id === alert.id)).toMatchObject({ resolvedBy: 'system' });
    expect(((await api(r.url, '/api/alerts', { token: t1 })).body.alerts as AlertView[]).map((a) => a.id)).not.toContain(alert.id);
  });

  it('answers REST requests with the same rules and clear errors', async () => {
    const r = await start();
    const [tDuty, tLeader] = await Promise.all([r.token('duty1', 'duty'), r.token('lead', 'leader')]);
    const s = await r.socket(tDuty);
    const raised = next(s, 'alert:raised');
    await alarm(r.url, r.clock.now(), 2);
    const { alert } = await raised;
    const path = `/api/alerts/${encodeURIComponent(alert.id)}`;

    expect((await api(r.url, `${path}/ack`, { token: tDuty, body: { opId: 'op-rest-ack-1' } })).status).toBe(400);
    expect((await api(r.url, `${path}/ack`, { token: tDuty, raw: '{"opId": ' })).body.error).toMatchObject({ code: 'invalid_payload' });
    expect((await api(r.url, `${path}/shout`, { token: tDuty, body: { opId: 'op-rest-bad-1' } })).status).toBe(404);
    expect((await api(r.url, '/api/alerts/nope/ack', { token: tDuty, body: { opId: 'op-rest-none1', note: 'x' } })).status).toBe(404);
    const anon = await api(r.url, `${path}/note`, { body: { opId: 'op-rest-anon1', note: 'x' } });
    expect(anon.status).toBe(403);
    expect(anon.body.error?.message).toContain('read-only');
    expect((await api(r.url, `${path}/note`, { token: tLeader, body: { opId: 'op-rest-lead1', note: 'x' } })).status).toBe(403);
    expect((await api(r.url, '/api/audit', { token: tLeader })).status).toBe(403);
    expect((await api(r.url, '/api/audit?limit=0', { token: tDuty })).status).toBe(400);

    const ok = await api(r.url, `${path}/ack`, { token: tDuty, body: { opId: 'op-rest-ack-2', note: '收到' } });
    expect(ok.status).toBe(201);
    expect((await api(r.url, `${path}/ack`, { token: tDuty, body: { opId: 'op-rest-ack-2', note: '收到' } })).status).toBe(200);
    const late = await api(r.url, `${path}/ack`, { token: tDuty, body: { opId: 'op-rest-ack-3', note: '收到' } });
    expect(late.status).toBe(409);
    expect(late.body.error).toMatchObject({ code: 'conflict', conflict: { action: 'ack', by: 'duty1' } });

    const list = await api(r.url, '/api/alerts', { token: tLeader });
    expect((list.body.alerts as AlertView[]).map((a) => [a.id, a.acknowledged])).toEqual([[alert.id, true]]);
    const kpis = (await api(r.url, '/api/alerts/kpis', { token: tLeader })).body as unknown as DutyKpis;
    expect(kpis.bySeverity.critical).toMatchObject({ raised: 1, acknowledged: 1, ttaMedianMs: 0 });
    const metrics = await (await fetch(`${r.url}/metrics`)).text();
    expect(metrics).toMatch(/gridpulse_alert_time_to_ack_seconds_count\{severity="critical"\} 1/);
    expect(metrics).toMatch(/gridpulse_alerts_open\{severity="critical"\} 1/);
    expect(metrics).toMatch(/gridpulse_rejected_total\{reason="conflict"\} 1/);
  });

  it('brings alerts and their ack state back after a restart on the same data dir', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gp-duty-restart-'));
    dirs.push(dir);
    const first = await start({ dataDir: dir });
    const t1 = await first.token('duty1', 'duty');
    const s1 = await first.socket(t1);
    const raised = next(s1, 'alert:raised');
    await alarm(first.url, first.clock.now(), 3);
    const { alert } = await raised;
    first.clock.advance(10_000);
    const ack = await request<DutyActionResult>(s1, 'alert:ack', { alertId: alert.id, opId: 'op-restart-ack', note: '处置中' });
    expect(ack.ok).toBe(true);
    await request(s1, 'alert:assign', { alertId: alert.id, opId: 'op-restart-asg', assignee: '网格员李' });
    await first.close();
    rigs = rigs.filter((x) => x !== first);

    const second = await start({ dataDir: dir, clock: first.clock });
    const s2 = await second.socket(t1);
    const list = (await request<{ alerts: AlertView[] }>(s2, 'alert:list', {})) as Ack<{ alerts: AlertView[] }>;
    expect(list.ok && list.data.alerts).toEqual([
      expect.objectContaining({ id: alert.id, acknowledged: true, ackBy: 'duty1', ackNote: '处置中', assignee: '网格员李', active: true }),
    ]);
    const replay = await request<DutyActionResult>(s2, 'alert:ack', { alertId: alert.id, opId: 'op-restart-ack', note: '处置中' });
    expect(replay).toMatchObject({ ok: true, data: { replayed: true } });
    const audit = await api(second.url, `/api/audit?alertId=${encodeURIComponent(alert.id)}`, { token: t1 });
    expect((audit.body.entries as AuditEntry[]).map((e) => e.action)).toEqual(['assign', 'ack']);
  });
});
