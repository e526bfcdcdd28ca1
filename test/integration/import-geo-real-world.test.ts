import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { District } from '../../geo/district.types';
import { createGridIndex } from '../../geo/grid-index';
import type { ImportReport } from '../../geo/import/import.types';
import { createSimulation } from '../../mock-streams/simulation';
import { createApp, type GridPulseApp } from '../../server/app';
import { loadDistrict } from '../../server/district-loader';
import { ManualClock } from '../../server/pipeline/clock';
import { openDatabase, type Db } from '../../server/store/database';
import { T0, TEST_TOKEN, ingest, ndjson } from '../helpers/start-app';

/**
 * The real-world file (test/fixtures/geo/README.md): New York City's five boroughs from the US Census Bureau's
 * cartographic county boundaries (us-atlas, TopoJSON, WGS84), FIPS county code as each geometry's `id`, English
 * name in `properties.name`. Imported with mapping options only, then served and simulated.
 */
const root = new URL('../../', import.meta.url).pathname;
const source = join(root, 'test/fixtures/geo/nyc-boroughs.topojson');
const out = mkdtempSync(join(tmpdir(), 'gp-geo-nyc-'));
/** FIPS codes are not GB/T 2260 codes, so the grids' codes are generated under this (unassigned) admin code. */
const ADMIN_CODE = '990100';

let district: District;
let report: ImportReport;
let gp: GridPulseApp;
let db: Db;
let url: string;
const clock = new ManualClock(T0);

/** Grid code of a borough by its FIPS county code (the source code the report keeps). */
const gridOf = (fips: string): string => report.areas.find((a) => a.sourceCode === fips)!.code;

beforeAll(async () => {
  const r = spawnSync(
    process.execPath,
    [
      join(root, 'bin/gridpulse.mjs'),
      'import-geo',
      source,
      '--out',
      out,
      '--code-field',
      '@id',
      '--name-field',
      'name',
      '--name-en-field',
      'name',
      '--admin-code',
      ADMIN_CODE,
      '--top-name',
      '纽约市',
    ],
    { cwd: root, encoding: 'utf8', timeout: 90_000 },
  );
  expect(r.stderr).not.toMatch(/error|warning/);
  expect(r.status).toBe(0);
  district = loadDistrict(out);
  report = JSON.parse(readFileSync(join(out, 'import-report.json'), 'utf8')) as ImportReport;
  const index = createGridIndex(district);
  db = openDatabase(':memory:');
  gp = createApp({
    clock,
    district,
    gridAt: index.gridAt,
    db,
    config: {
      tickMs: 50,
      ingestToken: TEST_TOKEN,
      ingestLimitBytes: 4 * 1024 * 1024,
      historyMs: 24 * 3_600_000,
      simulated: false,
      mode: 'live',
      allowedOrigins: [],
    },
  });
  await new Promise<void>((resolve) => gp.httpServer.listen(0, '127.0.0.1', resolve));
  gp.start();
  url = `http://127.0.0.1:${(gp.httpServer.address() as AddressInfo).port}`;
}, 120_000);

afterAll(async () => {
  await gp?.close();
  db?.close();
  rmSync(out, { recursive: true, force: true });
});

describe('a real city boundary file, imported with mapping options only', () => {
  it('imports cleanly: 5 boroughs as grids under a synthetic New York City', () => {
    expect(report.problems).toEqual([]);
    expect(report.stats).toMatchObject({
      features: 5,
      imported: 5,
      crs: 'wgs84',
      codes: 'generated',
      syntheticTop: true,
      byLevel: { district: 1, grid: 5 },
    });
    expect(district.code).toBe(ADMIN_CODE);
    expect(district.name).toBe('纽约市');
    expect(
      report.areas
        .map((a) => a.sourceCode)
        .filter(Boolean)
        .sort(),
    ).toEqual(['36005', '36047', '36061', '36081', '36085']);
    const manhattan = district.areas.find((a) => a.code === gridOf('36061'));
    expect(manhattan).toMatchObject({ level: 'grid', parent: ADMIN_CODE, name: 'New York', nameEn: 'New York' });
    // Staten Island touches no other borough: the synthetic outline keeps it as a part of its own.
    expect(district.areas.find((a) => a.code === ADMIN_CODE)?.geometry.type).toBe('MultiPolygon');
  });

  it('locates ingested events in the imported areas through the real server', async () => {
    const grids = district.areas.filter((a) => a.level === 'grid');
    const heartbeat = (n: number, lon: number, lat: number) => ({
      kind: 'device.heartbeat',
      id: `hb-${n}`,
      source: 'test',
      time: T0 - 1000,
      deviceId: `dev-${n}`,
      deviceType: 'smoke',
      lon,
      lat,
    });
    // Every area's label point, plus landmarks well inside their borough (the 1:10M boundaries are generalised
    // by up to about a kilometre, so nothing near a shore): Times Square, Bronx Zoo, Prospect Park, JFK airport,
    // Staten Island Mall — and Newark's city hall in New Jersey, outside the city.
    const landmarks: [number, number, string | undefined][] = [
      [-73.9855, 40.758, gridOf('36061')],
      [-73.877, 40.8506, gridOf('36005')],
      [-73.969, 40.6602, gridOf('36047')],
      [-73.7781, 40.6413, gridOf('36081')],
      [-74.1553, 40.5823, gridOf('36085')],
      [-74.1724, 40.7357, undefined],
    ];
    const events = [
      ...grids.map((a, i) => heartbeat(i, a.center[0], a.center[1])),
      ...landmarks.map(([lon, lat], k) => heartbeat(100 + k, lon, lat)),
    ];
    const res = await ingest(url, ndjson(events));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: grids.length + 5, rejected: 1 });
    const where = new Map(gp.aggregator.deviceViews('*').map((d) => [d.id, d.grid]));
    grids.forEach((a, i) => expect(where.get(`dev-${i}`)).toBe(a.code));
    landmarks.forEach(([, , grid], k) => expect(where.get(`dev-${100 + k}`)).toBe(grid));
  });

  it('runs the simulation on it: devices inside the imported areas, events the pipeline accepts', () => {
    // Imported geography has no buildings: the device catalogue places devices at points inside the grids.
    expect(district.buildings).toEqual([]);
    const index = createGridIndex(district);
    const sim = createSimulation({ seed: 1, district, start: T0, deviceCount: 500 });
    expect(sim.devices).toHaveLength(500);
    for (const d of sim.devices) expect(index.gridAt(d.lon, d.lat)).toBe(d.grid);
    expect(new Set(sim.devices.map((d) => d.grid)).size).toBe(5);
    const events = sim.advance(T0 + 5 * 60_000);
    expect(events.length).toBeGreaterThan(100);
    clock.set(T0 + 5 * 60_000);
    const result = gp.pipeline.ingest(events);
    expect(result.rejected).toEqual([]);
    expect(result.accepted + result.duplicates).toBe(events.length);
  });
});
