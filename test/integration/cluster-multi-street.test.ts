/**
 * A multi-street cluster (issue #8, DESIGN §7) on the real local Redis: two nodes (createApp in this process,
 * each with its own Redis connections, membership and consumer), a two-street district with one street
 * aggregated on each node. A wall on `*` connected to one node sees what one process computing everything shows
 * for the same events (compared with such a process); a leader on a street gets that street's frames; when the
 * node that owns a street (and composes the spanning scopes) stops, the wall sees a new epoch, resyncs, and
 * converges again.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { LAYERS, applyAreaPatch, applyEventSeries, applyInsights, type AreaStats, type Layer, type CaseView, type DeltaFrame, type DeviceView, type ScopeState, type ServerStatus, type SnapshotFrame } from '../../protocol';
import { createApp, type GridPulseApp } from '../../server/app';
import { PgDutyStore } from '../../server/store/pg-duty-store';
import { PgUserStore } from '../../server/store/pg-user-store';
import { openPg, type PgPool } from '../../server/store/pg';
import { login } from '../helpers/auth';
import { DUTY_RULES } from './duty-rig';
import { SPANNING_PARTITION } from '../../server/cluster/cluster-node';
import { ManualClock } from '../../server/pipeline/clock';
import { openDatabase } from '../../server/store/database';
import { EventStreams, Membership, connectRedis, ownerOf } from '../../server/store/redis-cluster';
import { DISTRICT, GRIDS, STREETS, twoStreetDistrict, twoStreetGridAt } from '../fixtures/two-street-district';
import { serviceUnavailable } from '../helpers/services';
import { T0, TEST_TOKEN, connectClient, ingest, ndjson, type TestSocket } from '../helpers/start-app';

const missing = (await serviceUnavailable('Redis', 6379)) ?? (await serviceUnavailable('PostgreSQL', 5432));
const prefix = `gp-span-${randomUUID().slice(0, 8)}:`;
/** The nodes' shared PostgreSQL schema (users, alerts, audit), as a cluster has. */
const SCHEMA = `gpspan_${prefix.slice(8, 16)}`;
const PG_URL = 'postgres://postgres@127.0.0.1:5432/test';
const pools: PgPool[] = [];

interface Running {
  id: string;
  gp: GridPulseApp;
  url: string;
  close(): Promise<void>;
}

async function start(clock: ManualClock, id?: string): Promise<Running> {
  const db = openDatabase(':memory:');
  const redis = id ? connectRedis('redis://127.0.0.1:6379') : undefined;
  const pool = id ? await openPg(PG_URL, SCHEMA) : undefined;
  if (pool) pools.push(pool);
  const stores = pool ? { users: await PgUserStore.open(pool), dutyStore: await PgDutyStore.open(pool) } : {};
  const cluster =
    id && redis
      ? { nodeId: id, redis, prefix, membership: new Membership({ redis, prefix, nodeId: id, info: {}, ttlMs: 1500 }), streams: new EventStreams(redis, prefix, id) }
      : undefined;
  const gp = createApp({
    clock,
    district: twoStreetDistrict(),
    gridAt: twoStreetGridAt,
    db,
    ...(cluster ? { cluster } : {}),
    ...stores,
    alerts: { rules: DUTY_RULES },
    jwtSecret: new TextEncoder().encode('multi-street-cluster-test-secret-0123'),
    config: { tickMs: 50, ingestToken: TEST_TOKEN, ingestLimitBytes: 1 << 20, historyMs: 24 * 3_600_000, simulated: false, mode: 'live', allowedOrigins: [] },
  });
  await gp.duty.ready;
  await new Promise<void>((resolve) => gp.httpServer.listen(0, '127.0.0.1', resolve));
  if (cluster) {
    cluster.membership.setInfo({ epoch: gp.world.epoch });
    await cluster.membership.start();
  }
  gp.start();
  let closed = false;
  return {
    id: id ?? 'reference',
    gp,
    url: `http://127.0.0.1:${(gp.httpServer.address() as AddressInfo).port}`,
    async close() {
      if (closed) return;
      closed = true;
      await gp.close();
      await cluster?.membership.stop();
      cluster?.streams.close();
      redis?.disconnect();
      db.close();
    },
  };
}

/** A screen as the real client behaves: deltas in seq order within an epoch, a fresh snapshot otherwise. */
function screen(socket: TestSocket, scope: string, layers: readonly Layer[] = LAYERS) {
  const s = {
    epoch: '',
    seq: 0,
    resyncs: 0,
    epochs: [] as string[],
    summary: undefined as AreaStats | undefined,
    areas: new Map<string, AreaStats>(),
    devices: new Map<string, DeviceView>(),
    cases: new Map<string, CaseView>(),
    rest: undefined as Pick<ScopeState, 'series' | 'insights'> | undefined,
    error: '',
  };
  const subscribe = () =>
    socket.emit('scope:subscribe', { scope, layers: [...layers] }, (ack) => {
      if (!ack.ok) {
        s.error = ack.error.message;
        return void setTimeout(subscribe, 200);
      }
      const snap: SnapshotFrame = ack.data;
      s.epoch = snap.epoch;
      s.seq = snap.seq;
      if (!s.epochs.includes(snap.epoch)) s.epochs.push(snap.epoch);
      s.summary = snap.state.summary;
      s.areas = new Map(snap.state.areas.map((a) => [a.code, a]));
      s.devices = new Map(snap.state.devices.map((d) => [d.id, d]));
      s.cases = new Map(snap.state.cases.map((c) => [c.id, c]));
      s.rest = { series: snap.state.series, insights: snap.state.insights };
    });
  const resync = () => {
    s.resyncs++;
    s.epoch = '';
    subscribe();
  };
  socket.on('scope:changed', (f: DeltaFrame) => {
    if (s.epoch === '' || f.scope !== scope) return;
    if (f.epoch !== s.epoch || f.seq !== s.seq + 1) return resync();
    s.seq = f.seq;
    const c = f.changes;
    // Figures come as patches against what the client holds (protocol/frame-patch.ts), as the app applies them.
    if (c.summary) s.summary = applyAreaPatch(s.summary!, c.summary);
    for (const a of c.areas ?? []) s.areas.set(a.code, applyAreaPatch(s.areas.get(a.code)!, a));
    for (const d of c.devices ?? []) s.devices.set(d.id, d);
    for (const v of c.cases ?? []) s.cases.set(v.id, v);
    for (const id of c.removedCases ?? []) s.cases.delete(id);
    if (c.series) s.rest = { ...s.rest!, series: applyEventSeries(s.rest!.series, c.series) };
    if (c.insights) s.rest = { ...s.rest!, insights: applyInsights(s.rest!.insights, c.insights) };
  });
  socket.on('status:changed', (st: ServerStatus) => {
    if (s.epoch !== '' && st.epoch !== s.epoch) resync();
  });
  subscribe();
  return s;
}

/** Equal up to the rounding of composed means (a mean of rounded means): numbers within 1e-3 relative. */
function near(actual: unknown, expected: unknown, path = ''): string[] {
  if (typeof expected === 'number' && typeof actual === 'number') {
    return Math.abs(actual - expected) <= 1e-3 * Math.max(1, Math.abs(expected)) ? [] : [`${path}: ${actual} ≠ ${expected}`];
  }
  if (expected === null || typeof expected !== 'object') return actual === expected ? [] : [`${path}: ${JSON.stringify(actual)} ≠ ${JSON.stringify(expected)}`];
  if (actual === null || typeof actual !== 'object') return [`${path}: ${JSON.stringify(actual)} ≠ object`];
  const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
  return [...keys].flatMap((k) => near((actual as Record<string, unknown>)[k], (expected as Record<string, unknown>)[k], `${path}.${k}`));
}

async function until(test: () => boolean | Promise<boolean>, timeoutMs: number, what: () => string): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!(await test())) {
    if (performance.now() > end) throw new Error(`timed out: ${what()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

let k = 0;
/** Events of every feed in one grid: devices (one in fault), a case reported and closed, an opinion post. */
function events(grid: string, n: number) {
  const out: unknown[] = [];
  const t = T0 - 60_000;
  for (let i = 0; i < n; i++, k++) {
    out.push({ kind: 'device.heartbeat', id: `hb-${k}`, source: 't', time: t, deviceId: `dev-${k}`, deviceType: i % 2 ? 'smoke' : 'parking', grid });
  }
  out.push({ kind: 'device.telemetry', id: `tm-${k}`, source: 't', time: t, deviceId: `bin-${k}`, deviceType: 'bin', metrics: { fill: 0.4 + (k % 5) / 10 }, grid });
  out.push({ kind: 'case.updated', id: `c-${k}-r`, source: 't', time: t - 3_600_000, caseId: `C-${k}`, status: 'reported', category: '0101', channel: 'hotline', urgency: 'urgent', title: `电话13812345678 漏水 ${k}`, grid });
  out.push({ kind: 'case.updated', id: `c-${k}-x`, source: 't', time: t - 1000 * (k + 1), caseId: `C-${k}`, status: 'resolved', category: '0101', channel: 'hotline', urgency: 'urgent', grid });
  out.push({ kind: 'case.updated', id: `d-${k}-r`, source: 't', time: t, caseId: `D-${k}`, status: 'reported', category: '0203', channel: 'resident', grid });
  out.push({ kind: 'opinion.post', id: `op-${k}`, source: 't', time: t, channel: 'forum', text: "小区停车太难了", sentiment: -0.5 + (k % 7) / 10, grid });
  k++;
  return out;
}

const nodes: Running[] = [];
afterAll(async () => {
  for (const n of nodes) await n.close();
  if (missing) return;
  const redis = connectRedis('redis://127.0.0.1:6379');
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
  if (pools[0]) await pools[0].query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  for (const p of pools) await p.end();
});

describe.skipIf(missing)('a cluster over a two-street district', { timeout: 90_000 }, () => {
  it('serves `*` composed from both street owners, equal to one process computing everything; resyncs when a node stops', async () => {
    // Node ids that split the streets; A also composes the spanning scopes, the wall connects to B.
    let ids: [string, string] | undefined;
    for (let i = 0; !ids; i++) {
      const pair = [`a${i}-${prefix.slice(8, 12)}`, `b${i}-${prefix.slice(8, 12)}`];
      if (ownerOf(STREETS[0], pair) !== ownerOf(STREETS[1], pair)) {
        const a = ownerOf(SPANNING_PARTITION, pair)!;
        ids = [a, pair.find((p) => p !== a)!];
      }
    }
    const clock = new ManualClock(T0);
    const [a, b] = [await start(clock, ids[0]), await start(clock, ids[1])];
    const reference = await start(clock);
    nodes.push(a, b, reference);
    const health = async (n: Running) => (await (await fetch(`${n.url}/healthz`)).json()) as { cluster: { owns: string[]; live: string[] } };
    await until(async () => (await health(a)).cluster.owns.length === 1 && (await health(b)).cluster.owns.length === 1, 15_000, () => 'each node owns one street');
    const streetOfA = (await health(a)).cluster.owns[0]!;
    const streetOfB = STREETS.find((s) => s !== streetOfA)!;

    // A wall without devices and cases first (the coordinator follows the streets' figures only), then one with
    // every layer (it follows their full rooms from then on: the first wall resyncs once to the new epoch).
    const figuresSocket = await connectClient(a.url);
    const figures = screen(figuresSocket, '*', ['areas', 'series', 'insights']);
    await until(() => figures.epoch !== '', 10_000, () => `figures wall subscribed: ${figures.error}`);
    const wallSocket = await connectClient(b.url);
    const leaderSocket = await connectClient(b.url);
    const refSocket = await connectClient(reference.url);
    const wall = screen(wallSocket, '*');
    const leader = screen(leaderSocket, streetOfA);
    const ref = screen(refSocket, '*');
    await until(() => wall.epoch !== '' && leader.epoch !== '' && ref.epoch !== '', 10_000, () => `subscribed (wall: ${wall.error})`);
    expect(wall.areas.has(DISTRICT)).toBe(true);

    const send = async (batch: unknown[], via = a) => {
      for (const n of [via, reference]) expect((await ingest(n.url, ndjson(batch))).status).toBe(200);
    };
    await send([...events(GRIDS[0], 4), ...events(GRIDS[2], 3), ...events(GRIDS[3], 2)]);

    // The wall converges on the one-process figures: summary, every area, devices and cases of both streets.
    const same = () => [
      ...near(wall.summary, ref.summary, 'summary'),
      ...near(Object.fromEntries(wall.areas), Object.fromEntries(ref.areas), 'areas'),
      ...near([...wall.devices.keys()].sort(), [...ref.devices.keys()].sort(), 'devices'),
      ...near(Object.fromEntries(wall.cases), Object.fromEntries(ref.cases), 'cases'),
      ...near(wall.rest, ref.rest, 'series/insights'),
    ];
    await until(() => ref.summary?.devices.total === 12 && same().length === 0, 15_000, () => same().slice(0, 8).join('; '));
    expect(wall.summary!.cases.closed24h).toBe(3);
    expect(new Set([...wall.devices.values()].map((d) => d.grid.slice(0, 9)))).toEqual(new Set(STREETS));
    // Each street's owner numbers its devices from 0: the composed layer gives every device a slot of its own.
    expect(new Set([...wall.devices.values()].map((d) => d.ix)).size).toBe(wall.devices.size);
    expect(wall.resyncs).toBe(0);
    await until(() => near(figures.summary, ref.summary).length === 0, 10_000, () => near(figures.summary, ref.summary, 'figures').join('; '));
    expect(near(Object.fromEntries(figures.areas), Object.fromEntries(ref.areas))).toEqual([]);
    // The leader on A's street (connected to B) gets that street's frames, equal to one process's street stats.
    await until(() => leader.summary?.devices.total === (streetOfA === STREETS[0] ? 5 : 7), 10_000, () => `leader ${leader.summary?.devices.total}`);
    expect(near(leader.summary, ref.areas.get(streetOfA), 'leader')).toEqual([]);
    expect([...leader.devices.values()].every((d) => d.grid.startsWith(streetOfA))).toBe(true);

    // Duty: a smoke alarm in A's street raises an alert on A (the street's owner); an officer working through B
    // sees it in the list, acknowledges it through B (decided on A), and of two concurrent acks one wins.
    await a.gp.auth.addUser({ name: 'duty1', password: 'duty1-pass-1234', role: 'duty', area: '*' });
    const { token } = await login(b.url, 'duty1', 'duty1-pass-1234');
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    // The officer's console on B: KPI pushes for `*` must count every street's alerts, not the pushing node's.
    const consoleSocket = await connectClient(b.url, { token });
    const pushed: { open: Record<string, number> }[] = [];
    consoleSocket.on('kpis:changed', (k: { open: Record<string, number> }) => pushed.push(k));
    const smokeGrid = GRIDS.find((g) => g.startsWith(streetOfA))!;
    await send([{ kind: 'device.telemetry', id: 'smoke-1', source: 't', time: T0 - 1000, deviceId: 'smoke-x', deviceType: 'smoke', metrics: { smoke: 1 }, grid: smokeGrid }], b);
    type Listed = { alerts?: { id: string; ruleId: string; subject: { grid: string }; acknowledged?: boolean }[]; kpis?: { open: Record<string, number> } };
    let listed: Listed = {};
    await until(async () => {
      listed = (await (await fetch(`${b.url}/api/alerts`, { headers: auth })).json()) as Listed;
      return listed.alerts?.some((x) => x.ruleId === 'smoke-alarm') ?? false;
    }, 10_000, () => `the smoke alert in B's list: ${JSON.stringify(listed).slice(0, 300)}`);
    const alert = listed.alerts!.find((x) => x.ruleId === 'smoke-alarm')!;
    expect(alert.subject.grid).toBe(smokeGrid);
    expect(a.gp.duty.holds(alert.id)).toBe(true);
    expect(b.gp.duty.holds(alert.id)).toBe(false);
    const ack = (via: Running, opId: string) =>
      fetch(`${via.url}/api/alerts/${encodeURIComponent(alert.id)}/ack`, { method: 'POST', headers: auth, body: JSON.stringify({ opId, note: `via ${via.id}` }) });
    const [first, second] = await Promise.all([ack(b, 'ms-ack-0001'), ack(a, 'ms-ack-0002')]);
    expect([first.status, second.status].sort()).toEqual([201, 409]);
    // The same opId again through B: the first answer, no second effect.
    const winner = first.status === 201 ? 'ms-ack-0001' : 'ms-ack-0002';
    expect((await ack(first.status === 201 ? b : a, winner)).status).toBe(200);
    const detail = (await (await fetch(`${b.url}/api/alerts/${encodeURIComponent(alert.id)}`, { headers: auth })).json()) as { alert: { acknowledged: boolean }; audit: { opId: string }[] };
    expect(detail.alert.acknowledged).toBe(true);
    expect(detail.audit.map((x) => x.opId)).toEqual([winner]);
    await until(async () => {
      listed = (await (await fetch(`${b.url}/api/alerts`, { headers: auth })).json()) as Listed;
      return listed.alerts?.find((x) => x.id === alert.id)?.acknowledged === true && listed.kpis?.open.critical === 1;
    }, 10_000, () => `B's list shows the ack and the open alert in its KPIs: ${JSON.stringify(listed).slice(0, 400)}`);
    // A second smoke alarm, in the other street: raised and held by the other node. The console's KPIs count both.
    const otherGrid = GRIDS.find((g) => g.startsWith(streetOfB))!;
    await send([{ kind: 'device.telemetry', id: 'smoke-2', source: 't', time: T0 - 900, deviceId: 'smoke-y', deviceType: 'smoke', metrics: { smoke: 1 }, grid: otherGrid }], b);
    await until(() => pushed.at(-1)?.open.critical === 2, 10_000, () => `KPI pushes to the console: ${JSON.stringify(pushed.slice(-2))}`);
    consoleSocket.disconnect();

    // Node A stops (its street and the spanning scopes move to B): the wall sees a new epoch and resyncs.
    const epochBefore = wall.epoch;
    await a.close();
    await until(async () => (await health(b)).cluster.owns.length === 2, 15_000, () => 'B owns both streets');
    await send([...events(GRIDS[1], 2), ...events(GRIDS[2], 1)], b);
    await until(() => wall.epoch !== '' && wall.epoch !== epochBefore && ref.summary?.devices.total === 19 && same().length === 0, 20_000, () => `wall ${wall.epoch} (was ${epochBefore}): ${same().slice(0, 6).join('; ')}`);
    expect(wall.resyncs).toBeGreaterThan(0);
    expect(wall.epochs.length).toBeGreaterThan(1);
    expect(streetOfB).not.toBe(streetOfA);
    for (const s of [wallSocket, leaderSocket, refSocket, figuresSocket]) s.disconnect();
  });
});
