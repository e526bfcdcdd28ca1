/**
 * The wall's panels while the built-in simulation streams (Chromium, software WebGL, the flags of
 * test/helpers/browser.ts): the real server with the simulation at its natural rate (10,000 devices, a delta
 * every 250 ms) and a critical alert raised and acknowledged every few seconds, so the alert board and the
 * takeover work too. The page collects each panel's re-render + patch time (`usePanelTiming`, the
 * `window.__gridpulsePerf` sink) and the long tasks (> 50 ms) seen while streaming.
 *
 *   npm run bench -- panels [--seconds 30] [--devices 10000] [--profile <file.cpuprofile>] [--trace <file.json>]
 *
 * Prints per panel `panels.update_ms_p50|p95|max` (DESIGN §8 / issue #7: each panel update ≤ 4 ms), the worst
 * panel, `panels.long_tasks` with the longest, and `panels.long_frame` for the five animation frames that
 * blocked longest, with the scripts that ran in them (Long Animation Frames API). `--profile` writes the page's
 * CPU profile of the streaming window (V8's sampling profiler over CDP; open it in Chrome's DevTools) and prints
 * the functions with the most self time (`panels.profile_self_ms`). `--trace` writes a Chromium trace of the window
 * (the DevTools timeline categories) and prints where style and layout went (`panels.trace_ms`).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { PanelTimings } from '../client/src/components/base/panel-timing';
import { createSimulation } from '../mock-streams/simulation';
import { alertRuleSchema } from '../server/alerts/rule.schema';
import { createClockedFeed } from '../server/feeds/clocked-feed';
import { systemClock } from '../server/pipeline/clock';
import { builtinDistrict } from '../geo/district';
import { launchBrowser } from '../test/helpers/browser';
import { startCockpit } from '../test/helpers/start-cockpit';
import { ingest, ndjson } from '../test/helpers/start-app';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const seconds = arg('seconds', 30);
const deviceCount = arg('devices', 10_000);
const profileAt = process.argv.indexOf('--profile');
const profilePath = profileAt > 0 ? process.argv[profileAt + 1] : undefined;
const traceAt = process.argv.indexOf('--trace');
const tracePath = traceAt > 0 ? process.argv[traceAt + 1] : undefined;

const district = builtinDistrict();
const sim = createSimulation({ seed: 20261128, district, start: systemClock.now() - 10 * 60_000, deviceCount });
const feed = createClockedFeed({ name: 'simulation', clock: systemClock, advance: (to) => sim.advance(to) });
const cockpit = await startCockpit({ feeds: [feed], simulated: true });
cockpit.gp.alerts.setRules([
  alertRuleSchema.parse({
    id: 'smoke-alarm',
    kind: 'threshold',
    name: '烟感报警',
    severity: 'critical',
    level: 'grid',
    metric: 'live.smokeAlarms',
    op: '>=',
    value: 1,
    escalation: null,
  }),
]);
await cockpit.gp.auth.addUser({ name: 'bench-duty', password: 'bench-duty-password', role: 'duty', area: '*' });
const browser = await launchBrowser();
try {
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  await page.addInitScript({ content: 'window.__name = (f) => f; window.__gridpulsePerf = {};' });
  // Every socket message is one task: socket.io hands the decoded packet to its handler in a microtask, the stores
  // apply it, and Vue re-renders what changed in a further microtask of the same task. The measurement is taken a
  // few microtask turns after the handler was entered, i.e. after Vue's flush (one turn was not enough: it ran
  // before the flush, and under-reported every message by its render).
  await page.addInitScript(() => {
    const w = window as unknown as { __messageMs: [string, number][] };
    w.__messageMs = [];
    const desc = Object.getOwnPropertyDescriptor(WebSocket.prototype, 'onmessage')!;
    Object.defineProperty(WebSocket.prototype, 'onmessage', {
      configurable: true,
      get() {
        return desc.get!.call(this);
      },
      set(fn: ((ev: MessageEvent) => void) | null) {
        desc.set!.call(
          this,
          fn &&
            function (this: WebSocket, ev: MessageEvent) {
              const t0 = performance.now();
              fn.call(this, ev);
              // The socket.io event name (`42["scope:changed",…`), or the packet type (acks, pings).
              const kind = typeof ev.data === 'string' ? (/^\d+\["([^"]+)"/.exec(ev.data)?.[1] ?? 'other') : 'binary';
              let turn = Promise.resolve();
              for (let i = 0; i < 4; i++) turn = turn.then(() => undefined);
              void turn.then(() => w.__messageMs.push([kind, performance.now() - t0]));
            },
        );
      },
    });
  });
  await page.goto(`${cockpit.url}/wall?rotate=off`);
  await page.locator('[data-testid="map"][data-map-loaded="true"]').waitFor({ timeout: 90_000 });
  await page.locator('[data-chart="case-trend"][data-rendered="true"]').waitFor({ timeout: 30_000 });
  await page.waitForTimeout(3_000);
  await page.evaluate(() => {
    // A sink that keeps every sample (the panels add to `total`; the setter sees each addition).
    window.__gridpulsePerf = new Proxy({} as PanelTimings, {
      set(target, name, _value) {
        const rec = {
          n: 0,
          max: 0,
          samples: [] as number[],
          sum: 0,
          get total() {
            return this.sum;
          },
          set total(v: number) {
            this.samples.push(v - this.sum);
            this.sum = v;
          },
        };
        (target as Record<string | symbol, unknown>)[name] = rec;
        return true;
      },
    });
    const w = window as unknown as { __longTasks: number[]; __messageMs: [string, number][] };
    w.__longTasks = [];
    w.__messageMs = [];
    new PerformanceObserver((list) => list.getEntries().forEach((t) => w.__longTasks.push(t.duration))).observe({
      type: 'longtask',
    });
    // What the long tasks were: the animation frames that held one, with the scripts that ran in them (the
    // entry point, its file, and how long it ran). A frame with none ran no script: style, layout, paint, or a
    // main thread that waited (for the GPU process, or for a CPU).
    const lf = window as unknown as { __longFrames: object[] };
    lf.__longFrames = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as (PerformanceEntry & {
        blockingDuration: number;
        renderStart: number;
        styleAndLayoutStart: number;
        scripts: { invoker: string; sourceFunctionName: string; sourceURL: string; duration: number }[];
      })[]) {
        if (e.blockingDuration <= 0) continue;
        lf.__longFrames.push({
          ms: Math.round(e.duration),
          blocking_ms: Math.round(e.blockingDuration),
          render_ms: Math.round(e.startTime + e.duration - (e.renderStart || e.startTime + e.duration)),
          scripts: e.scripts
            .filter((s) => s.duration >= 5)
            .map((s) => ({
              invoker: s.invoker,
              fn: s.sourceFunctionName || undefined,
              file: s.sourceURL.split('/').pop() || undefined,
              ms: Math.round(s.duration),
            })),
        });
      }
    }).observe({ type: 'long-animation-frame' });
  });

  const login = (await (
    await fetch(`${cockpit.url}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'bench-duty', password: 'bench-duty-password' }),
    })
  ).json()) as { token: string };
  const grids = district.areas.filter((a) => a.level === 'grid');
  const cdp = profilePath ? await page.context().newCDPSession(page) : undefined;
  if (cdp) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
  }
  if (tracePath)
    await browser.startTracing(page, {
      path: tracePath,
      categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink'],
    });
  const end = Date.now() + seconds * 1000;
  let n = 0;
  while (Date.now() < end) {
    // A smoke alarm somewhere (a new critical alert: the board grows, the wall takes over) …
    const g = grids[(n * 7) % grids.length]!;
    const id = `bench-smoke-${n}`;
    await ingest(
      cockpit.url,
      ndjson([
        {
          kind: 'device.telemetry',
          id,
          source: 'bench',
          time: Date.now() - 200,
          deviceId: `bench-smoke-dev-${n}`,
          deviceType: 'smoke',
          metrics: { smoke: 1 },
          lon: g.center[0],
          lat: g.center[1],
        },
      ]),
    );
    await new Promise((r) => setTimeout(r, 2_500));
    // … and acknowledged from the console's REST twin a little later (the takeover ends, the row updates).
    const list = (await (
      await fetch(`${cockpit.url}/api/alerts`, { headers: { authorization: `Bearer ${login.token}` } })
    ).json()) as {
      alerts: { id: string; acknowledged: boolean }[];
    };
    for (const a of list.alerts.filter((x) => !x.acknowledged)) {
      await fetch(`${cockpit.url}/api/alerts/${encodeURIComponent(a.id)}/ack`, {
        method: 'POST',
        headers: { authorization: `Bearer ${login.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ opId: `bench-ack-${n}-${a.id}`.slice(0, 64), note: 'bench' }),
      });
    }
    await new Promise((r) => setTimeout(r, 1_500));
    n += 1;
  }

  if (cdp && profilePath) {
    const { profile } = await cdp.send('Profiler.stop');
    writeFileSync(profilePath, JSON.stringify(profile));
    for (const row of topSelfTime(profile, 25)) process.stdout.write(`${JSON.stringify({ metric: 'panels.profile_self_ms', ...row })}\n`);
  }
  if (tracePath) {
    await browser.stopTracing();
    for (const row of traceSummary(JSON.parse(readFileSync(tracePath, 'utf8')) as TraceFile))
      process.stdout.write(`${JSON.stringify({ metric: 'panels.trace_ms', ...row })}\n`);
  }
  const { timings, longTasks, messageMs, longFrames } = await page.evaluate(() => ({
    longFrames: (window as unknown as { __longFrames: { blocking_ms: number }[] }).__longFrames,
    messageMs: (window as unknown as { __messageMs: [string, number][] }).__messageMs,
    timings: JSON.parse(JSON.stringify(window.__gridpulsePerf)) as Record<
      string,
      { n: number; max: number; samples: number[] }
    >,
    longTasks: (window as unknown as { __longTasks: number[] }).__longTasks,
  }));
  const line = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);
  let worst = { panel: '', ms: 0 };
  for (const [panel, t] of Object.entries(timings).sort()) {
    const samples = t.samples;
    const q = (p: number) =>
      samples.length
        ? [...samples].sort((a, b) => a - b)[Math.min(samples.length - 1, Math.floor(p * samples.length))]!
        : Number.NaN;
    const round = (v: number) => Math.round(v * 100) / 100;
    line({ metric: 'panels.update_ms_p50', value: round(q(0.5)), unit: 'ms', panel, updates: t.n });
    line({ metric: 'panels.update_ms_p95', value: round(q(0.95)), unit: 'ms', panel });
    line({ metric: 'panels.update_ms_max', value: round(t.max), unit: 'ms', panel });
    if (q(0.95) > worst.ms) worst = { panel, ms: round(q(0.95)) };
  }
  line({ metric: 'panels.worst_p95_ms', value: worst.ms, unit: 'ms', panel: worst.panel });
  const quantiles = (xs: number[]) => {
    const sorted = [...xs].sort((a, b) => a - b);
    const pick = (p: number) =>
      Math.round((sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN) * 100) / 100;
    return { n: sorted.length, p50: pick(0.5), p95: pick(0.95), max: pick(1) };
  };
  // Frame applied to the stores + every panel re-rendered, per socket message (deltas, alerts, status).
  const all = quantiles(messageMs.map(([, ms]) => ms));
  line({ metric: 'panels.frame_apply_render_ms_p50', value: all.p50, unit: 'ms', messages: all.n });
  line({ metric: 'panels.frame_apply_render_ms_p95', value: all.p95, unit: 'ms' });
  line({ metric: 'panels.frame_apply_render_ms_max', value: all.max, unit: 'ms' });
  // The same by message: deltas (`scope:changed`), alert news, KPIs, status heartbeats, acks.
  const kinds = [...new Set(messageMs.map(([k]) => k))].sort();
  for (const kind of kinds) {
    const q = quantiles(messageMs.filter(([k]) => k === kind).map(([, ms]) => ms));
    line({ metric: 'panels.message_ms', value: q.p50, unit: 'ms', event: kind, messages: q.n, p95: q.p95, max: q.max });
  }
  line({
    metric: 'panels.long_tasks',
    value: longTasks.length,
    unit: 'count',
    longest_ms: Math.round(Math.max(0, ...longTasks)),
    seconds,
  });
  // The five frames that blocked longest, attributed (see above).
  for (const f of [...longFrames].sort((a, b) => b.blocking_ms - a.blocking_ms).slice(0, 5))
    line({ metric: 'panels.long_frame', value: f.blocking_ms, unit: 'ms_blocking', ...f });
  line({ metric: 'panels.alerts_raised', value: n, unit: 'count' });
  line({
    metric: 'panels.board_rows',
    value: await page.locator('[data-testid="wall-alert-row"]').count(),
    unit: 'count',
  });
} finally {
  await browser.close();
  await cockpit.close();
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples?: number[];
  timeDeltas?: number[];
}

/** The functions with the most self time in a V8 CPU profile (idle, program and GC kept: they tell too). */
function topSelfTime(profile: CpuProfile, n: number) {
  const byNode = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const self = new Map<string, number>();
  (profile.samples ?? []).forEach((id, i) => {
    const f = byNode.get(id)!;
    const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop() ?? ''}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas?.[i] ?? 0) / 1000);
  });
  return [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([fn, ms]) => ({ value: Math.round(ms), unit: 'ms', fn }));
}

interface TraceEvent {
  name: string;
  ph: string;
  dur?: number;
  tid: number;
  args?: { beginData?: { dirtyObjects?: number; totalObjects?: number; stackTrace?: { functionName: string }[] } };
}
type TraceFile = { traceEvents: TraceEvent[] } | TraceEvent[];

/**
 * Main-thread style and layout in a trace: count, total and longest, and for layouts the script that forced them
 * (a layout with a stack trace was forced by a script reading geometry; one without ran in the frame's own update).
 */
function traceSummary(file: TraceFile) {
  const events = Array.isArray(file) ? file : file.traceEvents;
  const rows = new Map<string, { n: number; ms: number; max: number; objects: number }>();
  for (const e of events) {
    if (e.ph !== 'X' || !e.dur || !['Layout', 'UpdateLayoutTree', 'Paint', 'PrePaint', 'Layerize'].includes(e.name)) continue;
    const by = e.args?.beginData?.stackTrace?.[0]?.functionName;
    const key = e.name === 'Layout' ? `Layout ${by ? `forced by ${by}` : 'in frame'}` : e.name;
    const r = rows.get(key) ?? { n: 0, ms: 0, max: 0, objects: 0 };
    r.n += 1;
    r.ms += e.dur / 1000;
    r.max = Math.max(r.max, e.dur / 1000);
    r.objects += e.args?.beginData?.dirtyObjects ?? 0;
    rows.set(key, r);
  }
  return [...rows]
    .sort((a, b) => b[1].ms - a[1].ms)
    .slice(0, 12)
    .map(([what, r]) => ({
      value: Math.round(r.ms),
      unit: 'ms',
      what,
      count: r.n,
      max_ms: Math.round(r.max * 10) / 10,
      dirty_objects_mean: r.n ? Math.round(r.objects / r.n) : 0,
    }));
}
