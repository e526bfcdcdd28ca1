import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Building, District } from '../../geo/district.types';
import { createGridIndex } from '../../geo/grid-index';
import type { ImportReport } from '../../geo/import/import.types';
import { createSimulation } from '../../mock-streams/simulation';
import { createApp, type GridPulseApp } from '../../server/app';
import { loadDistrict } from '../../server/district-loader';
import { ManualClock } from '../../server/pipeline/clock';
import { openDatabase, type Db } from '../../server/store/database';
import { T0, TEST_TOKEN, ingest, ndjson } from '../helpers/start-app';

/**
 * The real-world file (test/fixtures/geo/README.md): Shenzhen's 8 districts with their GB/T 2260 codes,
 * AMap-derived and so GCJ-02. Imported with mapping options only, then served and simulated.
 */
const root = new URL('../../', import.meta.url).pathname;
const source = join(root, 'test/fixtures/geo/shenzhen-districts.geojson');
const out = mkdtempSync(join(tmpdir(), 'gp-geo-sz-'));

let district: District;
let report: ImportReport;
let gp: GridPulseApp;
let db: Db;
let url: string;
const clock = new ManualClock(T0);

/** Grid code of a district by its adcode (the source code the report keeps). */
const gridOf = (adcode: string): string => report.areas.find((a) => a.sourceCode === adcode)!.code;

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
      '--crs',
      'gcj02',
      '--top-name',
      '深圳市',
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
  it('imports cleanly: 8 districts as grids under a synthetic Shenzhen', () => {
    expect(report.problems).toEqual([]);
    expect(report.stats).toMatchObject({
      features: 8,
      imported: 8,
      crs: 'gcj02',
      codes: 'generated',
      syntheticTop: true,
      byLevel: { district: 1, grid: 8 },
    });
    expect(district.code).toBe('440300');
    expect(
      report.areas
        .map((a) => a.sourceCode)
        .filter(Boolean)
        .sort(),
    ).toEqual(['440303', '440304', '440305', '440306', '440307', '440308', '440309', '440310']);
    expect(district.areas.find((a) => a.code === gridOf('440304'))?.name).toBe('福田区');
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
    // Every area's label point, plus landmarks in WGS84: Shenzhen Civic Center (Futian), Shenzhen Bay Park
    // (Nanshan), Bao'an airport — and Hong Kong's Central, outside the city.
    const events = [
      ...grids.map((a, i) => heartbeat(i, a.center[0], a.center[1])),
      heartbeat(100, 114.0596, 22.5431),
      heartbeat(101, 113.9485, 22.5065),
      heartbeat(102, 113.8145, 22.6395),
      heartbeat(103, 114.1585, 22.2816),
    ];
    const res = await ingest(url, ndjson(events));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: grids.length + 3, rejected: 1 });
    const where = new Map(gp.aggregator.deviceViews('*').map((d) => [d.id, d.grid]));
    grids.forEach((a, i) => expect(where.get(`dev-${i}`)).toBe(a.code));
    expect(where.get('dev-100')).toBe(gridOf('440304'));
    expect(where.get('dev-101')).toBe(gridOf('440305'));
    expect(where.get('dev-102')).toBe(gridOf('440306'));
    expect(where.has('dev-103')).toBe(false);
  });

  it('runs the simulation on it: devices inside the imported areas, events the pipeline accepts', () => {
    // Imported geography has no buildings and the device catalogue places devices in buildings: give each
    // area one stand-in building at its label point (see the report for the mock-streams follow-up).
    const buildings: Building[] = district.areas
      .filter((a) => a.level === 'grid')
      .map((a, i) => {
        const [x, y] = a.center;
        const d = 0.0002;
        return {
          id: `b${i}`,
          name: `${a.name}1号楼`,
          grid: a.code,
          use: 'residential',
          floors: 6,
          center: a.center,
          footprint: [
            [x - d, y - d],
            [x + d, y - d],
            [x + d, y + d],
            [x - d, y + d],
            [x - d, y - d],
          ],
        };
      });
    const withBuildings: District = { ...district, buildings };
    const index = createGridIndex(withBuildings);
    const sim = createSimulation({ seed: 1, district: withBuildings, start: T0, deviceCount: 500 });
    expect(sim.devices).toHaveLength(500);
    for (const d of sim.devices) expect(index.gridAt(d.lon, d.lat)).toBe(d.grid);
    const events = sim.advance(T0 + 5 * 60_000);
    expect(events.length).toBeGreaterThan(100);
    clock.set(T0 + 5 * 60_000);
    const result = gp.pipeline.ingest(events);
    expect(result.rejected).toEqual([]);
    expect(result.accepted + result.duplicates).toBe(events.length);
  });
});
