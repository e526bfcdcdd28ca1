/**
 * Scale-out fault test (issue #8, DESIGN §7, §9): two real server processes on the local Redis and PostgreSQL
 * behind the sticky balancer. Clients and a duty officer connect through it; the node that owns the street is
 * SIGKILLed while events stream in. Its clients must reconnect to the other node within 10 s (p95), every client
 * must converge on the true totals with no gap it did not notice (each applies deltas only in seq order within
 * an epoch and takes a snapshot otherwise), and the acknowledgement made before the kill must still be there.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, describe, expect, it } from 'vitest';
import type { AlertView, DeltaFrame, SnapshotFrame } from '../../protocol';
import { createStickyProxy } from '../../server/cluster/sticky-proxy';
import { login } from '../helpers/auth';
import { serviceUnavailable } from '../helpers/services';

const root = new URL('../../', import.meta.url).pathname;
const missing = (await serviceUnavailable('Redis', 6379)) ?? (await serviceUnavailable('PostgreSQL', 5432));
const NAME = `gpfault_${randomUUID().slice(0, 8)}`;
const dir = mkdtempSync(join(tmpdir(), 'gp-cluster-'));
const INGEST = 'cluster-fault-ingest';
const GRIDS = ['330106007001001', '330106007002001', '330106007003001', '330106007004001'];
const nodes = new Map<string, { child: ChildProcess; port: number }>();

function startNode(id: string): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: join(dir, id),
      GRIDPULSE_NODE_ID: id,
      GRIDPULSE_SIMULATE: 'off',
      GRIDPULSE_REDIS_URL: 'redis://127.0.0.1:6379',
      GRIDPULSE_PG_URL: 'postgres://postgres@127.0.0.1:5432/test',
      GRIDPULSE_CLUSTER_NAME: NAME,
      GRIDPULSE_JWT_SECRET: 'cluster-fault-secret-0123456789abcdef',
      GRIDPULSE_ADMIN_PASSWORD: 'admin-pass-1',
      GRIDPULSE_INGEST_TOKEN: INGEST,
      GRIDPULSE_TICK_MS: '100',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /wall\s+http:\/\/localhost:(\d+)\/wall/.exec(out);
      if (m && !nodes.has(id)) {
        nodes.set(id, { child, port: Number(m[1]) });
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => reject(new Error(`node ${id} exited (${code}): ${out.slice(-2000)}`)));
  });
}

async function health(port: number): Promise<{ cluster: { node: string; ownsAll: boolean; live: string[] }; clients: number }> {
  return (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as never;
}

/** A client as the real one behaves: deltas only in order within an epoch, a fresh snapshot otherwise. */
function screen(url: string, token?: string) {
  const socket: Socket = connect(url, { transports: ['websocket'], reconnectionDelay: 200, reconnectionDelayMax: 1000, auth: token ? { token } : {} });
  const state = { epoch: '', seq: 0, devices: 0, resyncs: 0, connects: 0, lastConnect: 0 };
  const subscribe = () =>
    socket.emit('scope:subscribe', { scope: '*', layers: ['areas'] }, (ack: { ok: boolean; data?: SnapshotFrame }) => {
      if (!ack.ok || !ack.data) return setTimeout(subscribe, 300);
      state.epoch = ack.data.epoch;
      state.seq = ack.data.seq;
      state.devices = ack.data.state.summary.devices.total;
    });
  socket.on('connect', () => {
    state.connects++;
    state.lastConnect = performance.now();
    subscribe();
  });
  socket.on('scope:changed', (f: DeltaFrame) => {
    if (f.epoch !== state.epoch || f.seq !== state.seq + 1) {
      state.resyncs++;
      state.epoch = '';
      return subscribe();
    }
    state.seq = f.seq;
    // A field-level patch: the total is there when it changed.
    const total = f.changes.summary?.devices?.total;
    if (total !== undefined) state.devices = total;
  });
  return { socket, state };
}

async function ingest(url: string, from: number, n: number): Promise<void> {
  const lines = Array.from({ length: n }, (_, i) => {
    const k = from + i;
    return JSON.stringify({ kind: 'device.heartbeat', id: `hb-${k}`, source: 'fault', time: Date.now(), deviceId: `dev-${k}`, deviceType: 'smoke', grid: GRIDS[k % GRIDS.length] });
  });
  // A sender retries what was not accepted (the node it reached died): the same ids, so never counted twice.
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(`${url}/api/ingest`, { method: 'POST', headers: { authorization: `Bearer ${INGEST}`, 'content-type': 'application/x-ndjson' }, body: lines.join('\n') }).catch(
      () => undefined,
    );
    if (res?.status === 200) return;
    if (attempt > 50) throw new Error(`ingest not accepted: HTTP ${res?.status}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function until(test: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!(await test())) {
    if (performance.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

afterAll(async () => {
  for (const { child } of nodes.values()) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
  const { Redis } = await import('ioredis');
  const redis = new Redis('redis://127.0.0.1:6379');
  const keys = await redis.keys(`${NAME}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
  const pg = await import('pg');
  const client = new pg.default.Client('postgres://postgres@127.0.0.1:5432/test');
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${NAME} CASCADE`);
  await client.end();
});

describe.skipIf(missing)('a two-node cluster loses a node', { timeout: 240_000 }, () => {
  it('moves its clients to the other node, converges without an unnoticed gap, and keeps acknowledged actions', async () => {
    const [p1, p2] = await Promise.all([startNode('n1'), startNode('n2')]);
    const proxy = createStickyProxy({ targets: [{ id: 'n1', host: '127.0.0.1', port: p1 }, { id: 'n2', host: '127.0.0.1', port: p2 }], downForMs: 1000 });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const lb = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    await until(async () => (await health(p1)).cluster.live.length === 2 && ((await health(p1)).cluster.ownsAll || (await health(p2)).cluster.ownsAll), 30_000, 'both nodes live, one owning');
    const owner = (await health(p1)).cluster.ownsAll ? 'n1' : 'n2';

    const screens = Array.from({ length: 8 }, () => screen(lb));
    await until(() => screens.every((s) => s.state.epoch !== ''), 20_000, 'every screen subscribed');
    expect((await health(p1)).clients + (await health(p2)).clients).toBe(8);
    const onOwner = (await health(nodes.get(owner)!.port)).clients;
    expect(onOwner).toBeGreaterThan(0);

    let sent = 0;
    for (; sent < 400; sent += 100) await ingest(lb, sent, 100);
    await until(() => screens.every((s) => s.state.devices === sent), 20_000, 'screens show the first 400 devices');

    // A smoke alarm raises a critical alert; a duty officer acknowledges it (with a note) through the balancer.
    const { token } = await login(lb, 'admin', 'admin-pass-1');
    const duty = screen(lb, token);
    await until(() => duty.state.epoch !== '', 10_000, 'duty connected');
    await fetch(`${lb}/api/ingest`, {
      method: 'POST',
      headers: { authorization: `Bearer ${INGEST}`, 'content-type': 'application/x-ndjson' },
      body: JSON.stringify({ kind: 'device.telemetry', id: 'smoke-1', source: 'fault', time: Date.now(), deviceId: 'smoke-x', deviceType: 'smoke', metrics: { smoke: 1 }, grid: GRIDS[0] }),
    });
    sent++;
    let alert: AlertView | undefined;
    await until(async () => {
      const list = (await (await fetch(`${lb}/api/alerts`, { headers: { authorization: `Bearer ${token}` } })).json()) as { alerts?: AlertView[] };
      alert = list.alerts?.find((a) => a.ruleId === 'smoke-alarm');
      return alert !== undefined;
    }, 15_000, 'the smoke alert is raised');
    const ack = await fetch(`${lb}/api/alerts/${encodeURIComponent(alert!.id)}/ack`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ opId: 'fault-ack-0001', note: '已派人' }),
    });
    expect(ack.status).toBe(201);

    // Kill the owner mid-stream.
    const streaming = (async () => {
      for (let i = 0; i < 6; i++, sent += 50) {
        await ingest(lb, sent, 50);
        await new Promise((r) => setTimeout(r, 300));
      }
    })();
    await new Promise((r) => setTimeout(r, 400));
    const killedAt = performance.now();
    nodes.get(owner)!.child.kill('SIGKILL');
    await streaming;
    const survivor = owner === 'n1' ? 'n2' : 'n1';
    const sp = nodes.get(survivor)!.port;
    await until(async () => (await health(sp)).cluster.ownsAll, 20_000, 'the survivor owns the street');

    // Every screen is back on the survivor; the ones of the dead node reconnected within 10 s (p95).
    await until(async () => (await health(sp)).clients === 9, 20_000, 'all clients on the survivor');
    const moved = [...screens, duty].filter((s) => s.state.lastConnect > killedAt).map((s) => s.state.lastConnect - killedAt).sort((a, b) => a - b);
    expect(moved.length).toBeGreaterThanOrEqual(onOwner);
    const p95 = moved[Math.min(moved.length - 1, Math.floor(moved.length * 0.95))]!;
    console.log(`cluster failover: ${moved.length} clients reconnected, p95 ${p95.toFixed(0)} ms; resyncs ${screens.map((s) => s.state.resyncs).join(',')}`);
    expect(p95).toBeLessThan(10_000);

    // Converge: events accepted before and after the kill are all counted; screens that saw a gap resynced.
    await ingest(lb, sent, 10);
    sent += 10;
    const devices = sent; // every event above names a new device (the smoke sensor included)
    await until(() => screens.every((s) => s.state.devices === devices), 30_000, `screens converge on ${devices} devices`).catch(async (err: Error) => {
      throw new Error(`${err.message}: screens show ${screens.map((s) => `${s.state.devices}@${s.state.epoch}/${s.state.seq}`).join(' ')}; survivor ${JSON.stringify(await health(sp))}`);
    });

    // The acknowledgement made before the kill is still there, on the node that took the alerts over.
    const after = (await (await fetch(`${lb}/api/alerts/${encodeURIComponent(alert!.id)}`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
      alert: AlertView;
      audit: { opId: string }[];
    };
    expect(after.alert.acknowledged).toBe(true);
    expect(after.audit.map((a) => a.opId)).toContain('fault-ack-0001');
    for (const s of [...screens, duty]) s.socket.disconnect();
    proxy.close();
  });
});
