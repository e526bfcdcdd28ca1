import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { vi, afterAll, describe, expect, it } from 'vitest';

// Each test spawns the CLI (tsx start-up ~1-5 s) several times: give it room on a loaded 2-core machine.
vi.setConfig({ testTimeout: 180_000 });
import { readRecording, writeRecording } from '../../mock-streams/recording';
import type { IngestEvent } from '../../protocol';
import { systemClock } from '../../server/pipeline/clock';
import { GRIDS } from '../fixtures/tiny-district';
import { ingest, ndjson, startApp, TEST_TOKEN, type RunningApp } from '../helpers/start-app';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'gp-cli-'));
const apps: RunningApp[] = [];

/** Runs `node bin/gridpulse.mjs …` as a child process (async: the server under test lives in this process). */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/gridpulse.mjs', ...args], { timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

async function readAll(
  path: string,
): Promise<{ header: Awaited<ReturnType<typeof readRecording>>['header']; events: IngestEvent[] }> {
  const rec = await readRecording(path, { validate: true });
  const events: IngestEvent[] = [];
  for await (const e of rec.events) events.push(e);
  return { header: rec.header, events };
}

/** Events of all three feeds inside the tiny district, `n` of them over `spanMs` from `start`. */
function tinyEvents(start: number, n: number, spanMs: number): IngestEvent[] {
  return Array.from({ length: n }, (_, i): IngestEvent => {
    const time = start + Math.floor((i * spanMs) / n);
    const grid = GRIDS[i % GRIDS.length];
    if (i % 3 === 0)
      return {
        v: 1,
        kind: 'case.updated',
        id: `c${i}`,
        source: 'test',
        time,
        grid,
        caseId: `case-${i}`,
        status: 'reported',
        category: 'SJ0102',
        channel: 'hotline',
        urgency: 'normal',
      };
    if (i % 3 === 1)
      return {
        v: 1,
        kind: 'device.heartbeat',
        id: `h${i}`,
        source: 'test',
        time,
        grid,
        deviceId: `d${i % 20}`,
        deviceType: 'bin',
      };
    return {
      v: 1,
      kind: 'opinion.post',
      id: `p${i}`,
      source: 'test',
      time,
      grid,
      channel: 'forum',
      text: '小区垃圾满溢没人管',
      sentiment: -0.5,
    };
  });
}

afterAll(async () => {
  for (const app of apps) await app.close();
});

describe('gridpulse generate', () => {
  it('writes byte-identical files for the same seed, different ones for another seed', async () => {
    const args = ['--duration', '2m', '--devices', '300', '--scenario', 'device-outage@30s+1m'];
    const a = await cli('generate', '--seed', '11', '--out', join(dir, 'a.ndjson.gz'), ...args);
    const b = await cli('generate', '--seed', '11', '--out', join(dir, 'b.ndjson.gz'), ...args);
    const c = await cli('generate', '--seed', '12', '--out', join(dir, 'c.ndjson.gz'), ...args);
    expect([a.code, b.code, c.code], a.stderr).toEqual([0, 0, 0]);
    expect(a.stdout).toMatch(/wrote .*a\.ndjson\.gz: \d+ events, 300 devices/);
    const bytes = (f: string) => readFileSync(join(dir, f));
    expect(bytes('a.ndjson.gz').equals(bytes('b.ndjson.gz'))).toBe(true);
    expect(bytes('a.ndjson.gz').equals(bytes('c.ndjson.gz'))).toBe(false);
    const { header, events } = await readAll(join(dir, 'a.ndjson.gz'));
    expect(header).toMatchObject({ seed: 11, deviceCount: 300, events: events.length });
    expect(header.scenarios?.[0]).toMatchObject({ name: 'device-outage', durationMs: 60_000 });
  });

  it('explains usage errors with exit code 2', async () => {
    const r = await cli('generate', '--out', join(dir, 'x.ndjson.gz'), '--duration', '10 minutes');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--duration: "10 minutes" is not a duration/);
    expect((await cli('generate', '--help')).stdout).toMatch(/Usage: gridpulse generate/);
  });
});

describe('gridpulse replay', () => {
  it('pushes a recording into a real server, shifted to now; a second run is all duplicates', async () => {
    const app = await startApp({ clock: systemClock });
    apps.push(app);
    const file = join(dir, 'tiny.ndjson.gz');
    const start = Date.UTC(2025, 5, 10);
    await writeRecording(
      file,
      { start, end: start + 60_000, district: '330106007', createdBy: 'test' },
      tinyEvents(start, 300, 60_000),
    );
    const first = await cli('replay', file, '--to', app.url, '--token', TEST_TOKEN, '--speed', 'max', '--batch', '64');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/replayed 300 events .*: 300 accepted, 0 duplicates/);
    const street = app.gp.aggregator.stats('330106007')!;
    expect(street.cases.new24h).toBe(100);
    expect(street.opinion.posts1h).toBe(100);
    const again = await cli('replay', file, '--to', app.url, '--token', TEST_TOKEN, '--speed', 'max');
    expect(again.stdout).toMatch(/0 accepted, 300 duplicates/);
  });

  it('says what is wrong: bad token, unreachable server, missing file', async () => {
    const app = apps[0]!;
    const file = join(dir, 'tiny.ndjson.gz');
    const unauthorized = await cli('replay', file, '--to', app.url, '--token', 'wrong-token', '--speed', 'max');
    expect(unauthorized.code).toBe(1);
    expect(unauthorized.stderr).toMatch(/401 unauthorized/);
    const closed = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const unreachable = await cli('replay', file, '--to', `http://127.0.0.1:${closed}`, '--speed', 'max');
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(new RegExp(`cannot reach http://127.0.0.1:${closed}/api/ingest: ECONNREFUSED`));
    const missing = await cli('replay', join(dir, 'nope.ndjson.gz'), '--to', app.url);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no such file/);
  });
});

describe('gridpulse import-cases', () => {
  const map =
    'id=工单编号,time=受理时间,category=小类,lon=经度,lat=纬度,status=状态,description=诉求内容,address=地址,urgency=紧急程度,channel=来源';

  it('imports the good rows, reports each bad one (row, column, reason) and exits 3', async () => {
    const out = join(dir, 'hotline.ndjson.gz');
    const r = await cli(
      'import-cases',
      'test/fixtures/cases/hotline-export.csv',
      '--out',
      out,
      '--crs',
      'gcj02',
      '--map',
      map,
    );
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/8 rows, 4 imported, 4 bad/);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/row 5, column "受理时间": cannot read "yesterday"/);
    expect(lines[1]).toMatch(/row 6, column "状态": "pending" is not a status/);
    expect(lines[2]).toMatch(/row 7, column "经度": no location/);
    expect(lines[3]).toMatch(/row 8, column "经度": "东经120度" is not a number/);
    const { events } = await readAll(out);
    expect(events.map((e) => (e.kind === 'case.updated' ? e.caseId : ''))).toEqual([
      'GD008',
      'GD001',
      'GD002',
      'GD003',
    ]);
    const gd001 = events[1]!;
    // 08:05 Asia/Shanghai; GCJ-02 converted to WGS84 (about 500 m west in Hangzhou).
    expect(gd001.time).toBe(Date.parse('2026-11-28T08:05:00+08:00'));
    expect(gd001.lon).toBeCloseTo(120.1049, 3);
    expect(gd001).toMatchObject({
      status: 'reported',
      channel: 'hotline',
      urgency: 'normal',
      title: '路灯不亮 · 文三路12号',
    });
    expect(events[3]).toMatchObject({
      status: 'in_progress',
      urgency: 'complaint',
      time: Date.parse('2026-11-28T09:15:00+08:00'),
    });
  });

  it('names a mapped column the file does not have', async () => {
    const r = await cli(
      'import-cases',
      'test/fixtures/cases/hotline-export.csv',
      '--out',
      join(dir, 'x.ndjson.gz'),
      '--map',
      'time=时间,category=小类,lon=经度,lat=纬度',
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no column "时间"; columns: 工单编号, 受理时间/);
  });

  it('imports a real public dataset (USGS) with mapping options only; outside the district it is refused on replay', async () => {
    const out = join(dir, 'quakes.ndjson.gz');
    const r = await cli(
      'import-cases',
      'test/fixtures/cases/usgs-earthquakes-2018-02.geojson',
      '--out',
      out,
      '--map',
      'id=id,time=time,category=type,lon=lon,lat=lat,description=title',
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/400 rows, 400 imported, 0 bad/);
    expect(r.stdout).toMatch(/400 cases lie outside the district/);
    const { header, events } = await readAll(out);
    expect(header.events).toBe(400);
    expect(events.every((e, i) => i === 0 || e.time >= events[i - 1]!.time)).toBe(true);
    const app = apps[0]!;
    const replay = await cli('replay', out, '--to', app.url, '--token', TEST_TOKEN, '--speed', 'max');
    expect(replay.stdout).toMatch(/0 accepted, 0 duplicates, 0 late, 400 rejected/);
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(metrics).toMatch(/gridpulse_rejected_total\{reason="outside_district"\} 400/);
  });
});

describe('gridpulse record', () => {
  it("records a running server's merged stream for --duration, in event-time order", async () => {
    const app = await startApp({ clock: systemClock });
    apps.push(app);
    const out = join(dir, 'recorded.ndjson.gz');
    const child = spawn(process.execPath, [
      'bin/gridpulse.mjs',
      'record',
      '--from',
      app.url,
      '--token',
      TEST_TOKEN,
      '--out',
      out,
      '--duration',
      '2s',
    ]);
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    // It says so on stderr once the stream is open.
    await new Promise<void>((resolve) =>
      child.stderr.on('data', (d: Buffer) => d.toString().includes('recording http') && resolve()),
    );
    // Newest first, so the recording has to sort them.
    const events = tinyEvents(Date.now() - 30_000, 60, 30_000).reverse();
    for (let k = 0; k < 3; k++) {
      expect((await ingest(app.url, ndjson(events.slice(k * 20, k * 20 + 20)))).status).toBe(200);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(await exited).toBe(0);
    expect(stdout).toMatch(/--duration 2s reached: recorded 60 events/);
    const { header, events: recorded } = await readAll(out);
    expect(new Set(recorded.map((e) => e.id))).toEqual(new Set(events.map((e) => e.id)));
    expect(recorded.every((e, i) => i === 0 || e.time >= recorded[i - 1]!.time)).toBe(true);
    expect(recorded.every((e) => e.grid !== undefined)).toBe(true);
    expect(header).toMatchObject({ district: '330106007', createdBy: 'gridpulse record', events: recorded.length });
  });

  it('refuses a stream reader without the ingest token', async () => {
    const res = await fetch(`${apps[0]!.url}/api/stream`);
    expect(res.status).toBe(401);
  });
});
