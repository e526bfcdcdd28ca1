import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockExternalRequests, browserUnavailable, launchBrowser } from '../helpers/browser';
import { startCockpit } from '../helpers/start-cockpit';
import { ingest, ndjson } from '../helpers/start-app';

const skip = browserUnavailable();

describe.skipIf(skip)('the wall in Chromium', () => {
  let cockpit: Awaited<ReturnType<typeof startCockpit>>;
  let browser: Browser;

  beforeAll(async () => {
    cockpit = await startCockpit();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await cockpit?.close();
  });

  it('loads the map offline and shows ingested events live', async () => {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    const external = await blockExternalRequests(page);
    const failedAssets: string[] = [];
    page.on('response', (res) => {
      if (res.status() >= 400) failedAssets.push(`${res.status()} ${res.url()}`);
    });
    await page.goto(`${cockpit.url}/wall`);
    await page.locator('[data-testid="map"][data-map-loaded="true"]').waitFor({ timeout: 60_000 });

    const kpi = page.getByTestId('kpi-events-total');
    const readCount = async () => Number((await kpi.innerText()).replace(/[^\d]/g, ''));
    await expect.poll(readCount, { timeout: 10_000 }).toBe(0);

    const grids = cockpit.district.areas.filter((a) => a.level === 'grid');
    const now = Date.now();
    const events = grids.slice(0, 40).map((g, i) => ({
      kind: 'device.heartbeat', id: `e2e-${i}`, source: 'e2e', time: now - 1000, deviceId: `e2e-dev-${i}`,
      deviceType: 'camera', lon: g.center[0], lat: g.center[1],
    }));
    const res = await ingest(cockpit.url, ndjson(events));
    expect(res.body).toMatchObject({ accepted: 40 });
    await expect.poll(readCount, { timeout: 10_000 }).toBe(40);

    // Rendered for real: the grid choropleth and device layer exist on the map's canvas.
    const drawn = await page.evaluate(() => {
      const map = (window as unknown as { __gridpulseMap?: { queryRenderedFeatures(): { source: string }[] } }).__gridpulseMap;
      return map ? map.queryRenderedFeatures().filter((f) => f.source === 'areas').length : -1;
    });
    expect(drawn).toBeGreaterThan(0);

    mkdirSync('test-results', { recursive: true });
    await page.waitForTimeout(1500);
    await page.screenshot({ path: 'test-results/wall-1920x1080.png' });
    expect(external).toEqual([]);
    expect(failedAssets).toEqual([]);
    await page.close();
  }, 120_000);
});
