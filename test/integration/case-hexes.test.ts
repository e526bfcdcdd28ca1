/**
 * `GET /api/cases/hexes` through the real server (port 0): the map's H3 case hexagons are counted on the server,
 * under the same authentication and jurisdiction as a subscription, for the live world or the demo's own world.
 */
import { cellToLatLng, getResolution, latLngToCell } from 'h3-js';
import { afterEach, describe, expect, it } from 'vitest';
import type { CaseHexesResponse, IngestEvent } from '../../protocol';
import { COMMUNITY_A, COMMUNITY_B, GRIDS, pointInGrid } from '../fixtures/tiny-district';
import { loginToken } from '../helpers/auth';
import { T0, ingest, ndjson, startApp, type RunningApp } from '../helpers/start-app';

function caseEvent(id: string, grid: number, status: 'reported' | 'closed' = 'reported', time = T0 - 1000) {
  return {
    kind: 'case.updated',
    id: `ev-${id}-${status}`,
    source: '12345',
    time,
    caseId: id,
    status,
    category: '0101',
    channel: 'hotline',
    urgency: 'normal',
    grid: GRIDS[grid],
    ...pointInGrid(grid),
  };
}

async function get(url: string, token?: string) {
  const res = await fetch(url, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  return {
    status: res.status,
    body: (await res.json()) as CaseHexesResponse & { error?: { code: string; message: string; path?: string } },
  };
}

describe('GET /api/cases/hexes', () => {
  let app: RunningApp;
  afterEach(async () => {
    await app?.close();
  });

  it('counts the cases of a window per H3 cell with boundaries, within the caller jurisdiction', async () => {
    app = await startApp();
    const events = [caseEvent('C-A1', 0), caseEvent('C-A2', 0), caseEvent('C-A3', 0, 'closed'), caseEvent('C-B1', 2)];
    expect((await ingest(app.url, ndjson(events))).status).toBe(200);

    // Anonymous wall (jurisdiction *): every community, resolution 9 by default, open cases only.
    const all = await get(`${app.url}/api/cases/hexes`);
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ scope: '*', world: 'live', window: 'open', resolution: 9 });
    const { lon, lat } = pointInGrid(0);
    const cellA = latLngToCell(lat, lon, 9);
    expect(all.body.cells.map((c) => [c.hex, c.weight])).toEqual([
      [cellA, 2],
      [latLngToCell(pointInGrid(2).lat, pointInGrid(2).lon, 9), 1],
    ]);
    const ring = all.body.cells[0]!.boundary;
    expect(ring.length).toBeGreaterThanOrEqual(7);
    expect(ring[0]).toEqual(ring.at(-1));
    const [cLat, cLon] = cellToLatLng(cellA);
    for (const [x, y] of ring) expect(Math.hypot(x - cLon, y - cLat)).toBeLessThan(0.01);

    // The 24 h window includes the closed case; resolution 10 gives resolution-10 cells.
    const day = await get(`${app.url}/api/cases/hexes?scope=${COMMUNITY_A}&window=24h&res=10`);
    expect(day.status).toBe(200);
    expect(day.body.cells.map((c) => c.weight)).toEqual([3]);
    expect(getResolution(day.body.cells[0]!.hex)).toBe(10);

    // A leader of community A: their own community by default; community B is refused without echoing it.
    const token = await loginToken(app.url, { name: 'hex-leader-a', role: 'leader', area: COMMUNITY_A }, app.gp);
    const own = await get(`${app.url}/api/cases/hexes`, token);
    expect(own.status).toBe(200);
    expect(own.body.scope).toBe(COMMUNITY_A);
    expect(own.body.cells.map((c) => [c.hex, c.weight])).toEqual([[cellA, 2]]);
    for (const scope of [COMMUNITY_B, '*']) {
      const refused = await get(`${app.url}/api/cases/hexes?scope=${scope}`, token);
      expect(refused.status, scope).toBe(403);
      expect(refused.body.error).toMatchObject({ code: 'forbidden', path: 'scope' });
      expect(refused.body.error!.message).not.toContain(COMMUNITY_B);
    }
    // A token that is not one: 401.
    expect((await get(`${app.url}/api/cases/hexes`, 'not-a-jwt')).status).toBe(401);
  });

  it('answers bad parameters with what and where', async () => {
    app = await startApp();
    const cases: [string, number, string][] = [
      ['window=1y', 400, 'window'],
      ['res=6', 400, 'res'],
      ['res=12', 400, 'res'],
      ['res=9.5', 400, 'res'],
      ['res=9&res=10', 400, 'res'],
      ['world=mars', 400, 'world'],
      ['scope=999', 404, 'scope'],
    ];
    for (const [query, status, path] of cases) {
      const r = await get(`${app.url}/api/cases/hexes?${query}`);
      expect(r.status, query).toBe(status);
      expect(r.body.error?.path, query).toBe(path);
      expect(r.body.error?.message.length, query).toBeGreaterThan(10);
    }
  });

  it('refuses callers without a token when anonymous access is off', async () => {
    app = await startApp({ config: { anonymous: false } });
    const r = await get(`${app.url}/api/cases/hexes`);
    expect(r.status).toBe(401);
    expect(r.body.error?.code).toBe('unauthorized');
  });

  it('world=demo counts the demo world cases, never the live ones (DESIGN §9.8)', async () => {
    app = await startApp();
    expect((await ingest(app.url, ndjson([caseEvent('C-LIVE', 0)]))).status).toBe(200);
    const demoWorld = app.gp.demo.world;
    const demoEvent = { ...caseEvent('C-DEMO', 2), time: demoWorld.clock.now() - 1000 } as IngestEvent;
    expect(demoWorld.pipeline.ingest([demoEvent]).accepted).toBe(1);

    const live = await get(`${app.url}/api/cases/hexes?scope=*`);
    const demo = await get(`${app.url}/api/cases/hexes?scope=*&world=demo`);
    expect(demo.status).toBe(200);
    expect(demo.body.world).toBe('demo');
    const cellOf = (g: number) => latLngToCell(pointInGrid(g).lat, pointInGrid(g).lon, 9);
    expect(live.body.cells.map((c) => c.hex)).toEqual([cellOf(0)]);
    expect(demo.body.cells.map((c) => c.hex)).toEqual([cellOf(2)]);
    expect(demo.body.time).toBe(demoWorld.clock.now());
  });
});
