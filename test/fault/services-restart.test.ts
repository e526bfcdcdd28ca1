/**
 * Services restarting under a running server (issue #8): the MQTT broker, Redis (cluster mode) and PostgreSQL
 * (the shared duty store) are each SIGKILLed and started again — private instances, so the shared ones other
 * tests use are never touched. Ingest resumes by itself, frames flow again, and a duty action retried with its
 * opId after PostgreSQL came back takes effect exactly once.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { connectAsync } from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import type { AckResult, AlertView, DeltaFrame, SnapshotFrame } from '../../protocol';
import { createApp, type GridPulseApp } from '../../server/app';
import { parseAlertRules } from '../../server/alerts/rules-loader';
import { createMqttFeed } from '../../server/ingest/mqtt-ingest';
import { systemClock } from '../../server/pipeline/clock';
import { openDatabase } from '../../server/store/database';
import { openPg } from '../../server/store/pg';
import { PgDutyStore } from '../../server/store/pg-duty-store';
import { PgUserStore } from '../../server/store/pg-user-store';
import { EventStreams, Membership, connectRedis } from '../../server/store/redis-cluster';
import { GRIDS, tinyDistrict, tinyGridAt } from '../fixtures/tiny-district';
import { loginToken } from '../helpers/auth';
import { connectClient, ingest, ndjson, TEST_TOKEN, type TestSocket } from '../helpers/start-app';
import { privateMosquitto, privatePostgres, privateRedis, type PrivateService } from './support/services';

const SMOKE = parseAlertRules({
  version: 1,
  rules: [{ id: 'smoke-alarm', kind: 'threshold', name: '烟感报警', nameEn: 'Smoke alarm', severity: 'critical', level: 'grid', metric: 'live.smokeAlarms', op: '>=', value: 1 }],
});
const services: PrivateService[] = [];
const closers: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of closers.reverse()) await c();
  for (const s of services) await s.dispose();
});

function baseConfig() {
  return { tickMs: 50, ingestToken: TEST_TOKEN, ingestLimitBytes: 1024 * 1024, historyMs: 3_600_000, simulated: false, mode: 'live' as const, allowedOrigins: [] };
}

async function listen(gp: GridPulseApp): Promise<string> {
  await new Promise<void>((r) => gp.httpServer.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(gp.httpServer.address() as AddressInfo).port}`;
}

async function until(test: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!(await test())) {
    if (performance.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function heartbeats(from: number, n: number) {
  return Array.from({ length: n }, (_, i) => ({ kind: 'device.heartbeat', id: `hb-${from + i}`, source: 't', time: Date.now(), deviceId: `dev-${from + i}`, deviceType: 'smoke', grid: GRIDS[i % 4] }));
}

/** Device total on '*' as a careful client sees it (snapshot again on any gap or new epoch). */
function watchDevices(socket: TestSocket) {
  const s = { epoch: '', seq: 0, devices: -1 };
  const subscribe = () =>
    socket.emit('scope:subscribe', { scope: '*', layers: ['areas'] }, (ack: AckResult<SnapshotFrame>) => {
      if (!ack.ok) return setTimeout(subscribe, 200);
      Object.assign(s, { epoch: ack.data.epoch, seq: ack.data.seq, devices: ack.data.state.summary.devices.total });
    });
  socket.on('scope:changed', (f: DeltaFrame) => {
    if (f.epoch !== s.epoch || f.seq !== s.seq + 1) return subscribe();
    s.seq = f.seq;
    // A field-level patch: the total is there when it changed.
    const total = f.changes.summary?.devices?.total;
    if (total !== undefined) s.devices = total;
  });
  subscribe();
  return s;
}

describe('services restarting under a running server', { timeout: 180_000 }, () => {
  it('MQTT: ingest resumes by itself after the broker is killed and started again', async () => {
    const broker = await privateMosquitto();
    services.push(broker);
    const topic = `gp-${randomUUID().slice(0, 6)}`;
    const feed = createMqttFeed({ url: broker.url, topic: `${topic}/+/+`, clientId: `gp-${topic}`, rejected: () => undefined });
    const gp = createApp({ clock: systemClock, district: tinyDistrict(), gridAt: tinyGridAt, db: openDatabase(':memory:'), feeds: [feed], config: baseConfig() });
    await listen(gp);
    gp.start();
    closers.push(() => gp.close());
    const devices = () => gp.aggregator.devices.size;
    const publish = async (from: number) => {
      const client = await connectAsync(broker.url, { reconnectPeriod: 0 });
      await client.publishAsync(`${topic}/sensors/device.heartbeat`, ndjson(heartbeats(from, 5)), { qos: 1 });
      await client.endAsync();
    };
    await until(() => feed.connected(), 'feed connected');
    await publish(0);
    await until(() => devices() === 5, 'first messages');
    await broker.kill();
    await until(() => !feed.connected(), 'feed notices the broker is gone');
    await broker.start();
    await until(() => feed.connected(), 'feed reconnected by itself', 30_000);
    await publish(100);
    await until(() => devices() === 10, 'messages after the restart');
  });

  it('Redis: a cluster node keeps ingesting and sending frames after Redis is killed and started again', async () => {
    const redisSvc = await privateRedis();
    services.push(redisSvc);
    const redis = connectRedis(redisSvc.url);
    const prefix = `gp-fault:${randomUUID().slice(0, 6)}:`;
    const membership = new Membership({ redis, prefix, nodeId: 'solo', info: {}, ttlMs: 1500 });
    const streams = new EventStreams(redis, prefix, 'solo');
    const gp = createApp({
      clock: systemClock,
      district: tinyDistrict(),
      gridAt: tinyGridAt,
      db: openDatabase(':memory:'),
      cluster: { nodeId: 'solo', redis, prefix, membership, streams },
      config: baseConfig(),
    });
    const url = await listen(gp);
    membership.setInfo({ epoch: gp.world.epoch });
    await membership.start();
    gp.start();
    closers.push(async () => {
      await gp.close();
      await membership.stop();
      streams.close();
      redis.disconnect();
    });
    const client = await connectClient(url);
    closers.push(() => void client.disconnect());
    const seen = watchDevices(client);
    await until(() => seen.devices === 0, 'subscribed');
    expect((await ingest(url, ndjson(heartbeats(0, 10)))).status).toBe(200);
    await until(() => seen.devices === 10, 'frames before the restart');

    await redisSvc.kill();
    await redisSvc.start();
    // The batch waits for Redis (the client reconnects by itself), then the node reads it from the stream.
    expect((await ingest(url, ndjson(heartbeats(100, 10)))).status).toBe(200);
    await until(() => seen.devices === 20, 'frames after the restart', 30_000);
  });

  it('PostgreSQL: an action that failed while it was down succeeds when retried with its opId, exactly once', async () => {
    if (!SMOKE.ok) throw new Error(SMOKE.errors.join('\n'));
    const pgSvc = await privatePostgres();
    services.push(pgSvc);
    const pool = await openPg(pgSvc.url, 'gridpulse');
    const gp = createApp({
      clock: systemClock,
      district: tinyDistrict(),
      gridAt: tinyGridAt,
      db: openDatabase(':memory:'),
      users: await PgUserStore.open(pool),
      dutyStore: await PgDutyStore.open(pool),
      alerts: { rules: SMOKE.value },
      config: baseConfig(),
    });
    const url = await listen(gp);
    gp.start();
    await gp.duty.ready;
    closers.push(async () => {
      await gp.close();
      await pool.end();
    });
    const token = await loginToken(url, { name: 'duty-pg', role: 'duty', area: '*' }, gp);
    await ingest(url, ndjson([{ kind: 'device.telemetry', id: 'smoke-1', source: 't', time: Date.now(), deviceId: 'smoke-1', deviceType: 'smoke', metrics: { smoke: 1 }, grid: GRIDS[0] }]));
    let alert: AlertView | undefined;
    await until(() => (alert = gp.alerts.alerts()[0]) !== undefined, 'alert raised');
    const act = (opId: string, note: string) =>
      fetch(`${url}/api/alerts/${encodeURIComponent(alert!.id)}/note`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ opId, note }),
      });
    expect((await act('pg-note-before', 'before')).status).toBe(201);

    await pgSvc.kill();
    const whileDown = await act('pg-note-during', 'during');
    expect(whileDown.status).toBe(500);
    await pgSvc.start();
    let status = 0;
    await until(async () => (status = (await act('pg-note-during', 'during')).status) === 201 || status === 200, 'the retried action lands', 30_000);
    // A second retry is a replay: same answer, no second effect.
    expect((await act('pg-note-during', 'during')).status).toBe(200);
    const audit = (await (await fetch(`${url}/api/audit?alertId=${encodeURIComponent(alert!.id)}`, { headers: { authorization: `Bearer ${token}` } })).json()) as { opId: string }[] | { entries: { opId: string }[] };
    const entries = Array.isArray(audit) ? audit : audit.entries;
    expect(entries.filter((e) => e.opId === 'pg-note-during')).toHaveLength(1);
    expect(entries.filter((e) => e.opId === 'pg-note-before')).toHaveLength(1);
  });
});
