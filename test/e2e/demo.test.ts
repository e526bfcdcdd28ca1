import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinDistrict } from '../../geo/district';
import { generateRecording } from '../../mock-streams/recording';
import { createRecordingCatalogue } from '../../mock-streams/recording-catalogue';
import { blockExternalRequests, browserUnavailable, launchBrowser } from '../helpers/browser';
import { startCockpit } from '../helpers/start-cockpit';

const skip = browserUnavailable();
const dir = mkdtempSync(join(tmpdir(), 'gp-demo-e2e-'));

describe.skipIf(skip)('demo mode in Chromium', () => {
  let cockpit: Awaited<ReturnType<typeof startCockpit>>;
  let browser: Browser;

  beforeAll(async () => {
    await generateRecording({
      seed: 9,
      district: builtinDistrict(),
      start: Date.UTC(2025, 5, 9, 16, 0, 0), // 2025-06-10 00:00 in Shanghai
      durationMs: 3 * 3_600_000,
      out: join(dir, 'e2e-day.ndjson.gz'),
      deviceCount: 500,
    });
    cockpit = await startCockpit({ recordings: createRecordingCatalogue({ dirs: [{ path: dir, origin: 'data' }] }) });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await cockpit?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the presenter plays a recording at 600×: marked DEMO, KPIs move; the wall follows with ?demo=1', async () => {
    mkdirSync('test-results', { recursive: true });
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const external = await blockExternalRequests(page);
    await page.goto(`${cockpit.url}/demo`);
    await expect.poll(() => page.getByTestId('demo-mark').isVisible(), { timeout: 15_000 }).toBe(true);

    await page.getByTestId('demo-load-e2e-day').click();
    await page.locator('[data-testid="demo-transport"][data-state="paused"]').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('timeline-day').count()).toBeGreaterThan(0);
    await page.getByTestId('demo-speed-600').click();
    await page.locator('.demo-transport__preset.is-on[data-testid="demo-speed-600"]').waitFor({ timeout: 10_000 });
    await page.getByTestId('demo-play').click();
    await page.locator('[data-testid="demo-transport"][data-state="playing"]').waitFor({ timeout: 10_000 });

    const online = page.locator('[data-testid="demo-kpi-devicesOnline"] [data-testid="demo-kpi-value"]');
    const readOnline = async () => Number((await online.innerText()).replace(/[^\d]/g, ''));
    await expect.poll(readOnline, { timeout: 15_000 }).toBeGreaterThan(0);
    const first = await readOnline();
    await expect.poll(readOnline, { timeout: 15_000 }).toBeGreaterThan(first);
    const firstTime = await page.getByTestId('demo-virtual-time').innerText();
    await expect.poll(() => page.getByTestId('demo-virtual-time').innerText(), { timeout: 10_000 }).not.toBe(firstTime);
    await page.screenshot({ path: 'test-results/demo-console.png' });

    // Live stays live: the live world saw none of the replay.
    expect(cockpit.gp.aggregator.stats('*')!.devices.total).toBe(0);
    expect(cockpit.gp.demo.world.aggregator.stats('*')!.devices.total).toBeGreaterThan(0);

    const wall = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    const wallExternal = await blockExternalRequests(wall);
    const wallErrors: string[] = [];
    wall.on('pageerror', (err) => wallErrors.push(err.message));
    wall.on('console', (msg) => msg.type() === 'error' && wallErrors.push(msg.text()));
    await wall.goto(`${cockpit.url}/wall?demo=1`);
    await expect
      .poll(() => wall.getByTestId('demo-mark').isVisible(), { timeout: 30_000 })
      .toBe(true)
      .catch(async (err: unknown) => {
        await wall.screenshot({ path: 'test-results/wall-demo-failed.png' });
        throw new Error(`${String(err)}; page errors: ${wallErrors.join(' | ')}`);
      });
    await wall.locator('[data-testid="connection-state"][data-state="live"]').waitFor({ timeout: 20_000 });
    // The map is the slow part in software rendering; the screenshot is taken with or without it.
    await wall
      .locator('[data-testid="map"][data-map-loaded="true"]')
      .waitFor({ timeout: 25_000 })
      .catch(() => undefined);
    await wall.waitForTimeout(1000);
    await wall.screenshot({ path: 'test-results/wall-demo.png' });

    // The map's case hexagons come from the demo's world, not the live one (which has no case at all).
    await wall.locator('[data-testid="map"][data-map-loaded="true"]').waitFor({ timeout: 45_000 });
    const hexAnswer = wall.waitForResponse((r) => r.url().includes('/api/cases/hexes'), { timeout: 30_000 });
    await wall.evaluate(() => window.__gridpulseMapView!.setSettings({ caseMode: 'hex', caseWindow: '7d' }));
    const answer = await hexAnswer;
    expect(answer.status()).toBe(200);
    expect(new URL(answer.url()).searchParams.get('world')).toBe('demo');
    const hexes = (await answer.json()) as { world: string; cells: { weight: number }[] };
    expect(hexes.world).toBe('demo');
    expect(cockpit.gp.aggregator.cases.size).toBe(0);
    expect(cockpit.gp.demo.world.aggregator.cases.size).toBeGreaterThan(0);
    expect(hexes.cells.length).toBeGreaterThan(0);
    await expect
      .poll(
        () => wall.evaluate(() => window.__gridpulseMap!.queryRenderedFeatures({ layers: ['gp-case-hex'] }).length),
        { timeout: 20_000 },
      )
      .toBeGreaterThan(0);
    await wall.screenshot({ path: 'test-results/wall-demo-hex.png' });

    // The plain wall of a live server carries no mark.
    const plain = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await plain.goto(`${cockpit.url}/wall`);
    await plain.locator('[data-testid="connection-state"]').waitFor({ timeout: 15_000 });
    await plain.waitForTimeout(500);
    expect(await plain.getByTestId('demo-mark').count()).toBe(0);

    expect(external).toEqual([]);
    expect(wallExternal).toEqual([]);
    await Promise.all([page.close(), wall.close(), plain.close()]);
  }, 90_000);
});
