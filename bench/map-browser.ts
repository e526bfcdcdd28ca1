/**
 * The map under load in Chromium (software WebGL, the flags of test/helpers/browser.ts): 100,000 devices,
 * then a delta of 5,000 changed devices per second for `--seconds` (default 22). The page's devices store is
 * driven directly through the hook MapLiveMap exposes with `?bench=1`; the real server serves the wall (feeds
 * off). Each delta changes the state of 5,000 random devices, as a live feed does; positions stay.
 *
 * What is timed, all on the page's main thread:
 * - `map.apply_ms_*` — applying one delta: the devices store's `upsert` of the 5,000 views (ids → rows) plus
 *   the map's update for it (`gp-map-update`, marked inside MapLiveMap: buffer rows, cluster counters, the deck
 *   layers handed over). This is the DESIGN §8 "delta applied in ≤ 8 ms" figure. Not included: decoding the
 *   frame (reported apart as `map.delta_parse_ms`: JSON.parse of the 5,000 views, in the same task as the
 *   upsert, as a socket message is) and deck.gl's own frame, which uploads the changed attributes and draws
 *   (in the next figure). The deltas' text is made before streaming, so the bench's own work is not counted.
 * - `map.main_thread_ms_per_delta` — everything the main thread did while streaming (CDP Performance
 *   `TaskDuration`: script, deck's attribute updates and WebGL calls, MapLibre, style, layout, GC) per delta,
 *   less what the same page does over the same time without deltas; `map.main_thread_cpu_ms_per_delta` the
 *   same in CPU time (`ThreadTime`), which a loaded machine inflates far less than wall-clock time.
 * - `map.long_tasks` — tasks over 50 ms (PerformanceObserver 'longtask') while streaming, whatever ran them.
 *   npm run bench -- map-browser [--seconds 22] [--devices 100000] [--changes 5000] [--zoom 16.5]
 * `--zoom` sets the camera first (≥ 16 draws single devices instead of clusters).
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
const zoom = arg('zoom', Number.NaN);

const cockpit = await startCockpit();
const browser = await launchBrowser();
try {
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  // tsx compiles named functions with esbuild's `__name` helper, which the page does not have.
  await page.addInitScript({ content: 'window.__name = (f) => f;' });
  // The wall's community rotation moves the camera every 20 s (a full basemap repaint and a re-clustering):
  // off, so what is measured is the delta stream alone.
  await page.goto(`${cockpit.url}/wall?bench=1&rotate=off`);
  await page.locator('[data-testid="map"][data-map-loaded="true"]').waitFor({ timeout: 60_000 });
  await page.waitForFunction(() => Boolean(window.__gridpulseBench), undefined, { timeout: 30_000 });
  if (Number.isFinite(zoom)) await page.evaluate((z) => window.__gridpulseMap!.jumpTo({ zoom: z }), zoom);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  /** Main-thread task time (wall clock) and CPU time (`ThreadTime`: what the thread used, not what it waited). */
  const mainThread = async () => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    const get = (name: string) => (metrics.find((m) => m.name === name)?.value ?? Number.NaN) * 1_000;
    return { task: get('TaskDuration'), cpu: get('ThreadTime') };
  };

  const snapshot = await page.evaluate(
    async ({ bbox, total }) => {
      const [w, s, e, n] = bbox;
      let seed = 1;
      const rnd = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
      const all = Array.from({ length: total }, (_, i) => ({
        id: `bench-${i}`,
        ix: i,
        type: 'smoke' as const,
        grid: '000000000000000',
        lon: w + rnd() * (e - w),
        lat: s + rnd() * (n - s),
        status: rnd() < 0.9 ? ('online' as const) : rnd() < 0.5 ? ('offline' as const) : ('fault' as const),
        lastSeen: Date.now(),
      }));
      const bench = window as unknown as { __benchAll: typeof all; __benchRnd: () => number };
      bench.__benchAll = all;
      bench.__benchRnd = rnd;
      performance.clearMeasures('gp-map-update');
      const longTasks: number[] = [];
      const obs = new PerformanceObserver((list) => list.getEntries().forEach((t) => longTasks.push(t.duration)));
      obs.observe({ type: 'longtask', buffered: false });
      const t0 = performance.now();
      window.__gridpulseBench!.devices.reset(all);
      const resetMs = performance.now() - t0;
      await new Promise((r) => setTimeout(r, 3_000));
      obs.disconnect();
      const frames = performance.getEntriesByName('gp-map-update').map((m) => m.duration);
      return { resetMs, frames, longTasks };
    },
    { bbox: cockpit.district.bbox, total },
  );

  // The same page, same time, no deltas: what the main thread does anyway (ticks, panels, deck's idle frames).
  const idle0 = await mainThread();
  await page.waitForTimeout((seconds + 1) * 1_000);
  const idle1 = await mainThread();

  // Deltas are made before streaming starts, as the wire text the socket would carry: while streaming, the page
  // does only what a live socket frame makes it do (parse, upsert, the map's update, deck's frames).
  await page.evaluate(
    ({ total, perSecond, seconds }) => {
      const bench = window as unknown as {
        __benchAll: { status: string; lastSeen: number }[];
        __benchRnd: () => number;
        __benchWire: string[];
      };
      const { __benchAll: all, __benchRnd: rnd } = bench;
      const states = ['online', 'offline', 'fault'] as const;
      bench.__benchWire = Array.from({ length: seconds }, (_, tick) =>
        JSON.stringify(
          Array.from({ length: perSecond }, () => {
            const i = Math.floor(rnd() * total);
            const d = { ...all[i]!, status: states[Math.floor(rnd() * 3)]!, lastSeen: Date.now() + tick };
            all[i] = d;
            return d;
          }),
        ),
      );
    },
    { total, perSecond, seconds },
  );
  await page.waitForTimeout(2_000);

  const busy0 = await mainThread();
  const result = await page.evaluate(async () => {
    const wire = (window as unknown as { __benchWire: string[] }).__benchWire;
    const { devices } = window.__gridpulseBench!;
    performance.clearMeasures('gp-map-update');
    const longTasks: number[] = [];
    const obs = new PerformanceObserver((list) => list.getEntries().forEach((t) => longTasks.push(t.duration)));
    obs.observe({ type: 'longtask', buffered: false });
    const upsertMs: number[] = [];
    const parseMs: number[] = [];
    for (const text of wire) {
      // One task per delta, as a socket message is: decode, then apply to the store.
      await new Promise<void>((done) =>
        setTimeout(() => {
          const p0 = performance.now();
          const batch = JSON.parse(text) as Parameters<typeof devices.upsert>[0];
          const u0 = performance.now();
          devices.upsert(batch);
          upsertMs.push(performance.now() - u0);
          parseMs.push(u0 - p0);
          done();
        }, 1_000),
      );
    }
    await new Promise((r) => setTimeout(r, 1_000));
    obs.disconnect();
    const updates = performance.getEntriesByName('gp-map-update').map((m) => m.duration);
    return { upsertMs, parseMs, updates, longTasks };
  });
  const busy1 = await mainThread();
  const idleMs = idle1.task - idle0.task;
  const busyMs = busy1.task - busy0.task;
  const idleCpu = idle1.cpu - idle0.cpu;
  const busyCpu = busy1.cpu - busy0.cpu;

  const q = (xs: number[], p: number) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))]! : Number.NaN;
  };
  const r2 = (x: number) => Math.round(x * 100) / 100;
  const line = (metric: string, value: number, unit: string, extra: object = {}) =>
    console.log(JSON.stringify({ metric, value: r2(value), unit, ...extra }));
  const mode = await page.evaluate(() => window.__gridpulseMapView!.state());
  const ctx = {
    devices: total,
    changesPerSecond: perSecond,
    seconds,
    zoom: r2(mode.zoom),
    deviceMode: mode.deviceMode,
    renderer: 'chromium software WebGL',
  };
  // One map update per delta (deltas are a second apart, updates coalesce per frame): pair them in order.
  const apply = result.upsertMs.map((u, i) => u + (result.updates[i] ?? Number.NaN));
  line('map.apply_ms_median', q(apply, 0.5), 'ms', { ...ctx, deltas: apply.length, updates: result.updates.length });
  line('map.apply_ms_p95', q(apply, 0.95), 'ms', ctx);
  line('map.store_upsert_ms_median', q(result.upsertMs, 0.5), 'ms', ctx);
  line('map.update_ms_median', q(result.updates, 0.5), 'ms', ctx);
  line('map.delta_parse_ms', q(result.parseMs, 0.5), 'ms', ctx);
  line('map.main_thread_ms_per_delta', (busyMs - idleMs) / seconds, 'ms', {
    ...ctx,
    streaming_ms_per_s: r2(busyMs / (seconds + 1)),
    idle_ms_per_s: r2(idleMs / (seconds + 1)),
  });
  line('map.main_thread_cpu_ms_per_delta', (busyCpu - idleCpu) / seconds, 'ms', {
    ...ctx,
    streaming_cpu_ms_per_s: r2(busyCpu / (seconds + 1)),
    idle_cpu_ms_per_s: r2(idleCpu / (seconds + 1)),
  });
  line('map.long_tasks', result.longTasks.length, 'count', {
    ...ctx,
    longest_ms: r2(Math.max(0, ...result.longTasks)),
  });
  line('map.store_reset_ms', snapshot.resetMs, 'ms', ctx);
  line('map.snapshot_frames', snapshot.frames.length, 'count', {
    ...ctx,
    longest_frame_ms: r2(Math.max(0, ...snapshot.frames)),
    long_tasks: snapshot.longTasks.length,
    longest_task_ms: r2(Math.max(0, ...snapshot.longTasks)),
  });
} finally {
  await browser.close();
  await cockpit.close();
}
