import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGridIndex } from '../../geo/grid-index';
import { blockExternalRequests, browserUnavailable, launchBrowser } from '../helpers/browser';
import { ingest, ndjson } from '../helpers/start-app';
import { startCockpit } from '../helpers/start-cockpit';

const skip = browserUnavailable();

interface MapProbe {
  path: string[];
  deviceMode: string;
  zoom: number;
  caseLayers: string[];
}

/** Reads the map's state and its shown case layers (MapLibre layers, outlines left out) through the test handle. */
async function probe(page: Page): Promise<MapProbe> {
  return page.evaluate(() => {
    const view = window.__gridpulseMapView!;
    const m = window.__gridpulseMap!;
    const s = view.state();
    const layers = (m.getStyle().layers ?? [])
      .filter((l) => l.id.startsWith('gp-case') && !l.id.endsWith('-outline'))
      .filter((l) => m.getLayoutProperty(l.id, 'visibility') !== 'none')
      .map((l) => l.id);
    return { path: s.path, deviceMode: s.deviceMode, zoom: s.zoom, caseLayers: layers };
  });
}

/** Page position of a lon/lat on the map (the wall stage is CSS-scaled, so map pixels are scaled too). */
async function pagePoint(page: Page, lonLat: [number, number]) {
  return page.evaluate((ll) => {
    const m = window.__gridpulseMap!;
    const p = m.project(ll);
    const c = m.getCanvas();
    const r = c.getBoundingClientRect();
    return { x: r.left + (p.x * r.width) / c.clientWidth, y: r.top + (p.y * r.height) / c.clientHeight };
  }, lonLat);
}

const settle = (page: Page) =>
  page.waitForFunction(() => !window.__gridpulseMap!.isMoving() && window.__gridpulseMap!.loaded(), undefined, {
    timeout: 30_000,
  });

describe.skipIf(skip)('the map in Chromium', () => {
  let caseCount = 0;
  let cockpit: Awaited<ReturnType<typeof startCockpit>>;
  let browser: Browser;

  beforeAll(async () => {
    cockpit = await startCockpit();
    browser = await launchBrowser();
    const now = Date.now();
    const grids = cockpit.district.areas.filter((a) => a.level === 'grid');
    const events: object[] = [];
    caseCount = grids.filter((_, i) => i % 3 === 0).length;
    grids.forEach((g, i) => {
      for (let k = 0; k < 3; k++) {
        const base = {
          id: `m-${i}-${k}`,
          source: 'e2e',
          time: now - 2_000,
          deviceId: `dev-${i}-${k}`,
          deviceType: 'smoke',
        };
        const at = { lon: g.center[0] + k * 0.0004, lat: g.center[1] };
        events.push(
          k === 2 && i % 4 === 0
            ? { ...base, ...at, kind: 'device.telemetry', fault: true }
            : { ...base, ...at, kind: 'device.heartbeat' },
        );
      }
      if (i % 3 === 0) {
        events.push({
          kind: 'case.updated',
          id: `c-${i}`,
          source: '12345',
          time: now - 60_000,
          caseId: `case-${i}`,
          status: 'reported',
          category: 'BJ0101',
          channel: 'hotline',
          lon: g.center[0],
          lat: g.center[1] + 0.0003,
        });
      }
    });
    const res = await ingest(cockpit.url, ndjson(events));
    // A few offset points may fall outside the district's grids and be rejected as such.
    expect((res.body as { accepted: number }).accepted).toBeGreaterThan(events.length * 0.9);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await cockpit?.close();
  });

  for (const [width, height] of [
    [1920, 1080],
    [1024, 768],
  ] as const) {
    it(`draws, clusters, toggles cases, drills down and shows tooltips at ${width}×${height}`, async () => {
      const page = await browser.newPage({ viewport: { width, height } });
      const external = await blockExternalRequests(page);
      // No rotation: the wall would otherwise move the map to the next community mid-test.
      await page.goto(`${cockpit.url}/wall?interactive=1&rotate=off`);
      await page.locator('[data-testid="map"][data-map-loaded="true"]').waitFor({ timeout: 45_000 });
      await settle(page);
      const shot = (name: string) => page.screenshot({ path: `test-results/map-${width}x${height}-${name}.png` });
      mkdirSync('test-results', { recursive: true });

      // Choropleth: the street's communities are drawn, coloured from feature-state.
      await expect
        .poll(
          () =>
            page.evaluate(
              () => window.__gridpulseMap!.queryRenderedFeatures({ layers: ['gp-area-choropleth'] }).length,
            ),
          { timeout: 30_000 },
        )
        .toBeGreaterThan(0);
      const levels = await page.evaluate(() => [
        ...new Set(
          window
            .__gridpulseMap!.queryRenderedFeatures({ layers: ['gp-area-choropleth'] })
            .map((f) => f.properties.level),
        ),
      ]);
      expect(levels).toEqual(['community']);

      // Devices: clusters at the street's zoom, counted once deck has drawn them.
      await expect.poll(async () => (await probe(page)).deviceMode, { timeout: 30_000 }).toBe('clusters');
      const clustered = () =>
        page.evaluate(() => {
          const picks = window.__gridpulseMapView!.deck!.pickObjects({
            x: 0,
            y: 0,
            width: 4000,
            height: 4000,
            layerIds: ['gp-device-clusters'],
          });
          return picks.reduce((n, p) => n + (p.object as { count: number }).count, 0);
        });
      await expect.poll(clustered, { timeout: 15_000 }).toBeGreaterThan(0);
      await shot('street');

      // Cases: heatmap, then hexagons (counted by the server), then off; at the wall's size only (software WebGL is slow).
      if (width === 1920) {
        await page.getByTestId('map-case-heatmap').dispatchEvent('click');
        await expect.poll(async () => (await probe(page)).caseLayers, { timeout: 30_000 }).toEqual(['gp-case-heat']);
        await page.waitForTimeout(500);
        await shot('cases-heat');
        await page.getByTestId('map-window-24h').dispatchEvent('click');
        await page.getByTestId('map-case-hex').dispatchEvent('click');
        await expect.poll(async () => (await probe(page)).caseLayers, { timeout: 30_000 }).toEqual(['gp-case-hex']);
        // The hexagons are drawn, from the server's counts of the cases of the last 24 h (those in view).
        const drawnHexes = () =>
          page.evaluate(() =>
            window.__gridpulseMap!.queryRenderedFeatures({ layers: ['gp-case-hex'] }).map((f) => ({
              hex: f.properties.hex as string,
              weight: f.properties.weight as number,
            })),
          );
        await expect.poll(async () => (await drawnHexes()).length, { timeout: 30_000 }).toBeGreaterThan(0);
        const hexes = [...new Map((await drawnHexes()).map((h) => [h.hex, h.weight])).values()];
        const counted = hexes.reduce((a, b) => a + b, 0);
        expect(counted).toBeGreaterThan(0);
        expect(counted).toBeLessThanOrEqual(caseCount);
        await expect(page.getByTestId('map-legend-cases').isVisible()).resolves.toBe(true);
        await page.waitForTimeout(500);
        await shot('cases-hex');
      }
      await page.getByTestId('map-kpi').selectOption('pressure');

      // Hover a community: tooltip with its name and the chosen KPI.
      const community = cockpit.district.areas.find((a) => a.level === 'community')!;
      const grid = cockpit.district.areas.find((a) => a.parent === community.code && a.level === 'grid')!;
      const cp = await pagePoint(page, community.center);
      await page.mouse.move(cp.x, cp.y);
      await expect
        .poll(
          () =>
            page
              .getByTestId('map-tooltip')
              .innerText()
              .catch(() => ''),
          { timeout: 10_000 },
        )
        .toContain(community.name);

      // Drill: street → community → grid, breadcrumb back exactly one level at a time.
      await page.mouse.click(cp.x, cp.y);
      await expect
        .poll(async () => (await probe(page)).path, { timeout: 15_000 })
        .toEqual([cockpit.district.code, community.code]);
      await settle(page);
      if (width === 1920) await page.getByTestId('map-case-off').dispatchEvent('click');
      // Beside the grid's label point: the devices sit on it, and a click on their cluster zooms instead.
      const inGrid: [number, number] = [grid.center[0], grid.center[1] - 0.0005];
      expect(createGridIndex(cockpit.district).gridAt(...inGrid)).toBe(grid.code);
      const gp = await pagePoint(page, inGrid);
      await page.mouse.click(gp.x, gp.y);
      await expect
        .poll(async () => (await probe(page)).path, { timeout: 15_000 })
        .toEqual([cockpit.district.code, community.code, grid.code]);
      await settle(page);
      expect(await page.getByTestId('map-breadcrumb').innerText()).toContain(grid.name);
      // At grid level the grid's buildings are highlighted and devices are points.
      await expect
        .poll(
          () =>
            page.evaluate(
              () => window.__gridpulseMap!.queryRenderedFeatures({ layers: ['gp-buildings-focus'] }).length,
            ),
          { timeout: 15_000 },
        )
        .toBeGreaterThan(0);
      await expect.poll(async () => (await probe(page)).deviceMode, { timeout: 15_000 }).toBe('points');
      // The switch to points is decided before deck has drawn the new layer once; picking finds it after that draw.
      await expect
        .poll(
          () =>
            page.evaluate(
              () =>
                window.__gridpulseMapView!.deck!.pickObjects({
                  x: 0,
                  y: 0,
                  width: 4000,
                  height: 4000,
                  layerIds: ['gp-devices'],
                }).length,
            ),
          { timeout: 15_000 },
        )
        .toBeGreaterThan(0);
      await page.waitForTimeout(500);
      await shot('grid');

      // Live updates keep the view: a delta arrives, drill level and toggles stay.
      await ingest(
        cockpit.url,
        ndjson([
          {
            kind: 'device.heartbeat',
            id: `late-${width}`,
            source: 'e2e',
            time: Date.now(),
            deviceId: 'dev-0-0',
            deviceType: 'smoke',
            lon: grid.center[0],
            lat: grid.center[1],
          },
        ]),
      );
      await page.waitForTimeout(800);
      expect((await probe(page)).path).toHaveLength(3);

      await page.getByTestId('map-back').dispatchEvent('click');
      await expect
        .poll(async () => (await probe(page)).path, { timeout: 15_000 })
        .toEqual([cockpit.district.code, community.code]);
      await page.getByTestId('map-back').dispatchEvent('click');
      await expect.poll(async () => (await probe(page)).path, { timeout: 15_000 }).toEqual([cockpit.district.code]);

      // Programmatic focus (the wall's rotation).
      await page.evaluate((code) => window.__gridpulseMapView!.focusArea(code), grid.code);
      await expect.poll(async () => (await probe(page)).path, { timeout: 15_000 }).toHaveLength(3);

      expect(external).toEqual([]);
      await page.close();
    }, 90_000);
  }
});
