import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABEL_FONTS } from '../../geo/basemap-style';
import type { AlertView, Severity } from '../../protocol';
import { blockExternalRequests, browserUnavailable, launchBrowser } from '../helpers/browser';
import { ingest, ndjson } from '../helpers/start-app';
import { startCockpit } from '../helpers/start-cockpit';

/**
 * The basemap as people see it, fully offline: labels (Chinese, Latin, digits) drawn with local fonts and not
 * as boxes, the light theme, and alerts on the map (outline colour per area, pulsing markers, legend). Every
 * request that is not to localhost is blocked and must not have been attempted. Screenshots go to
 * test-results/map-*.png.
 */
const skip = browserUnavailable();
const LABEL_LAYERS = ['label-street', 'label-community', 'label-grid', 'label-road', 'label-poi', 'label-water'];
const CJK = /[\u4e00-\u9fff]/;

const settle = (page: Page) =>
  page.waitForFunction(() => !window.__gridpulseMap!.isMoving() && window.__gridpulseMap!.loaded(), undefined, {
    timeout: 30_000,
  });

async function openMap(page: Page, query: string) {
  await page.goto(`/wall?rotate=off&${query}`);
  await page.locator('[data-testid="map"][data-map-loaded="true"]').waitFor({ timeout: 45_000 });
  await settle(page);
}

/** Label text MapLibre placed on screen (symbols that passed collision), per label layer. */
function renderedLabels(page: Page, lang: 'zh' | 'en' = 'zh'): Promise<Record<string, string[]>> {
  return page.evaluate(
    ({ layers, lang }) => {
      const m = window.__gridpulseMap!;
      const out: Record<string, string[]> = {};
      for (const f of m.queryRenderedFeatures({ layers: layers.filter((l) => m.getLayer(l)) })) {
        const p = f.properties as { name?: string; nameEn?: string };
        (out[f.layer.id] ??= []).push((lang === 'en' ? (p.nameEn ?? p.name) : p.name) ?? '');
      }
      return out;
    },
    { layers: LABEL_LAYERS, lang },
  );
}

/**
 * Characters of `texts` that the label fonts draw as the missing-glyph box ("tofu"): each is drawn on a canvas
 * with the label font stack and compared with a code point no font has.
 */
function tofuChars(page: Page, texts: string[], fonts: readonly string[]): Promise<string[]> {
  return page.evaluate(
    ({ texts, fonts }) => {
      const family = fonts.map((f) => (f.includes(' ') ? `"${f}"` : f)).join(',');
      const canvas = document.createElement('canvas');
      canvas.width = 40;
      canvas.height = 40;
      const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
      const draw = (ch: string) => {
        ctx.clearRect(0, 0, 40, 40);
        ctx.font = `28px ${family}`;
        ctx.fillStyle = '#000';
        ctx.fillText(ch, 4, 32);
        return ctx.getImageData(0, 0, 40, 40).data.join(',');
      };
      const tofu = draw('\u{10FFFD}');
      const chars = [...new Set(texts.join('').replace(/\s/g, ''))];
      return chars.filter((ch) => draw(ch) === tofu);
    },
    { texts, fonts: [...fonts] },
  );
}

function alertView(id: string, severity: Severity, subject: AlertView['subject'], active = true): AlertView {
  const now = Date.now();
  return {
    id,
    ruleId: id.split(':')[0]!,
    ruleName: `规则 ${id}`,
    ruleNameEn: `Rule ${id}`,
    kind: 'threshold',
    subject,
    severity,
    active,
    acknowledged: false,
    clearedAt: active ? null : now,
    firstSeen: now - 120_000,
    lastSeen: now,
    count: 1,
    value: 1,
    threshold: 1,
    message: '持续超阈值',
    messageEn: 'Held above threshold',
    links: { devices: [], cases: [] },
    escalations: 0,
    silenced: false,
    flapping: false,
  };
}

/** The page's pixels (a screenshot decoded in the page), sampled at page points; RGB triples. */
async function pixelsAt(page: Page, points: { x: number; y: number }[]): Promise<number[][]> {
  const png = (await page.screenshot()).toString('base64');
  return page.evaluate(
    async ({ png, points }) => {
      const img = new Image();
      img.src = `data:image/png;base64,${png}`;
      await img.decode();
      const c = document.createElement('canvas');
      c.width = img.width;
      c.height = img.height;
      const ctx = c.getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      return points.map((p) => [...ctx.getImageData(Math.round(p.x), Math.round(p.y), 1, 1).data.slice(0, 3)]);
    },
    { png, points },
  );
}

const hex = (h: string) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));
const near = (rgb: number[], target: number[], tol = 70) =>
  Math.hypot(rgb[0]! - target[0]!, rgb[1]! - target[1]!, rgb[2]! - target[2]!) < tol;

describe.skipIf(skip)('the basemap offline: labels, themes, alerts', () => {
  let cockpit: Awaited<ReturnType<typeof startCockpit>>;
  let browser: Browser;

  beforeAll(async () => {
    cockpit = await startCockpit();
    browser = await launchBrowser();
    mkdirSync('test-results', { recursive: true });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await cockpit?.close();
  });

  async function newPage(width: number, height: number) {
    const context = await browser.newContext({ viewport: { width, height }, baseURL: cockpit.url });
    const page = await context.newPage();
    const external = await blockExternalRequests(page);
    const badAssets: string[] = [];
    page.on('response', (r) => {
      const url = new URL(r.url());
      // A missing asset answered by the SPA fallback would hide a broken worker or style (TOOLCHAIN).
      if (url.pathname.startsWith('/assets/') && (!r.ok() || r.headers()['content-type']?.includes('text/html')))
        badAssets.push(r.url());
      if (url.pathname.startsWith('/api/geo/') && !r.ok()) badAssets.push(r.url());
    });
    return { page, external, badAssets };
  }

  for (const [width, height] of [
    [1920, 1080],
    [1024, 768],
  ] as const) {
    it(`renders Chinese labels, and grid, road and POI labels with digits, offline at ${width}×${height}`, async () => {
      const { page, external, badAssets } = await newPage(width, height);
      await openMap(page, '');
      const shot = (name: string) =>
        page.screenshot({ path: `test-results/map-labels-${width}x${height}-${name}.png` });

      // Every character a label can show was drawn while the map loaded (map-warmup.ts), and the hidden label
      // that drew them is gone.
      const undrawn = await page.evaluate(() => {
        const m = window.__gridpulseMap!;
        const chars = (m.getStyle().metadata as Record<string, string>)['gridpulse:label-chars'] ?? '';
        const manager = (
          m as unknown as { style: { glyphManager: { entries: Record<string, { glyphs: { default: object } }> } } }
        ).style.glyphManager;
        const drawn = new Set(Object.values(manager.entries).flatMap((e) => Object.keys(e.glyphs.default)));
        return { chars: chars.length, undrawn: [...chars].filter((c) => !drawn.has(c)), layer: !!m.getLayer('gp-glyph-warmup') };
      });
      expect(undrawn.chars).toBeGreaterThan(100);
      expect(undrawn).toMatchObject({ undrawn: [], layer: false });

      // The street's view: one label per community, in Chinese.
      await expect.poll(async () => (await renderedLabels(page))['label-community']?.length ?? 0).toBeGreaterThan(3);
      const street = await renderedLabels(page);
      expect(street['label-community']!.every((s) => CJK.test(s))).toBe(true);
      await shot('street');

      // Closer in: grid labels ("第12网格": Chinese and digits), road names and points of interest.
      await page.evaluate(() => window.__gridpulseMap!.jumpTo({ zoom: 16.6 }));
      await settle(page);
      await expect
        .poll(async () => Object.keys(await renderedLabels(page)).sort(), { timeout: 20_000 })
        .toEqual(expect.arrayContaining(['label-grid', 'label-poi', 'label-road']));
      const close = await renderedLabels(page);
      expect(close['label-grid']!.some((s) => CJK.test(s) && /\d/.test(s))).toBe(true);
      const texts = Object.values({ ...street, ...close }).flat();
      expect(await tofuChars(page, texts, LABEL_FONTS)).toEqual([]);
      await shot('z16');

      if (width === 1920) {
        // Tilted, the buildings stand up (flat, only their footprints are drawn).
        expect(await page.evaluate(() => window.__gridpulseMap!.getLayoutProperty('building-3d', 'visibility'))).toBe(
          'none',
        );
        await page.evaluate(() => window.__gridpulseMap!.jumpTo({ pitch: 55 }));
        await settle(page);
        await expect
          .poll(() =>
            page.evaluate(() => window.__gridpulseMap!.queryRenderedFeatures({ layers: ['building-3d'] }).length),
          )
          .toBeGreaterThan(0);
        await shot('tilted');
      }

      expect(external).toEqual([]);
      expect(badAssets).toEqual([]);
      await page.context().close();
    }, 90_000);
  }

  it('renders Latin labels with digits in English (?lang=en), offline', async () => {
    const { page, external } = await newPage(1920, 1080);
    await openMap(page, 'lang=en');
    await page.evaluate(() => window.__gridpulseMap!.jumpTo({ zoom: 16.6 }));
    await settle(page);
    await expect
      .poll(async () => (await renderedLabels(page, 'en'))['label-grid']?.length ?? 0, { timeout: 20_000 })
      .toBeGreaterThan(0);
    const labels = await renderedLabels(page, 'en');
    expect(labels['label-grid']!.some((s) => /^Grid \d+$/.test(s))).toBe(true);
    const texts = Object.values(labels).flat();
    expect(texts.some((s) => /[A-Za-z]/.test(s) && !CJK.test(s))).toBe(true);
    expect(await tofuChars(page, texts, LABEL_FONTS)).toEqual([]);
    await page.screenshot({ path: 'test-results/map-labels-1920x1080-en-z16.png' });
    expect(external).toEqual([]);
    await page.context().close();
  }, 90_000);

  it('draws the light theme (tablet): light basemap and panels, labels in dark ink', async () => {
    const { page, external } = await newPage(1024, 768);
    await openMap(page, 'theme=light');
    expect(await page.getByTestId('map').getAttribute('data-theme')).toBe('light');
    const style = await page.evaluate(() => {
      const m = window.__gridpulseMap!;
      return {
        background: m.getPaintProperty('background', 'background-color'),
        labelColor: m.getPaintProperty('label-community', 'text-color'),
        zero: JSON.stringify(m.getPaintProperty('gp-area-choropleth', 'fill-color')),
        legendBg: getComputedStyle(document.querySelector('[data-testid="map-legend"]')!).backgroundColor,
      };
    });
    expect(style.background).toBe('#f3f0e8');
    expect(style.labelColor).toBe('#2d3748');
    expect(style.zero).toContain('#ffffff');
    expect(style.legendBg).toMatch(/^rgba\(255, 255, 255/);
    await expect.poll(async () => (await renderedLabels(page))['label-community']?.length ?? 0).toBeGreaterThan(3);
    await page.screenshot({ path: 'test-results/map-light-1024x768.png' });
    await page.getByTestId('map').screenshot({ path: 'test-results/map-light-1024x768-map.png' });
    expect(external).toEqual([]);
    await page.context().close();
  }, 90_000);

  it('outlines alerted areas in the worst active severity, pulses markers at their subjects, legend to match', async () => {
    const { page, external } = await newPage(1920, 1080);
    const areas = cockpit.district.areas;
    const communities = areas.filter((a) => a.level === 'community');
    const [ca, cb, cc, cd] = communities;
    const gridOf = (c: string, k = 0) => areas.filter((a) => a.parent === c && a.level === 'grid')[k]!;
    const ga = gridOf(ca!.code);
    const gb = gridOf(cb!.code, 1);
    const gc = gridOf(cc!.code);
    // A device the map knows, placed off its grid's label point.
    const devAt: [number, number] = [gb.center[0] + 0.0006, gb.center[1] - 0.0004];
    await ingest(
      cockpit.url,
      ndjson([
        {
          kind: 'device.heartbeat',
          id: 'alert-dev-hb',
          source: 'e2e',
          time: Date.now(),
          deviceId: 'alert-dev',
          deviceType: 'smoke',
          lon: devAt[0],
          lat: devAt[1],
        },
      ]),
    );
    await openMap(page, 'interactive=1');
    const alerts = [
      alertView('r1:a', 'critical', { type: 'area', id: ga.code, grid: ga.code }),
      alertView('r2:a', 'minor', { type: 'area', id: ga.code, grid: ga.code }),
      alertView('r3:d', 'major', { type: 'device', id: 'alert-dev', grid: gb.code }),
      alertView('r4:c', 'minor', { type: 'case', id: 'no-such-case', grid: gc.code }),
      // Cleared: neither outlined nor marked, and not in the legend.
      alertView('r5:x', 'warning', { type: 'area', id: cd!.code, grid: cd!.code }, false),
    ];
    // Settings and drill level before the alerts arrive; alerts must leave both alone.
    await page.getByTestId('map-kpi').selectOption('pressure');
    await page.evaluate((a) => window.__gridpulseMapView!.showAlerts(a), alerts);

    // Markers: one per place (two alerts share ga's label point), at their subjects, worst severity, pulsing.
    // `off`: how far (page px) each marker's core is from where its subject is on screen.
    const markerState = () =>
      page.evaluate(
        (want) => {
          const m = window.__gridpulseMap!;
          const c = m.getCanvas().getBoundingClientRect();
          const scale = c.width / m.getCanvas().clientWidth;
          return [...document.querySelectorAll<HTMLElement>('[data-testid="map-alert-marker"]')].map((el) => {
            const r = el.querySelector('.gp-alert-marker__core')!.getBoundingClientRect();
            const at = want[el.dataset.alert!];
            const p = at ? m.project(at) : { x: NaN, y: NaN };
            return {
              severity: el.dataset.severity,
              count: Number(el.dataset.count),
              alert: el.dataset.alert,
              off: Math.hypot(
                r.left + r.width / 2 - (c.left + p.x * scale),
                r.top + r.height / 2 - (c.top + p.y * scale),
              ),
              pulse: getComputedStyle(el.querySelector('.gp-alert-marker__ring')!).animationName,
            };
          });
        },
        { 'r1:a': ga.center, 'r3:d': devAt, 'r4:c': gc.center } as Record<string, [number, number]>,
      );
    await expect.poll(async () => (await markerState()).length, { timeout: 15_000 }).toBe(3);
    // The device is placed once its heartbeat has reached the devices store.
    await expect
      .poll(async () => (await markerState()).find((m) => m.alert === 'r3:d')?.off ?? 99, { timeout: 15_000 })
      .toBeLessThan(2);
    const markers = Object.fromEntries((await markerState()).map((m) => [m.alert ?? '', m]));
    expect(markers['r1:a']).toMatchObject({ severity: 'critical', count: 2, pulse: 'gp-alert-pulse' });
    expect(markers['r3:d']).toMatchObject({ severity: 'major', count: 1 });
    // An unknown case falls back to its grid's label point.
    expect(markers['r4:c']).toMatchObject({ severity: 'minor', count: 1 });
    for (const m of Object.values(markers)) expect(m.off).toBeLessThan(2);

    // Outlines, as layer state: at the street's view the communities carry their grids' worst severity.
    const rank = (code: string) =>
      page.evaluate((id) => window.__gridpulseMap!.getFeatureState({ source: 'areas', id }).alert ?? 0, code);
    expect([await rank(ca!.code), await rank(cb!.code), await rank(cc!.code), await rank(cd!.code)]).toEqual([
      4, 3, 2, 0,
    ]);
    expect(await rank(ga.code)).toBe(4);

    // ...and as pixels: just inside community A's boundary the critical colour is drawn; inside D's it is not.
    const ring = await page.evaluate(
      async (codes) => {
        const res = await fetch('/api/geo/data/areas.geojson');
        const fc = (await res.json()) as {
          features: { properties: { code: string }; geometry: { type: string; coordinates: unknown } }[];
        };
        const m = window.__gridpulseMap!;
        const c = m.getCanvas().getBoundingClientRect();
        const scale = c.width / m.getCanvas().clientWidth;
        const out: Record<string, { x: number; y: number }[]> = {};
        for (const code of codes) {
          const f = fc.features.find((x) => x.properties.code === code)!;
          const outer = (
            f.geometry.type === 'Polygon'
              ? (f.geometry.coordinates as number[][][])[0]
              : (f.geometry.coordinates as number[][][][])[0]![0]
          )!;
          const pts = outer.map((p) => m.project([p[0]!, p[1]!]));
          const cx = pts.reduce((s, p) => s + p.x, 0) / pts.length;
          const cy = pts.reduce((s, p) => s + p.y, 0) / pts.length;
          out[code] = [];
          for (let i = 0; i + 1 < pts.length; i++) {
            const a = pts[i]!;
            const b = pts[i + 1]!;
            if (Math.hypot(b.x - a.x, b.y - a.y) < 40) continue;
            // Edge midpoint, stepped 2.5 px towards the inside (the alert outline is inset).
            const mx = (a.x + b.x) / 2;
            const my = (a.y + b.y) / 2;
            const d = Math.hypot(cx - mx, cy - my);
            const x = mx + ((cx - mx) / d) * 2.5;
            const y = my + ((cy - my) / d) * 2.5;
            out[code].push({ x: c.left + x * scale, y: c.top + y * scale });
          }
        }
        return out;
      },
      [ca!.code, cd!.code],
    );
    const inView = (p: { x: number; y: number }) => p.x > 0 && p.y > 0 && p.x < 1920 && p.y < 1080;
    const critical = hex('#ff1f3d');
    const hitsA = (await pixelsAt(page, ring[ca!.code]!.filter(inView))).filter((rgb) => near(rgb, critical));
    const hitsD = (await pixelsAt(page, ring[cd!.code]!.filter(inView))).filter((rgb) => near(rgb, critical));
    expect(hitsA.length).toBeGreaterThanOrEqual(Math.ceil(ring[ca!.code]!.filter(inView).length / 2));
    expect(hitsD).toEqual([]);

    // Legend: exactly the severities drawn, worst first (the cleared warning is not drawn).
    await expect
      .poll(() =>
        page.$$eval('[data-testid="map-legend-alerts"] [data-severity]', (els) =>
          els.map((e) => (e as HTMLElement).dataset.severity),
        ),
      )
      .toEqual(['critical', 'major', 'minor']);
    await page.waitForTimeout(400);
    await page.screenshot({ path: 'test-results/map-alerts-1920x1080.png' });

    // Hovering a marker explains it.
    const core = page.locator('[data-alert="r1:a"] .gp-alert-marker__core');
    await core.hover();
    await expect
      .poll(() =>
        page
          .getByTestId('map-tooltip')
          .innerText()
          .catch(() => ''),
      )
      .toContain('规则 r1:a');

    // Alerts changing never reset the view or the settings.
    const view = await page.evaluate(() => window.__gridpulseMapView!.state());
    expect(view.settings.kpi).toBe('pressure');
    await page.evaluate(() => window.__gridpulseMapView!.showAlerts([]));
    await expect.poll(async () => (await markerState()).length).toBe(0);
    expect(await rank(ca!.code)).toBe(0);
    expect(await page.getByTestId('map-legend-alerts').count()).toBe(0);
    const after = await page.evaluate(() => window.__gridpulseMapView!.state());
    expect(after.path).toEqual(view.path);
    expect(after.zoom).toBeCloseTo(view.zoom, 6);
    expect(after.settings).toEqual(view.settings);

    expect(external).toEqual([]);
    await page.context().close();
  }, 120_000);
});
