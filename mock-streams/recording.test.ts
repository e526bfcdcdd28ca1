import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestEvent } from '../protocol';
import { smallDistrict } from './fixtures/small-district';
import { HOUR_MS } from './local-time';
import { RecordingError, generateRecording, readRecording, writeRecording } from './recording';
import { createSimulation } from './simulation';

const START = Date.UTC(2024, 5, 3, 16, 0, 0);
const district = smallDistrict();
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gridpulse-recording-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function readAll(path: string, validate = false): Promise<{ header: unknown; events: IngestEvent[] }> {
  const rec = await readRecording(path, { validate });
  const events: IngestEvent[] = [];
  for await (const e of rec.events) events.push(e);
  return { header: rec.header, events };
}

const options = (out: string, seed = 9) => ({
  seed,
  district,
  start: START,
  durationMs: 2 * HOUR_MS,
  out,
  deviceCount: 300,
  scenarios: [{ name: 'power-cut' as const, start: START + HOUR_MS, durationMs: HOUR_MS }],
});

describe('recordings', () => {
  it('round-trips a generated recording: header, then the simulation events in order', async () => {
    const out = join(dir, 'a.ndjson.gz');
    const progress: number[] = [];
    const header = await generateRecording(options(out), (done, total) => progress.push(done / total));
    const expected = createSimulation({
      seed: 9,
      district,
      start: START,
      deviceCount: 300,
      scenarios: options(out).scenarios,
    }).advance(START + 2 * HOUR_MS);
    const { header: read, events } = await readAll(out, true);
    expect(read).toEqual(header);
    expect(header).toMatchObject({
      format: 'gridpulse-recording',
      version: 1,
      seed: 9,
      start: START,
      end: START + 2 * HOUR_MS,
      district: district.code,
      events: expected.length,
      deviceCount: 300,
    });
    expect(header.scenarios?.[0]?.area).toMatch(/^\d{12}$/);
    expect(events).toEqual(expected);
    expect(progress.at(-1)).toBe(1);
    const text = gunzipSync(await readFile(out)).toString('utf8');
    expect(text.split('\n')[0]).toBe(JSON.stringify(header));
    expect(text.endsWith('\n')).toBe(true);
  });

  it('writes byte-identical files for the same seed, different ones for another', async () => {
    await generateRecording(options(join(dir, 'b1.ndjson.gz')));
    await generateRecording(options(join(dir, 'b2.ndjson.gz')));
    await generateRecording(options(join(dir, 'b3.ndjson.gz'), 10));
    const [b1, b2, b3] = await Promise.all(['b1', 'b2', 'b3'].map((n) => readFile(join(dir, `${n}.ndjson.gz`))));
    expect(b1?.equals(b2 as Buffer)).toBe(true);
    expect(b1?.equals(b3 as Buffer)).toBe(false);
    // gzip header: no mtime, OS pinned to Unix.
    expect([...(b1 as Buffer).subarray(4, 8)]).toEqual([0, 0, 0, 0]);
    expect((b1 as Buffer)[9]).toBe(3);
  });

  it('counts the events itself when the header leaves the count out', async () => {
    const events = createSimulation({ seed: 1, district, start: START, deviceCount: 100 }).advance(START + HOUR_MS);
    const out = join(dir, 'c.ndjson.gz');
    async function* stream() {
      yield* events;
    }
    const header = await writeRecording(
      out,
      { start: START, end: START + HOUR_MS, district: district.code, createdBy: 'test' },
      stream(),
    );
    expect(header.events).toBe(events.length);
    const read = await readAll(out);
    expect(read.header).toEqual(header);
    expect(read.events).toEqual(events);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses events out of order, outside the span, or a wrong count, and leaves no file', async () => {
    const events = createSimulation({ seed: 1, district, start: START, deviceCount: 100 }).advance(START + HOUR_MS);
    const base = { start: START, end: START + HOUR_MS, district: district.code, createdBy: 'test' };
    const out = join(dir, 'd.ndjson.gz');
    await expect(writeRecording(out, base, [...events].reverse())).rejects.toThrow(/out of time order/);
    await expect(writeRecording(out, { ...base, end: START + 1000 }, events)).rejects.toThrow(/outside/);
    await expect(writeRecording(out, { ...base, events: 3 }, events)).rejects.toThrow(/header says 3 events/);
    expect((await readdir(dir)).filter((f) => f.startsWith('d.'))).toEqual([]);
  });

  it('explains what is wrong with a file that is not a recording', async () => {
    const plain = join(dir, 'plain.ndjson');
    await writeFile(plain, '{"format":"gridpulse-recording"}\n');
    await expect(readRecording(plain)).rejects.toThrow(/expected a gzip file/);

    const other = join(dir, 'other.gz');
    await writeFile(other, gzipSync('{"format":"something-else","version":1}\n'));
    await expect(readRecording(other)).rejects.toThrow(/not a GridPulse recording .*something-else/);

    const future = join(dir, 'future.gz');
    await writeFile(future, gzipSync('{"format":"gridpulse-recording","version":2}\n'));
    await expect(readRecording(future)).rejects.toThrow(/unsupported recording version 2/);

    const incomplete = join(dir, 'incomplete.gz');
    await writeFile(incomplete, gzipSync('{"format":"gridpulse-recording","version":1,"start":0}\n'));
    await expect(readRecording(incomplete)).rejects.toThrow(RecordingError);
    await expect(readRecording(incomplete)).rejects.toThrow(/invalid recording header \(.*end/);
  });

  it('reports the line of a bad event when validating', async () => {
    const header = {
      format: 'gridpulse-recording',
      version: 1,
      start: START,
      end: START + 10,
      district: '310104005',
      createdBy: 't',
      events: 2,
    };
    const good = {
      v: 1,
      id: 'x1',
      source: 's',
      time: START,
      kind: 'device.heartbeat',
      deviceId: 'd',
      deviceType: 'water',
    };
    const bad = { ...good, id: 'x2', deviceType: 'toaster' };
    const path = join(dir, 'bad.gz');
    await writeFile(path, gzipSync([header, good, bad].map((x) => JSON.stringify(x)).join('\n') + '\n'));
    await expect(readAll(path, true)).rejects.toThrow(/bad\.gz:3: invalid event \(deviceType/);
    expect((await readAll(path, false)).events).toHaveLength(2);
  });
});
