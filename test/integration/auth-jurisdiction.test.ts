/**
 * Users, tokens and jurisdiction through the real server (DESIGN §3.6, §9.7): a leader of community A never
 * receives a byte about community B — not in the snapshot, not in deltas, not after a reconnect — and cannot
 * subscribe there; walls get personal data masked; anonymous access can be turned off; logins are rate limited.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AckResult, SnapshotFrame } from '../../protocol';
import { parseAlertRules } from '../../server/alerts/rules-loader';
import { COMMUNITY_A, COMMUNITY_B, GRIDS, pointInGrid } from '../fixtures/tiny-district';
import { login, loginToken } from '../helpers/auth';
import { T0, connectClient, frameCollector, ingest, ndjson, startApp, type RunningApp, type TestSocket } from '../helpers/start-app';

const LAYERS = ['areas', 'devices', 'cases', 'series', 'insights'] as const;

function subscribe(socket: TestSocket, scope: string): Promise<AckResult<SnapshotFrame>> {
  return new Promise((resolve) => socket.emit('scope:subscribe', { scope, layers: [...LAYERS] }, resolve));
}

/** Every raw engine.io packet the client receives, as text (what "a byte" means here). */
function rawTap(socket: TestSocket): string[] {
  const raw: string[] = [];
  const attach = () => socket.io.engine.on('packet', (p: { data?: unknown }) => raw.push(typeof p.data === 'string' ? p.data : JSON.stringify(p.data ?? '')));
  attach();
  socket.io.on('open', attach);
  return raw;
}

/** Events in both communities: devices (one a smoke alarm), a case, a post. Ids carry the community letter. */
function eventsIn(community: 'A' | 'B', n: number) {
  const grid = community === 'A' ? 0 : 2;
  const time = T0 - 1000 + n;
  return [
    { kind: 'device.heartbeat', id: `hb-${community}-${n}`, source: 'test', time, deviceId: `dev-${community}-${n}`, deviceType: 'smoke', ...pointInGrid(grid) },
    { kind: 'device.telemetry', id: `tm-${community}-${n}`, source: 'test', time, deviceId: `smoke-${community}-${n}`, deviceType: 'smoke', metrics: { smoke: 1 }, ...pointInGrid(grid) },
    {
      kind: 'case.updated', id: `case-${community}-${n}`, source: '12345', time, caseId: `C-${community}-${n}`, status: 'reported',
      category: '0101', channel: 'hotline', urgency: 'normal', grid: GRIDS[grid], title: `秘密${community}${n} 联系13812345678`,
    },
    { kind: 'opinion.post', id: `op-${community}-${n}`, source: 'weibo', time, channel: 'weibo', text: `物业${community}${n}停水很久了`, grid: GRIDS[grid] },
  ];
}

const SMOKE_RULES = parseAlertRules({
  version: 1,
  rules: [{ id: 'smoke-alarm', kind: 'threshold', name: '烟感报警', nameEn: 'Smoke alarm', severity: 'critical', level: 'grid', metric: 'live.smokeAlarms', op: '>=', value: 1 }],
});

describe('auth and jurisdiction', () => {
  let app: RunningApp;
  const sockets: TestSocket[] = [];
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.disconnect();
    await app?.close();
  });

  it('a leader of community A never receives a byte about community B: snapshot, deltas, alerts, reconnect', async () => {
    if (!SMOKE_RULES.ok) throw new Error(SMOKE_RULES.errors.join('\n'));
    app = await startApp({ alerts: { rules: SMOKE_RULES.value } });
    const token = await loginToken(app.url, { name: 'leader-a', role: 'leader', area: COMMUNITY_A }, app.gp);
    const leader = await connectClient(app.url, { token });
    sockets.push(leader);
    const raw = rawTap(leader);
    const frames = frameCollector(leader);

    // Outside the jurisdiction: refused, with the reason.
    for (const scope of [COMMUNITY_B, GRIDS[2], '*', '330106007']) {
      const refused = await subscribe(leader, scope);
      expect(refused.ok, scope).toBe(false);
      if (!refused.ok) expect(refused.error).toMatchObject({ code: 'forbidden', path: 'scope' });
    }
    const snap = await subscribe(leader, COMMUNITY_A);
    expect(snap.ok).toBe(true);

    expect((await ingest(app.url, ndjson([...eventsIn('B', 1), ...eventsIn('A', 1)]))).status).toBe(200);
    await frames.next((f) => (f.changes.devices ?? []).some((d) => d.id === 'dev-A-1'));
    // The smoke alarm rule fires in both communities; wait until A's alert has reached the leader.
    await waitFor(() => raw.some((r) => r.includes('alert:raised') && r.includes(GRIDS[0])));

    // Reconnect with the same token: the middleware runs again and the same filter holds.
    leader.disconnect();
    leader.connect();
    await new Promise<void>((resolve) => leader.once('connect', () => resolve()));
    expect((await subscribe(leader, COMMUNITY_A)).ok).toBe(true);
    expect((await ingest(app.url, ndjson([...eventsIn('B', 2), ...eventsIn('A', 2)]))).status).toBe(200);
    await frames.next((f) => (f.changes.devices ?? []).some((d) => d.id === 'dev-A-2'));
    // A wall on the whole street did get B's alert, so the leader's silence about it is filtering, not timing.
    const wall = await connectClient(app.url);
    sockets.push(wall);
    const list = await new Promise<AckResult<{ alerts: { subject: { grid: string } }[] }>>((resolve) => wall.emit('alert:list', {}, resolve));
    expect(list.ok && list.data.alerts.some((a) => a.subject.grid === GRIDS[2])).toBe(true);

    const all = raw.join('\n');
    expect(all).toContain('dev-A-1');
    expect(all).toContain('C-A-2');
    for (const secret of [COMMUNITY_B, GRIDS[2], GRIDS[3], 'dev-B-', 'smoke-B-', 'C-B-', '秘密B', '乙社区']) {
      expect(all.includes(secret), `leader received "${secret}"`).toBe(false);
    }
  });

  it('masks personal data for walls, not for duty officers in jurisdiction', async () => {
    app = await startApp();
    const duty = await connectClient(app.url, { token: await loginToken(app.url, { name: 'duty-1', role: 'duty', area: '*' }, app.gp) });
    const wall = await connectClient(app.url);
    sockets.push(duty, wall);
    const dutyFrames = frameCollector(duty);
    const wallFrames = frameCollector(wall);
    expect((await subscribe(duty, '*')).ok).toBe(true);
    expect((await subscribe(wall, '*')).ok).toBe(true);
    await ingest(app.url, ndjson(eventsIn('A', 3)));
    const title = (f: Awaited<ReturnType<typeof dutyFrames.next>>) => f.changes.cases?.find((c) => c.id === 'C-A-3')?.title;
    expect(title(await dutyFrames.next((f) => title(f) !== undefined))).toBe('秘密A3 联系13812345678');
    expect(title(await wallFrames.next((f) => title(f) !== undefined))).toBe('秘密A3 联系138****5678');
  });

  it('with anonymous access off, refuses sockets and API calls without a valid token, saying why', async () => {
    app = await startApp({ config: { anonymous: false } });
    await expect(connectClient(app.url)).rejects.toThrow(/unauthorized: a token is required/);
    await expect(connectClient(app.url, { token: 'not.a.jwt' })).rejects.toThrow(/unauthorized: token/);
    const res = await fetch(`${app.url}/api/me`);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthorized');

    const token = await loginToken(app.url, { name: 'wall-1', role: 'wall', area: '*' }, app.gp);
    const wall = await connectClient(app.url, { token });
    sockets.push(wall);
    expect((await subscribe(wall, '*')).ok).toBe(true);
    const me = await fetch(`${app.url}/api/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(((await me.json()) as { user: unknown }).user).toEqual({ name: 'wall-1', role: 'wall', area: '*' });

    // A disabled user's token stops working at the next connection.
    await app.gp.auth.users.update('wall-1', { disabled: true });
    await expect(connectClient(app.url, { token })).rejects.toThrow(/unknown or disabled/);
  });

  it('logs in, refreshes, refuses wrong passwords, and rate-limits login attempts', async () => {
    app = await startApp();
    await app.gp.auth.addUser({ name: 'ops', password: 'correct-horse', role: 'duty', area: COMMUNITY_A });
    const session = await login(app.url, 'ops', 'correct-horse');
    expect(session.user).toEqual({ name: 'ops', role: 'duty', area: COMMUNITY_A });
    expect(session.expiresAt).toBeGreaterThan(app.clock.now());
    const refreshed = await fetch(`${app.url}/api/token/refresh`, { method: 'POST', headers: { authorization: `Bearer ${session.token}` } });
    expect(refreshed.status).toBe(200);

    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      const res = await fetch(`${app.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'ops', password: 'wrong' }) });
      statuses.push(res.status);
    }
    // 1 good login above + 9 wrong ones fill the budget of 10 per minute; the 10th wrong one is refused unanswered.
    expect(statuses.slice(0, 9)).toEqual(Array(9).fill(401));
    expect(statuses.slice(9)).toEqual([429, 429]);
    const bad = await fetch(`${app.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name": 3}' });
    expect(bad.status).toBe(400);
  });

  it('lets admins manage users over REST and nobody else', async () => {
    app = await startApp();
    const admin = await loginToken(app.url, { name: 'root', role: 'admin', area: '*' }, app.gp);
    const leader = await loginToken(app.url, { name: 'lead', role: 'leader', area: COMMUNITY_B }, app.gp);
    const post = (token: string, body: unknown) =>
      fetch(`${app.url}/api/users`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post(leader, { name: 'x1', password: 'password1', role: 'wall' })).status).toBe(403);
    const created = await post(admin, { name: 'grid-worker', password: 'password1', role: 'leader', area: GRIDS[0] });
    expect(created.status).toBe(201);
    expect(((await created.json()) as { user: unknown }).user).toMatchObject({ name: 'grid-worker', role: 'leader', area: GRIDS[0], disabled: false });
    expect((await post(admin, { name: 'grid-worker', password: 'password1', role: 'leader' })).status).toBe(409);
    const invalid = await post(admin, { name: 'y', password: 'short', role: 'chief' });
    expect(invalid.status).toBe(400);
    const list = (await (await fetch(`${app.url}/api/users`, { headers: { authorization: `Bearer ${admin}` } })).json()) as { users: { name: string }[] };
    expect(list.users.map((u) => u.name)).toEqual(['grid-worker', 'lead', 'root']);
    expect(JSON.stringify(list)).not.toMatch(/scrypt/);
  });
});

async function waitFor(test: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
