import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AckResult, SnapshotFrame } from '../../protocol';
import { COMMUNITY_A, GRIDS, pointInGrid } from '../fixtures/tiny-district';
import { T0, connectClient, followScope, frameCollector, ingest, ndjson, startApp, type RunningApp, type TestSocket } from '../helpers/start-app';

function heartbeat(n: number, grid: number) {
  return { kind: 'device.heartbeat', id: `hb-${n}`, source: 'test', time: T0 - 1000, deviceId: `dev-${n}`, deviceType: 'smoke', ...pointInGrid(grid) };
}

function subscribe(socket: TestSocket, scope: string): Promise<AckResult<SnapshotFrame>> {
  return new Promise((resolve) => socket.emit('scope:subscribe', { scope, layers: ['areas', 'devices', 'series'] }, resolve));
}

describe('HTTP ingest → aggregate → hub → two socket.io clients', () => {
  let app: RunningApp;
  const sockets: TestSocket[] = [];

  beforeEach(async () => {
    app = await startApp();
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.disconnect();
    await app.close();
  });

  it('sends a snapshot on subscribe, then deltas with the matching counts and consecutive seq', async () => {
    const wall = await connectClient(app.url);
    const leader = await connectClient(app.url);
    sockets.push(wall, leader);
    const wallFrames = frameCollector(wall);
    const layers = ['areas', 'devices', 'series'] as const;
    const wallState = followScope(wall, '*', [...layers]);
    const leaderState = followScope(leader, COMMUNITY_A, [...layers]);

    const wallSnap = await wallState.subscribe();
    const leaderSnap = await leaderState.subscribe();
    expect(wallSnap.state.summary.events5m).toEqual({ device: 0, case: 0, opinion: 0 });
    expect(wallSnap.state.areas.map((a) => a.code)).toContain(GRIDS[3]);
    expect(leaderSnap.state.areas.map((a) => a.code).sort()).toEqual([GRIDS[0], GRIDS[1]]);

    // 3 device heartbeats in community A (grid 0), 2 in community B (grid 2), 1 case in grid 1, 1 bad line.
    const events = [heartbeat(1, 0), heartbeat(2, 0), heartbeat(3, 0), heartbeat(4, 2), heartbeat(5, 2)];
    const kase = {
      kind: 'case.updated', id: 'case-1-reported', source: '12345', time: new Date(T0 - 500).toISOString(),
      caseId: 'C-1', status: 'reported', category: '0101', channel: 'hotline', urgency: 'urgent', grid: GRIDS[1],
    };
    const body = ndjson([...events, kase]) + '{"kind":"device.heartbeat","id":"bad"}\n';
    const res = await ingest(app.url, body);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: 6, rejected: 1, duplicates: 0 });
    expect((res.body.errors as { line: number }[])[0]!.line).toBe(7);

    // The first delta: the next seq, the changed summary fields only (field-level patch), the devices whole.
    const wallDelta = await wallFrames.next((f) => f.changes.summary?.events5m?.device === 5);
    expect(wallDelta.seq).toBe(wallSnap.seq + 1);
    expect(wallDelta.epoch).toBe(wallSnap.epoch);
    expect(wallDelta.changes.summary).toMatchObject({ code: '*', events5m: { device: 5, case: 1 } });
    expect(wallDelta.changes.summary!.events5m).not.toHaveProperty('opinion');
    expect(wallDelta.changes.summary!.devices).toEqual({ total: 5, online: 5 });
    expect(wallDelta.changes.devices).toHaveLength(5);
    // What the wall holds after the deltas; the per-area stats come on their own (slower) beat.
    const wallNow = await wallState.until((s) => s.areas.find((a) => a.code === GRIDS[0])?.events5m.device === 3);
    expect(wallNow.summary.events5m).toEqual({ device: 5, case: 1, opinion: 0 });
    expect(wallNow.summary.devices).toEqual({ total: 5, online: 5, offline: 0, fault: 0 });

    const leaderNow = await leaderState.until((s) => s.summary.events5m.device === 3 && s.areas.some((a) => a.events5m.device === 3));
    expect(leaderNow.summary).toMatchObject({ code: COMMUNITY_A, events5m: { device: 3, case: 1 } });
    // The leader's scope never carries community B's areas or devices.
    for (const f of leaderState.frames) {
      expect((f.changes.areas ?? []).every((a) => a.code.startsWith(COMMUNITY_A))).toBe(true);
      expect((f.changes.devices ?? []).every((d) => d.grid.startsWith(COMMUNITY_A))).toBe(true);
    }
    expect(leaderNow.devices.map((d) => d.id).sort()).toEqual(['dev-1', 'dev-2', 'dev-3']);

    // The next batch arrives as the next seq; a duplicate id changes nothing.
    const seqBefore = wallFrames.frames.at(-1)!.seq;
    const again = await ingest(app.url, ndjson([heartbeat(6, 1), heartbeat(1, 0)]), { 'content-encoding': 'identity' });
    expect(again.body).toMatchObject({ accepted: 1, duplicates: 1 });
    const next = await wallFrames.next((f) => f.changes.summary?.events5m?.device === 6);
    expect(next.seq).toBe(seqBefore + 1);
    expect(wallState.errors).toEqual([]);
    expect(leaderState.errors).toEqual([]);
  });

  it('accepts gzip and JSON arrays, and answers 400 when nothing is valid and 401 without the token', async () => {
    const gz = gzipSync(JSON.stringify([heartbeat(10, 0), heartbeat(11, 3)]));
    const res = await ingest(app.url, gz as unknown as string, { 'content-encoding': 'gzip', 'content-type': 'application/json' });
    expect(res).toMatchObject({ status: 200, body: { accepted: 2 } });

    const bad = await ingest(app.url, '{"kind":"opinion.post"}\nnot json\n');
    expect(bad.status).toBe(400);
    const errors = bad.body.errors as { line: number; path: string; message: string }[];
    expect(errors.some((e) => e.line === 2 && /not valid JSON/.test(e.message))).toBe(true);
    expect(errors.some((e) => e.line === 1 && e.path === 'id')).toBe(true);

    const outside = await ingest(app.url, ndjson([{ ...heartbeat(12, 0), lon: 121.5, lat: 31.2 }]));
    expect(outside.status).toBe(400);
    expect((outside.body.errors as { message: string }[])[0]!.message).toMatch(/outside every grid/);

    const unauth = await fetch(`${app.url}/api/ingest`, { method: 'POST', body: ndjson([heartbeat(13, 0)]) });
    expect(unauth.status).toBe(401);

    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(metrics).toMatch(/gridpulse_rejected_total\{reason="invalid_json"\} 1/);
    expect(metrics).toMatch(/gridpulse_rejected_total\{reason="outside_district"\} 1/);
    expect(metrics).toMatch(/gridpulse_events_accepted_total\{kind="device.heartbeat"\} 2/);
  });

  it('answers 413 over the size limit and keeps serving', async () => {
    const big = 'x'.repeat(1024 * 1024 + 10);
    const res = await ingest(app.url, big);
    expect(res.status).toBe(413);
    expect((res.body.error as { code: string }).code).toBe('payload_too_large');
    const health = await (await fetch(`${app.url}/healthz`)).json();
    expect(health).toMatchObject({ status: 'ok', mode: 'live', database: 'ok' });
  });

  it('refuses a bad subscription with a clear error', async () => {
    const s = await connectClient(app.url);
    sockets.push(s);
    const unknown = await subscribe(s, '330106999');
    expect(unknown).toMatchObject({ ok: false, error: { code: 'unknown_scope' } });
    const invalid = await new Promise<AckResult<SnapshotFrame>>((resolve) =>
      s.emit('scope:subscribe', { scope: 'DROP TABLE', layers: ['areas'] }, resolve),
    );
    expect(invalid).toMatchObject({ ok: false, error: { code: 'invalid_payload', path: 'scope' } });
  });
});

describe('cases and insights layers', () => {
  let app: RunningApp;
  afterEach(async () => app.close());

  it('sends open cases with their SLA and the scope insights, and moves a case to closed', async () => {
    app = await startApp();
    const client = await connectClient(app.url);
    const frames = frameCollector(client);
    const snap = await new Promise<AckResult<SnapshotFrame>>((resolve) =>
      client.emit('scope:subscribe', { scope: '*', layers: ['areas', 'cases', 'insights'] }, resolve),
    );
    if (!snap.ok) throw new Error('subscribe failed');
    expect(snap.data.state.cases).toEqual([]);
    expect(snap.data.state.insights.cases24h.points).toHaveLength(24);

    const report = {
      kind: 'case.updated', id: 'gd-1-r', source: '12345', time: T0 - 60_000, caseId: 'GD-1', status: 'reported',
      category: 'BJ0112', channel: 'hotline', urgency: 'help', title: '路灯不亮', ...pointInGrid(2),
    };
    await ingest(app.url, ndjson([report]));
    const opened = await frames.next((f) => (f.changes.cases ?? []).some((c) => c.id === 'GD-1'));
    const view = opened.changes.cases!.find((c) => c.id === 'GD-1')!;
    expect(view).toMatchObject({ state: 'open', status: 'reported', grid: GRIDS[2], title: '路灯不亮', closedAt: null });
    expect(view.deadline).toBeGreaterThan(T0 + 2 * 86_400_000); // help: 3 working days
    expect(opened.changes.insights?.openByCategory).toEqual([{ category: 'BJ01', open: 1 }]);
    expect(opened.changes.summary?.cases).toMatchObject({ open: 1, new24h: 1 });
    expect(opened.changes.summary?.cases).not.toHaveProperty('overdue'); // unchanged: not sent

    await ingest(app.url, ndjson([{ ...report, id: 'gd-1-c', time: T0 - 1000, status: 'resolved' }]));
    const closed = await frames.next((f) => (f.changes.cases ?? []).some((c) => c.id === 'GD-1' && c.state === 'closed'));
    expect(closed.changes.summary?.cases).toMatchObject({ open: 0, closed24h: 1, slaRate24h: 1 });
    client.disconnect();
  });
});
