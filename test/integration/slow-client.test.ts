/**
 * Conflation for a slow client (DESIGN §5, §9.4): a client that stops reading is skipped once its unwritten
 * bytes pass the cap, so the server's buffers for it stay bounded; when it reads again it gets frames whose seq
 * jumps, which is its cue to take a snapshot — newest state wins, and no gap goes unnoticed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AckResult, SnapshotFrame } from '../../protocol';
import { SLOW_ROOM } from '../../server/hub/hub';
import { pointInGrid } from '../fixtures/tiny-district';
import { T0, connectClient, frameCollector, ingest, ndjson, startApp, type RunningApp, type TestSocket } from '../helpers/start-app';

function heartbeats(round: number, n: number) {
  return Array.from({ length: n }, (_, i) => ({
    kind: 'device.heartbeat',
    id: `hb-${round}-${i}`,
    source: 'test',
    time: T0 - 1000,
    deviceId: `dev-${round}-${i}-${'x'.repeat(40)}`,
    deviceType: 'smoke',
    ...pointInGrid(i % 4),
  }));
}

/** The TCP socket under the client's WebSocket (ws): pausing it stops reading, as a stalled tablet on 4G would. */
function tcpOf(socket: TestSocket): { pause(): void; resume(): void } {
  return (socket.io.engine.transport as unknown as { ws: { _socket: { pause(): void; resume(): void } } }).ws._socket;
}

describe('a slow client', () => {
  let app: RunningApp;
  afterEach(async () => {
    await app?.close();
  });

  it('is skipped past the pending-bytes cap, keeps server buffers bounded, and resyncs on the seq gap', async () => {
    app = await startApp();
    const slow = await connectClient(app.url);
    const frames = frameCollector(slow);
    const snap = await new Promise<AckResult<SnapshotFrame>>((resolve) => slow.emit('scope:subscribe', { scope: '*', layers: ['devices'] }, resolve));
    if (!snap.ok) throw new Error('subscribe failed');
    tcpOf(slow).pause();

    const nsp = app.gp.io.of('/');
    const serverSide = () => [...nsp.sockets.values()][0]!;
    let maxUnwritten = 0;
    for (let round = 0; round < 40 && !serverSide().rooms.has(SLOW_ROOM); round++) {
      await ingest(app.url, ndjson(heartbeats(round, 2000)));
      await new Promise((r) => setTimeout(r, 120));
    }
    expect(serverSide().rooms.has(SLOW_ROOM)).toBe(true);
    // Skipped: more rounds add nothing to what the server holds for it.
    for (let round = 100; round < 110; round++) {
      await ingest(app.url, ndjson(heartbeats(round, 2000)));
      await new Promise((r) => setTimeout(r, 120));
      const conn = serverSide().conn as unknown as { writeBuffer: unknown[]; transport: { socket: { bufferedAmount: number } } };
      maxUnwritten = Math.max(maxUnwritten, conn.transport.socket.bufferedAmount + conn.writeBuffer.length);
    }
    // The cap (1 MiB) plus the frame that crossed it, at most.
    expect(maxUnwritten).toBeLessThan(3 * 1024 * 1024);

    tcpOf(slow).resume();
    await new Promise((r) => setTimeout(r, 500));
    await ingest(app.url, ndjson(heartbeats(200, 10)));
    await frames.next((f) => (f.changes.devices ?? []).some((d) => d.id.startsWith('dev-200-')), 10_000);
    expect(serverSide().rooms.has(SLOW_ROOM)).toBe(false);
    const seqs = frames.frames.map((f) => f.seq);
    const gaps = seqs.slice(1).filter((s, i) => s !== seqs[i]! + 1);
    expect(gaps.length).toBeGreaterThan(0);
    slow.disconnect();
  });
});
