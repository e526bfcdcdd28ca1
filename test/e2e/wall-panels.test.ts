import { mkdirSync, writeFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { PanelTimings } from '../../client/src/components/base/panel-timing';
import { blockExternalRequests, browserUnavailable, launchBrowser } from '../helpers/browser';
import { startCockpit } from '../helpers/start-cockpit';
import { ingest, ndjson } from '../helpers/start-app';
import { layoutProblems } from './screens-rig';

const skip = browserUnavailable();

const PANELS = [
  'panel-headline',
  'panel-device-health',
  'panel-live-metrics',
  'panel-case-trend',
  'panel-case-sla',
  'panel-case-category',
  'panel-opinion',
  'panel-grid-ranking',
];

/** Every panel lies inside the canvas, its content inside the panel, and no two panels overlap. */
const panelLayoutProblems = (page: Page) =>
  layoutProblems(
    page,
    PANELS.map((id) => `[data-testid="${id}"]`),
    { frame: '.wall__stage', parts: '.base-panel__head, .base-panel__body' },
  );

describe.skipIf(skip)('the wall panels in Chromium', () => {
  let cockpit: Awaited<ReturnType<typeof startCockpit>> | undefined;
  let browser: Browser;
  let page: Page;
  let external: string[];

  beforeAll(async () => {
    cockpit = await startCockpit();
    browser = await launchBrowser();
    mkdirSync('test-results', { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await cockpit?.close();
  });

  it('shows ingested devices, cases and opinion live in every panel', async () => {
    const app = cockpit!;
    page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    external = await blockExternalRequests(page);
    await page.addInitScript(() => {
      (window as unknown as { __gridpulsePerf: PanelTimings }).__gridpulsePerf = {};
    });
    await page.goto(`${app.url}/wall`);
    await page.getByTestId('kpi-open-cases').waitFor({ timeout: 30_000 });
    const text = (id: string) => page.getByTestId(id).innerText();
    await expect.poll(() => text('kpi-open-cases'), { timeout: 10_000 }).toBe('0');

    const grids = app.district.areas.filter((a) => a.level === 'grid');
    const at = (i: number) => ({ lon: grids[i]!.center[0], lat: grids[i]!.center[1] });
    const now = Date.now() - 1_000;
    const devices = [
      ...['access', 'parking', 'parking', 'parking', 'water', 'bin', 'smoke', 'camera', 'camera'].map((type, i) => ({
        kind: 'device.heartbeat', id: `p-hb-${i}`, source: 'e2e', time: now, deviceId: `p-dev-${i}`, deviceType: type, ...at(i),
      })),
      { kind: 'device.telemetry', id: 'p-t-1', source: 'e2e', time: now, deviceId: 'p-dev-1', deviceType: 'parking', metrics: { occupied: 1 }, ...at(1) },
      { kind: 'device.telemetry', id: 'p-t-5', source: 'e2e', time: now, deviceId: 'p-dev-5', deviceType: 'bin', metrics: { fill: 0.95 }, ...at(5) },
      { kind: 'device.telemetry', id: 'p-t-8', source: 'e2e', time: now, deviceId: 'p-dev-8', deviceType: 'camera', metrics: {}, fault: true, ...at(8) },
    ];
    const kase = (id: string, status: string, category: string, channel: string, i: number, dt = 0) => ({
      kind: 'case.updated', id: `p-c-${id}-${status}`, source: 'e2e', time: now + dt, caseId: `p-case-${id}`, status,
      category, channel, urgency: 'help', title: '路灯不亮', ...at(i),
    });
    const cases = [
      kase('1', 'reported', 'BJ0112', 'hotline', 2),
      kase('2', 'reported', 'BJ0112', 'patrol', 3),
      kase('3', 'reported', 'BJ0101', 'resident', 3),
      kase('4', 'reported', 'SJ0102', 'hotline', 4),
      kase('5', 'reported', 'SJ0102', 'hotline', 5),
      kase('5', 'resolved', 'SJ0102', 'hotline', 5, 500),
    ];
    const posts = [0, 1, 2].map((i) => ({
      kind: 'opinion.post', id: `p-o-${i}`, source: 'e2e', time: now, channel: 'group', sentiment: -0.8,
      text: '小区电梯又坏了，电梯故障三天没人修，太差了！', ...at(i + 2),
    }));
    const res = await ingest(app.url, ndjson([...devices, ...cases, ...posts]));
    expect(res.body).toMatchObject({ accepted: devices.length + cases.length + posts.length });

    await expect.poll(() => text('kpi-open-cases'), { timeout: 10_000 }).toBe('4');
    await expect.poll(() => text('kpi-negative-posts'), { timeout: 10_000 }).toBe('3');
    expect(await text('case-closed-24h')).toBe('1');
    expect(await text('kpi-devices-total')).toBe('9');
    expect(await text('kpi-devices-fault')).toBe('1');
    expect(await page.getByTestId('device-type-parking').getAttribute('data-total')).toBe('3');
    expect(await page.getByTestId('device-type-camera').getAttribute('data-total')).toBe('2');
    const category = page.locator('[data-testid="panel-case-category"] [data-category="BJ01"]');
    await expect.poll(() => category.innerText(), { timeout: 10_000 }).toMatch(/公用设施\s+3/);
    expect(await page.locator('[data-testid="case-source-hotline"]').innerText()).toMatch(/12345\s*3/);
    await expect.poll(() => text('opinion-hot-words'), { timeout: 10_000 }).toContain('电梯');
    expect(await page.getByTestId('opinion-index').getAttribute('data-level')).toBe('negative');
    expect(await text('live-bins')).toMatch(/^\D*1\b/);
    // The ranking follows the area KPIs, which the server sends once a second (GRIDPULSE_AREAS_MS), not per tick.
    const rankedRows = page.locator('[data-testid="panel-grid-ranking"] li[data-code]');
    await expect.poll(() => rankedRows.count(), { timeout: 10_000 }).toBeGreaterThan(0);
    // Both charts drew (ECharts 'finished').
    await page.locator('[data-chart="case-trend"][data-rendered="true"]').waitFor({ timeout: 10_000 });
    await page.locator('[data-chart="opinion-trend"][data-rendered="true"]').waitFor({ timeout: 10_000 });

    // A few more frames once the map has settled, then the update costs the panels measured on the main thread.
    await page.locator('[data-testid="map"][data-map-loaded="true"]').waitFor({ timeout: 60_000 });
    await page.evaluate(() => {
      (window as unknown as { __gridpulsePerf: PanelTimings }).__gridpulsePerf = {};
    });
    for (let k = 0; k < 6; k++) {
      const more = [0, 1, 2, 3].map((i) => ({
        kind: 'device.heartbeat', id: `p-more-${k}-${i}`, source: 'e2e', time: Date.now() - 500, deviceId: `p-dev-${i}`,
        deviceType: devices[i]!.deviceType, ...at(i),
      }));
      const r = await ingest(app.url, ndjson([...more, kase(`m${k}`, 'reported', 'SJ0401', 'patrol', k)]));
      expect(r.body).toMatchObject({ accepted: 5 });
      await page.waitForTimeout(300);
    }
    await expect.poll(() => text('kpi-open-cases'), { timeout: 10_000 }).toBe('10');
    for (const id of PANELS) expect(await page.getByTestId(id).getAttribute('data-stale')).toBe('false');
    const timings = await page.evaluate(() => (window as unknown as { __gridpulsePerf: PanelTimings }).__gridpulsePerf);
    writeFileSync('test-results/wall-panel-timings.json', JSON.stringify(timings, null, 2));
    expect(Object.keys(timings)).toContain('chart:case-trend');
  }, 60_000);

  it('fits every panel on the canvas at 1920×1080, 3840×2160 and 1024×768', async () => {
    // Two more grids under pressure: the ranking's eight rows, the most it shows, must all fit (the last one
    // used to be cut off).
    const grids = cockpit!.district.areas.filter((a) => a.level === 'grid');
    const more = [6, 7].map((i) => ({
      kind: 'case.updated', id: `p-c-rank-${i}`, source: 'e2e', time: Date.now() - 500, caseId: `p-case-rank-${i}`,
      status: 'reported', category: 'SJ0401', channel: 'patrol', urgency: 'help', title: '占道经营',
      lon: grids[i]!.center[0], lat: grids[i]!.center[1],
    }));
    expect((await ingest(cockpit!.url, ndjson(more))).body).toMatchObject({ accepted: 2 });
    const ranked = page.locator('[data-testid="grid-ranking"] li[data-code]');
    await expect.poll(() => ranked.count(), { timeout: 10_000 }).toBe(8);
    // The wall says "stale" when frames stop: a heartbeat before each screenshot keeps them flowing.
    let beat = 0;
    const pulse = () =>
      ingest(
        cockpit!.url,
        ndjson([{ kind: 'device.heartbeat', id: `p-pulse-${beat++}`, source: 'e2e', time: Date.now(), deviceId: 'p-dev-0', deviceType: 'access' }]),
      );
    const beating = setInterval(() => void pulse(), 1_000);
    onTestFinished(() => clearInterval(beating));
    for (const [w, h] of [
      [1920, 1080],
      [3840, 2160],
      [1024, 768],
    ] as const) {
      await page.setViewportSize({ width: w, height: h });
      await page.waitForTimeout(600);
      await page.screenshot({ path: `test-results/wall-panels-${w}x${h}.png` });
      expect(await panelLayoutProblems(page), `${w}×${h}`).toEqual([]);
    }
    // The charts re-render for the 4K canvas: sharp text, not an upscaled bitmap.
    await page.setViewportSize({ width: 3840, height: 2160 });
    await expect.poll(() => page.locator('[data-chart="case-trend"]').getAttribute('data-pixel-ratio'), { timeout: 5_000 }).toBe('2');
    await page.setViewportSize({ width: 1920, height: 1080 });
    expect(external).toEqual([]);
  }, 45_000);

  it('dims every panel and says so when the feed stops', async () => {
    await cockpit!.close();
    cockpit = undefined;
    for (const id of PANELS) {
      await page.locator(`[data-testid="${id}"][data-stale="true"]`).waitFor({ timeout: 10_000 });
    }
    expect(await page.locator('[data-testid="panel-stale"]').first().innerText()).toBe('数据延迟');
    await page.waitForTimeout(600); // the dimming fades in over 0.3 s
    await page.screenshot({ path: 'test-results/wall-panels-stale-1920x1080.png' });
  }, 30_000);
});
