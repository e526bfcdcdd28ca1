import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockExternalRequests, browserUnavailable, launchBrowser } from '../helpers/browser';
import { builtinDistrict } from '../../geo/district';
import { alarm, clippedText, grids, layoutProblems, signIn, startScreens, type Cockpit } from './screens-rig';

const skip = browserUnavailable();

const REGIONS = ['.tablet__bar', '.tablet__map', '[data-testid="area-sheet"]'];

interface MapWindow {
  __gridpulseMap?: { project(p: [number, number]): { x: number; y: number } };
}

/** Buttons, fields and links of the tablet smaller than a fingertip (44 × 44 CSS px). */
async function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>(
      '.tablet button, .tablet select, .tablet input, .tablet a',
    )) {
      // A checkbox's target is its whole label.
      const r = (el.closest('label') ?? el).getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      if (r.width < 43.5 || r.height < 43.5)
        out.push(`${el.dataset.testid ?? el.className ?? el.tagName} ${Math.round(r.width)}×${Math.round(r.height)}`);
    }
    return out;
  });
}

describe.skipIf(skip)("the leader's tablet in Chromium", () => {
  let cockpit: Cockpit;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let external: string[];
  let areaA: { code: string; name: string };
  let areaB: { code: string; name: string };

  beforeAll(async () => {
    const [a, b] = builtinDistrict().areas.filter((x) => x.level === 'community');
    if (!a || !b) throw new Error('the built-in district has fewer than two communities');
    [areaA, areaB] = [a, b];
    cockpit = await startScreens([
      { name: 'wangwu', role: 'leader', area: areaA.code },
      { name: 'zhao', role: 'duty', area: areaA.code },
    ]);
    browser = await launchBrowser();
    mkdirSync('test-results', { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await cockpit?.close();
  });

  it('shows the leader their own community only, with its alerts and figures', async () => {
    context = await browser.newContext({ viewport: { width: 1024, height: 768 }, hasTouch: true });
    page = await context.newPage();
    external = await blockExternalRequests(page);
    await page.goto(`${cockpit.url}/tablet`);
    await signIn(page, 'wangwu');
    await page.locator('[data-testid="map"][data-map-loaded="true"]').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('sheet-title').innerText()).toBe(areaA.name);

    await alarm(cockpit.url, grids(cockpit, areaA.code)[2]!, 'smoke');
    await alarm(cockpit.url, grids(cockpit, areaB.code)[2]!, 'sos');
    const listed = page.locator('[data-testid="sheet-alerts"] li[data-alert-id]');
    await expect.poll(() => listed.count(), { timeout: 10_000 }).toBe(1);
    // The other community's alert never reached this tablet (the server filters by jurisdiction).
    await page.waitForTimeout(1_000);
    expect(await listed.count()).toBe(1);
    expect(await listed.first().getAttribute('data-alert-id')).toContain(areaA.code);
    // A leader reads; acknowledging is for duty officers.
    expect(await page.getByTestId('sheet-ack').count()).toBe(0);
    await expect.poll(() => page.getByTestId('sheet-kpi-events').innerText()).toMatch(/\d/);
  }, 120_000);

  it('drills down with a tap on the map and back with the sheet', async () => {
    const grid = grids(cockpit, areaA.code)[4]!;
    const at = await page.evaluate((c) => (window as MapWindow).__gridpulseMap!.project(c), grid.center);
    const box = (await page.locator('.tablet__map').boundingBox())!;
    await page.touchscreen.tap(box.x + at.x, box.y + at.y);
    await expect.poll(() => page.getByTestId('sheet-title').innerText(), { timeout: 10_000 }).toBe(grid.name);
    await page.getByTestId('sheet-back').tap();
    await expect.poll(() => page.getByTestId('sheet-title').innerText(), { timeout: 10_000 }).toBe(areaA.name);
    expect(await page.getByTestId('sheet-back').count()).toBe(0);
  }, 60_000);

  it('has fingertip-sized targets and fits 1024×768, 1920×1080, 4K and portrait, with large text', async () => {
    expect(await smallTargets(page)).toEqual([]);
    const shots: [string, number, number, number][] = [
      ['tablet-1024x768', 1024, 768, 1],
      ['tablet-1920x1080', 1920, 1080, 1],
      ['tablet-3840x2160', 1920, 1080, 2],
      ['tablet-portrait-768x1024', 768, 1024, 1],
    ];
    for (const [name, w, h, scale] of shots) {
      const ctx = await browser.newContext({
        viewport: { width: w, height: h },
        deviceScaleFactor: scale,
        hasTouch: true,
      });
      const p = await ctx.newPage();
      await blockExternalRequests(p);
      await p.goto(`${cockpit.url}/tablet`);
      await signIn(p, 'wangwu');
      await p.locator('[data-testid="map"][data-map-loaded="true"]').waitFor({ timeout: 60_000 });
      await p.locator('[data-testid="sheet-alerts"] li[data-alert-id]').first().waitFor({ timeout: 30_000 });
      await p.waitForTimeout(1_500);
      await p.screenshot({ path: `test-results/${name}.png` });
      expect(await layoutProblems(p, REGIONS), name).toEqual([]);
      expect(await clippedText(p, '.tablet button, .sheet__kpi dt, .sheet__kpi dd'), name).toEqual([]);
      await ctx.close();
    }
    await page.getByTestId('toggle-large').tap();
    await page.waitForTimeout(800);
    await page.screenshot({ path: 'test-results/tablet-large-1024x768.png' });
    expect(await layoutProblems(page, REGIONS)).toEqual([]);
    expect(await smallTargets(page)).toEqual([]);
    await page.getByTestId('toggle-large').tap();
    expect(external).toEqual([]);
  }, 180_000);

  it('lets a duty officer acknowledge from the tablet', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1024, height: 768 }, hasTouch: true });
    const duty = await ctx.newPage();
    await duty.goto(`${cockpit.url}/tablet`);
    await signIn(duty, 'zhao');
    const ack = duty.getByTestId('sheet-ack');
    await ack.first().waitFor({ timeout: 30_000 });
    await ack.first().tap();
    await duty.getByTestId('dialog-note').fill('已到场');
    await duty.getByTestId('dialog-submit').tap();
    await expect.poll(() => ack.count(), { timeout: 10_000 }).toBe(0);
    expect(await duty.locator('[data-testid="sheet-alerts"] li[data-alert-id]').first().innerText()).toContain(
      '已确认',
    );
    // The leader's tablet hears of it too.
    await expect
      .poll(() => page.locator('[data-testid="sheet-alerts"] li[data-alert-id]').first().innerText(), {
        timeout: 10_000,
      })
      .toContain('已确认');
    await ctx.close();
  }, 90_000);
});
