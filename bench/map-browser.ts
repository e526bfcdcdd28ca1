/**
 * The map under load in Chromium (software WebGL, the flags of test/helpers/browser.ts): 100,000 devices,
 * then a delta of 5,000 changed devices per second for `--seconds` (default 22). The page's devices store is
 * driven directly through the hook MapLiveMap exposes with `?bench=1`; the real server serves the page (feeds off).
 *
 * Reports main-thread time per update — the map's update path (device buffer + clusters + deck layers), marked
 * `gp-map-update` inside the page, and the store upsert that feeds it — as median/p95, and the long tasks
 * (> 50 ms, PerformanceObserver 'longtask') seen while streaming, which include deck's own rendering.
 *   npm run bench -- map-browser [--seconds 22] [--devices 100000] [--changes 5000]
 */
import { launchBrowser } from '../test/helpers/browser';
import { startCockpit } from '../test/helpers/start-cockpit';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const seconds = arg('seconds', 22);
const total = arg('devices', 100_000);
const perSecond = arg('changes', 5_000);

const cockpit = await startCockpit();
const browser = await launchBrowser();
try {
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  // tsx compiles named functions with esbuild's `__name` helper, which the page does not have.
  await page.addInitScript({ content: 'window.__name = (f) => f;' });
  await page.goto(`${cockpit.url}/wall?bench=1`);
  await page.locator('[data-testid="map"][data-map-loaded="true"]').waitFor({ timeout: 60_000 });
  await page.waitForFunction(() => Boolean(window.__gridpulseBench), undefined, { timeout: 30_000 });

  const result = await page.evaluate(
    async ({ bbox, total, perSecond, seconds }) => {
      const { devices } = window.__gridpulseBench!;
      const [w, s, e, n] = bbox;
      const states = ['online', 'offline', 'fault'] as const;
      let seed = 1;
      const rnd = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
      const all = Array.from({ length: total }, (_, i) => ({
        id: `bench-${i}`,
        type: 'smoke' as const,
        grid: '000000000000000',
        lon: w + rnd() * (e - w),
        lat: s + rnd() * (n - s),
        status: rnd() < 0.9 ? ('online' as const) : rnd() < 0.5 ? ('offline' as const) : ('fault' as const),
        lastSeen: Date.now(),
      }));
      const t0 = performance.now();
      devices.reset(all);
      const resetMs = performance.now() - t0;
      await new Promise((r) => setTimeout(r, 3_000));
      performance.clearMeasures('gp-map-update');

      const longTasks: number[] = [];
      const obs = new PerformanceObserver((list) => list.getEntries().forEach((t) => longTasks.push(t.duration)));
      obs.observe({ type: 'longtask', buffered: false });
      const upsertMs: number[] = [];
      for (let tick = 0; tick < seconds; tick++) {
        const batch = Array.from({ length: perSecond }, () => {
          const i = Math.floor(rnd() * total);
          const d = { ...all[i]!, status: states[Math.floor(rnd() * 3)]!, lastSeen: Date.now() };
          all[i] = d;
          return d;
        });
        const u0 = performance.now();
        devices.upsert(batch);
        upsertMs.push(performance.now() - u0);
        await new Promise((r) => setTimeout(r, 1_000));
      }
      obs.disconnect();
      const updates = performance.getEntriesByName('gp-map-update').map((m) => m.duration);
      return { resetMs, upsertMs, updates, longTasks };
    },
    { bbox: cockpit.district.bbox, total, perSecond, seconds },
  );

  const q = (xs: number[], p: number) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))]! : NaN;
  };
  const r2 = (x: number) => Math.round(x * 100) / 100;
  const line = (metric: string, value: number, unit: string, extra: object = {}) =>
    console.log(JSON.stringify({ metric, value: r2(value), unit, ...extra }));
  const ctx = { devices: total, changesPerSecond: perSecond, seconds, renderer: 'chromium software WebGL' };
  line('map.update_ms_median', q(result.updates, 0.5), 'ms', { ...ctx, updates: result.updates.length });
  line('map.update_ms_p95', q(result.updates, 0.95), 'ms', ctx);
  line('map.store_upsert_ms_median', q(result.upsertMs, 0.5), 'ms', ctx);
  line('map.long_tasks', result.longTasks.length, 'count', {
    ...ctx,
    longest_ms: r2(Math.max(0, ...result.longTasks)),
  });
  line('map.store_reset_ms', result.resetMs, 'ms', ctx);
} finally {
  await browser.close();
  await cockpit.close();
}
