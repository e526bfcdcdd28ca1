import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { builtinDistrict } from '../../geo/district';
import { createGridIndex } from '../../geo/grid-index';
import { generateRecording, readRecording } from '../../mock-streams/recording';
import type { DeltaFrame, IngestEvent, RecordingHeader } from '../../protocol';
import { createApp } from '../../server/app';
import { ManualClock } from '../../server/pipeline/clock';
import { openDatabase } from '../../server/store/database';
import { connectClient } from '../helpers/start-app';

/** Event time per batch: the replay ingests one batch, moves the clock to its end and ticks the hub. */
const STEP_MS = 5_000;
const district = builtinDistrict();
const { gridAt } = createGridIndex(district);

/**
 * Replays a recording into a fresh server driven by a manual clock (no tick timer: this test ticks) and
 * returns the hash of every delta frame a real socket.io client received, in order, epoch left out.
 */
async function replayAndHash(file: string): Promise<{ frames: number; hash: string }> {
  const rec = await readRecording(file);
  const header: RecordingHeader = rec.header;
  const clock = new ManualClock(header.start);
  const db = openDatabase(':memory:');
  const gp = createApp({
    clock,
    district,
    gridAt,
    db,
    config: {
      tickMs: 250,
      ingestToken: 'determinism',
      ingestLimitBytes: 1 << 20,
      historyMs: 86_400_000,
      simulated: false,
      mode: 'demo',
      allowedOrigins: [],
    },
  });
  await new Promise<void>((resolve) => gp.httpServer.listen(0, '127.0.0.1', resolve));
  const socket = await connectClient(`http://127.0.0.1:${(gp.httpServer.address() as AddressInfo).port}`);
  const received: DeltaFrame[] = [];
  socket.on('scope:changed', (frame) => received.push(frame));
  const ack = await socket.emitWithAck('scope:subscribe', {
    scope: '*',
    layers: ['areas', 'devices', 'series', 'insights'],
  });
  expect(ack.ok).toBe(true);

  let sent = 0;
  let batch: IngestEvent[] = [];
  let batchEnd = header.start + STEP_MS;
  const flush = () => {
    gp.pipeline.ingest(batch);
    batch = [];
    clock.set(batchEnd);
    sent += gp.hub.tick();
    batchEnd += STEP_MS;
  };
  for await (const event of rec.events) {
    while (event.time >= batchEnd) flush();
    batch.push(event);
  }
  flush();
  const deadline = Date.now() + 10_000;
  while (received.length < sent && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  socket.disconnect();
  await gp.close();
  db.close();

  expect(received).toHaveLength(sent);
  const hash = createHash('sha256');
  for (const { epoch: _epoch, ...frame } of received) hash.update(JSON.stringify(frame)).update('\n');
  return { frames: received.length, hash: hash.digest('hex') };
}

describe('replay determinism', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'gp-det-')), 'det.ndjson.gz');

  beforeAll(async () => {
    await generateRecording({
      seed: 4242,
      district,
      start: Date.UTC(2025, 5, 10, 1, 0, 0),
      durationMs: 5 * 60_000,
      out: file,
      deviceCount: 400,
      scenarios: [{ name: 'device-outage', start: Date.UTC(2025, 5, 10, 1, 1, 0), durationMs: 2 * 60_000 }],
    });
  });

  it('the same recording replayed into two fresh servers gives the same delta frames', async () => {
    const a = await replayAndHash(file);
    const b = await replayAndHash(file);
    expect(a.frames).toBeGreaterThan(30);
    expect(b).toEqual(a);
  });
});
