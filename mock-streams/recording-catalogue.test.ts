import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { IngestEvent } from '../protocol';
import { createRecordingCatalogue } from './recording-catalogue';
import { writeRecording } from './recording';

const dir = mkdtempSync(join(tmpdir(), 'gp-cat-'));
const shipped = join(dir, 'shipped');
const data = join(dir, 'data');
const T = Date.UTC(2025, 5, 10);

const event = (i: number): IngestEvent => ({
  v: 1,
  id: `e${i}`,
  source: 't',
  time: T + i * 1000,
  grid: '330106007001001',
  kind: 'device.heartbeat',
  deviceId: `D${i}`,
  deviceType: 'camera',
});

async function write(path: string, n: number): Promise<void> {
  const { mkdirSync } = await import('node:fs');
  mkdirSync(join(path, '..'), { recursive: true });
  await writeRecording(
    path,
    {
      start: T,
      end: T + 3_600_000,
      district: '330106007',
      createdBy: 'test',
      scenarios: [{ name: 'burst', start: T, durationMs: 60_000 }],
    },
    Array.from({ length: n }, (_, i) => event(i)),
  );
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('createRecordingCatalogue', () => {
  it('lists files by id (argument over data over shipped), skips unreadable ones, opens only listed ids', async () => {
    await write(join(shipped, 'day.ndjson.gz'), 3);
    await write(join(shipped, 'other.ndjson.gz'), 2);
    await write(join(data, 'day.ndjson.gz'), 5);
    writeFileSync(join(data, 'broken.ndjson.gz'), 'not gzip');
    const arg = join(dir, 'mine.ndjson.gz');
    await write(arg, 4);
    const cat = createRecordingCatalogue({
      dirs: [
        { path: data, origin: 'data' },
        { path: shipped, origin: 'shipped' },
        { path: join(dir, 'missing'), origin: 'data' },
      ],
      files: [arg],
    });
    const list = await cat.list();
    expect(list.map((r) => `${r.id}:${r.origin}:${r.events}`)).toEqual([
      'mine:argument:4',
      'day:data:5',
      'other:shipped:2',
    ]);
    expect(list[0]!.scenarios).toEqual([{ name: 'burst', start: T, durationMs: 60_000 }]);
    expect(cat.idOf(arg)).toBe('mine');
    await expect(cat.open('../shipped/day')).rejects.toThrow(/no recording/);

    const events: IngestEvent[] = [];
    const rec = await cat.open('day');
    for await (const e of rec.events) events.push(e);
    expect(events.map((e) => e.id)).toEqual(['e0', 'e1', 'e2', 'e3', 'e4']);
  });

  it('stops with an error on an invalid event', async () => {
    const path = join(data, 'bad.ndjson.gz');
    await writeRecording(path, { start: T, end: T + 60_000, district: '330106007', createdBy: 'test' }, [
      event(0),
      { ...event(1), deviceType: 'toaster' } as unknown as IngestEvent,
    ]);
    const cat = createRecordingCatalogue({ dirs: [{ path: data, origin: 'data' }] });
    const rec = await cat.open('bad');
    const read = async () => {
      for await (const _ of rec.events);
    };
    await expect(read()).rejects.toThrow(/invalid event/);
  });
});
