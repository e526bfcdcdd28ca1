import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRecordingCatalogue } from '../../mock-streams/recording-catalogue';
import { generateRecording } from '../../mock-streams/recording';
import type {
  DeltaFrame,
  DemoNamespaceClientEvents,
  DemoNamespaceServerEvents,
  DemoStatus,
  ServerStatus,
  SnapshotFrame,
} from '../../protocol';
import { createApp, type GridPulseApp } from '../../server/app';
import { ManualClock, systemClock } from '../../server/pipeline/clock';
import { openDatabase, type Db } from '../../server/store/database';
import { tinyDistrict, tinyGridAt, GRIDS } from '../fixtures/tiny-district';
import { T0, TEST_TOKEN, connectClient, frameCollector, ingest, ndjson, type TestSocket } from '../helpers/start-app';

type DemoClient = Socket<DemoNamespaceServerEvents, DemoNamespaceClientEvents>;

const REC_START = Date.UTC(2025, 5, 10, 0, 0, 0);
const REC_MS = 2 * 3_600_000;

async function connectDemo(url: string): Promise<DemoClient> {
  const socket: DemoClient = connect(`${url}/demo`, { transports: ['websocket'], reconnection: false, forceNew: true });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

function ok<T>(ack: { ok: true; data: T } | { ok: false; error: { code: string; message: string } }): T {
  if (!ack.ok) throw new Error(`${ack.error.code}: ${ack.error.message}`);
  return ack.data;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, get: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = get();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('demo mode over /demo, isolated from the live world', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gp-demo-'));
  let gp: GridPulseApp;
  let db: Db;
  let url: string;

  beforeAll(async () => {
    // The tiny district has no buildings: the simulation places devices at sites inside its grids.
    await generateRecording({
      seed: 77,
      district: tinyDistrict(),
      start: REC_START,
      durationMs: REC_MS,
      out: join(dir, 'tiny-day.ndjson.gz'),
      deviceCount: 300,
    });
    db = openDatabase(':memory:');
    gp = createApp({
      clock: new ManualClock(T0),
      demoClock: systemClock,
      district: tinyDistrict(),
      gridAt: tinyGridAt,
      db,
      recordings: createRecordingCatalogue({ dirs: [{ path: dir, origin: 'data' }] }),
      config: {
        tickMs: 100,
        ingestToken: TEST_TOKEN,
        ingestLimitBytes: 1 << 20,
        historyMs: 24 * 3_600_000,
        simulated: false,
        mode: 'live',
        allowedOrigins: [],
      },
    });
    await new Promise<void>((resolve) => gp.httpServer.listen(0, '127.0.0.1', resolve));
    gp.start();
    url = `http://127.0.0.1:${(gp.httpServer.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await gp?.close();
    db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('replays a recording: play at 600×, pause, seek back into a new epoch; the live world sees none of it', async () => {
    const live: TestSocket = await connectClient(url);
    const liveFrames = frameCollector(live);
    const liveSnap = ok(await live.emitWithAck('scope:subscribe', { scope: '*', layers: ['areas', 'devices'] }));
    expect(liveSnap.state.summary.devices.total).toBe(0);

    const demo = await connectDemo(url);
    const statuses: DemoStatus[] = [];
    const serverStatuses: ServerStatus[] = [];
    const frames: DeltaFrame[] = [];
    demo.on('demo:status', (s) => statuses.push(s));
    demo.on('status:changed', (s) => serverStatuses.push(s));
    demo.on('scope:changed', (f) => frames.push(f));
    await until('status on connect', () => serverStatuses[0]);
    expect(serverStatuses[0]?.mode).toBe('demo');

    // Bad requests are refused with a reason and change nothing.
    const badSpeed = await demo.emitWithAck('demo:speed', { speed: 601 });
    expect(badSpeed).toMatchObject({ ok: false, error: { code: 'invalid_payload', path: 'speed' } });
    expect(await demo.emitWithAck('demo:play', undefined)).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await demo.emitWithAck('demo:load', { recordingId: '../../etc/passwd' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });

    const list = ok(await demo.emitWithAck('demo:list', undefined));
    expect(list).toEqual([
      expect.objectContaining({ id: 'tiny-day', origin: 'data', start: REC_START, end: REC_START + REC_MS }),
    ]);
    const loaded = ok(await demo.emitWithAck('demo:load', { recordingId: 'tiny-day' }));
    expect(loaded).toMatchObject({ state: 'paused', virtualTime: REC_START, speed: 1 });
    const firstEpoch = loaded.epoch;

    const snap: SnapshotFrame = ok(
      await demo.emitWithAck('scope:subscribe', { scope: '*', layers: ['areas', 'devices'] }),
    );
    expect(snap.epoch).toBe(firstEpoch);
    ok(await demo.emitWithAck('demo:speed', { speed: 600 }));
    ok(await demo.emitWithAck('demo:play', {}));

    // Delta frames arrive with growing device counts.
    const totals = () =>
      frames.flatMap((f) =>
        f.epoch === firstEpoch && f.changes.summary?.devices?.total !== undefined
          ? [f.changes.summary.devices.total]
          : [],
      );
    await until('device counts to grow', () => {
      const t = totals();
      return t.length >= 3 && t.at(-1)! > t[0]! ? t : undefined;
    });
    expect(frames.every((f, i) => i === 0 || f.seq === frames[i - 1]!.seq + 1)).toBe(true);
    await until('a status while playing', () =>
      statuses.find((s) => s.state === 'playing' && s.virtualTime > REC_START),
    );

    const paused = ok(await demo.emitWithAck('demo:pause', {}));
    expect(paused.state).toBe('paused');
    const framesAtPause = frames.length;
    const totalAtPause = gp.demo.world.aggregator.stats('*')!.devices.total;
    expect(totalAtPause).toBeGreaterThan(0);
    await sleep(800);
    expect(frames.length).toBe(framesAtPause);
    expect(gp.demo.world.aggregator.stats('*')!.devices.total).toBe(totalAtPause);

    // Seek back: a new world and epoch; the client is told and resyncs to a smaller state.
    const seekTo = REC_START + 60_000;
    const sought = ok(await demo.emitWithAck('demo:seek', { time: seekTo }));
    expect(sought.epoch).not.toBe(firstEpoch);
    expect(sought.virtualTime).toBe(seekTo);
    await until('status:changed with the new epoch', () => serverStatuses.find((s) => s.epoch === sought.epoch));
    const resynced = ok(await demo.emitWithAck('scope:subscribe', { scope: '*', layers: ['areas', 'devices'] }));
    expect(resynced.epoch).toBe(sought.epoch);
    expect(resynced.time).toBe(seekTo);
    expect(resynced.state.summary.devices.total).toBeLessThan(totalAtPause);

    // Live ingest beside the demo: each world counts only its own events.
    const res = await ingest(
      url,
      ndjson(
        GRIDS.slice(0, 3).map((grid, i) => ({
          v: 1,
          id: `live-${i}`,
          source: 'test',
          time: T0 - 1000,
          grid,
          kind: 'device.heartbeat',
          deviceId: `LIVE-${i}`,
          deviceType: 'camera',
        })),
      ),
    );
    expect(res.body.accepted).toBe(3);
    const liveNow = await liveFrames.next((f) => f.changes.summary?.devices?.total === 3);
    expect(liveNow.epoch).toBe(liveSnap.epoch);
    expect(
      liveFrames.frames.every((f) => f.epoch === liveSnap.epoch && (f.changes.summary?.devices?.total ?? 3) <= 3),
    ).toBe(true);
    expect(gp.aggregator.stats('*')!.devices.total).toBe(3);
    expect(gp.demo.world.aggregator.devices.get('LIVE-0')).toBeUndefined();
    expect(gp.demo.world.aggregator.stats('*')!.devices.total).toBe(resynced.state.summary.devices.total);
    expect(gp.demo.world.isolated).toBe(true);
    expect(gp.world.isolated).toBe(false);
    // The demo replay does not show in the live metrics either.
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/gridpulse_events_accepted_total\{kind="device\.heartbeat"\} 3\n/);

    demo.disconnect();
    live.disconnect();
  }, 60_000);
});
