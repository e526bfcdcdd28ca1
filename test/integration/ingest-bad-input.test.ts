import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRIDS, pointInGrid } from '../fixtures/tiny-district';
import { T0, ingest, ndjson, startApp, type RunningApp } from '../helpers/start-app';

/** Issue #4 item 8: bad input of every kind gets a clear answer, and nothing valid around it is lost. */
describe('POST /api/ingest with bad input', () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(async () => app.close());

  const good = (id: string) => ({ kind: 'device.heartbeat', id, source: 'gw', time: T0 - 1000, deviceId: `dev-${id}`, deviceType: 'camera', ...pointInGrid(0) });
  type Err = { line: number; path: string; message: string };

  it('reports each bad line with line, field and reason, and accepts every good one', async () => {
    const lines = [
      JSON.stringify(good('ok-1')),
      '{"kind": "device.heartbeat", "id": ', // malformed JSON
      JSON.stringify({ ...good('wrong-type'), deviceType: 42 }), // wrong type
      JSON.stringify({ kind: 'device.heartbeat', id: 'ghost', source: 'gw', time: T0, deviceId: 'never-seen', deviceType: 'smoke' }), // unknown device, no location
      JSON.stringify({ kind: 'case.updated', id: 'no-status', source: '12345', time: T0, caseId: 'C9', category: 'BJ0112', channel: 'hotline', grid: GRIDS[0] }), // missing field
      JSON.stringify({ ...good('far-past'), time: '1999-12-31T23:00:00+08:00' }), // outside 2000–2100
      JSON.stringify({ ...good('nan'), lon: 'NaN' }),
      JSON.stringify(good('ok-2')),
    ];
    const res = await ingest(app.url, `${lines.join('\n')}\n`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: 2, rejected: 6 });
    const errors = res.body.errors as Err[];
    const at = (line: number) => errors.filter((e) => e.line === line);
    expect(at(2)[0]!.message).toMatch(/not valid JSON/);
    expect(at(3)[0]).toMatchObject({ path: 'deviceType' });
    expect(at(4)[0]!.message).toMatch(/device never-seen is unknown/);
    expect(at(5)[0]).toMatchObject({ path: 'status' });
    expect(at(6)[0]).toMatchObject({ path: 'time' });
    expect(at(7)[0]).toMatchObject({ path: 'lon' });
    expect(app.gp.aggregator.stats('*')!.devices.total).toBe(2);
  });

  it('counts a duplicate id once and says so', async () => {
    const res = await ingest(app.url, ndjson([good('dup'), good('dup'), good('dup-2')]));
    expect(res.body).toMatchObject({ accepted: 2, duplicates: 1, rejected: 0 });
    const again = await ingest(app.url, ndjson([good('dup')]));
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 1 });
  });

  it('accepts far-future times with a warning, windowed by arrival time, and counts them', async () => {
    const res = await ingest(app.url, ndjson([{ ...good('future'), time: T0 + 3 * 3_600_000 }]));
    expect(res.body).toMatchObject({ accepted: 1, rejected: 0 });
    expect((res.body.warnings as Err[])[0]).toMatchObject({ line: 1, path: 'time' });
    expect((res.body.warnings as Err[])[0]!.message).toMatch(/ahead of the server clock/);
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(metrics).toMatch(/gridpulse_events_clock_skew_total 1/);
  });

  it('answers 413 over the limit, 400 for an empty body, and keeps serving', async () => {
    expect((await ingest(app.url, 'x'.repeat(1024 * 1024 + 1))).status).toBe(413);
    const empty = await ingest(app.url, '\n\n');
    expect(empty.status).toBe(400);
    expect((empty.body.error as { message: string }).message).toMatch(/empty body/);
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    for (const reason of ['invalid_json', 'invalid_event', 'unknown_device', 'payload_too_large', 'empty_body']) {
      expect(metrics).toMatch(new RegExp(`gridpulse_rejected_total\\{reason="${reason}"\\} [1-9]`));
    }
    expect((await ingest(app.url, ndjson([good('after')]))).body).toMatchObject({ accepted: 1 });
  });
});
