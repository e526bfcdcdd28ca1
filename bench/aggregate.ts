/**
 * `npm run bench -- aggregate [--part throughput|recompute|memory] [--rounds n] [--rate n] [--hours n]` —
 * issue #5's figures:
 * - aggregate.events_per_s: the realistic mix (80 % device, 15 % case, 5 % opinion) over 100,000 devices in
 *   the built-in district, one core, CPU time of the whole process: point → grid lookup + every window +
 *   device, case and opinion state + topics, plus per tick (250 ms of event time) the hub's reads (advance,
 *   dirty sets, stats of every dirty area) and the alert rules (`engine.evaluate` with the default rules:
 *   DESIGN §8 "grid lookup + windows + device state + rules"). Not in it: validation, dedup and the event log
 *   (the pipeline's, in the ingest figures) and post text analysis — jieba runs in the pipeline before
 *   aggregation and the mix has 10 distinct texts, analysed once; its own rate is printed beside
 *   (aggregate.post_analysis_per_s) with what the throughput would be if every post were new.
 *   Median of rounds of 1,000,000 events, made before each round (old objects after a full GC); then the same
 *   with batches of 10,000 just made (aggregate.events_per_s_fresh_events: young objects, as a server parsing
 *   requests sees them, so what the engine keeps of each event must be promoted by the GC).
 * - aggregate.recompute_ratio: CPU per tick of recomputing the same aggregates with SQL GROUP BY over an
 *   SQLite event log (how most dashboards do it) ÷ ours, side by side in this run.
 * - aggregate.rss_mb_24h: RSS after `--hours` (24) of event time of the mix at `--rate` (1,000) events/s, in a
 *   child process that only aggregates: it generates the events one at a time and drops them, loads no text
 *   analyzer (the parent analyses the 10 post texts and hands the results over), and measures after a full GC.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { deserialize, serialize } from 'node:v8';
import { builtinDistrict } from '../geo/district';
import { createGridIndex } from '../geo/grid-index';
import type { IngestEvent } from '../protocol';
import { Aggregator, type PostAnalysis } from '../server/aggregate/aggregator';
import { POSTS, createEventMix } from './support/event-mix';

const { values } = parseArgs({
  options: {
    part: { type: 'string', multiple: true },
    rounds: { type: 'string', default: '5' },
    rate: { type: 'string', default: '1000' },
    hours: { type: 'string', default: '24' },
    'log-minutes': { type: 'string', default: '60' },
    'log-rate': { type: 'string', default: '2000' },
  },
});
const parts = new Set(values.part ?? ['throughput', 'recompute', 'memory']);
const district = builtinDistrict();
const index = createGridIndex(district);
const codes = district.areas.map((a) => a.code);
const START = Date.UTC(2026, 10, 23, 16, 0, 0); // Tuesday 00:00 Asia/Shanghai
const TICK_MS = 250;
/** Share of opinion posts in the mix (see createEventMix). */
const POST_SHARE = 0.05;
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

type Analyze = (text: string) => PostAnalysis;
type OnTick = (now: number) => void;

const print = (metric: string, value: number, unit: string, extra: Record<string, unknown> = {}) =>
  console.log(JSON.stringify({ metric, value, unit, ...extra }));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const cpuMs = (since: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
};
const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

/** The hub's work for one tick: bring the engine to `now` and read what changed; then the alert rules. */
function tick(agg: Aggregator, now: number, onTick?: OnTick): number {
  agg.advance(now);
  const changes = agg.takeChanges();
  let n = 0;
  for (const code of changes.areas) if (agg.stats(code)) n++;
  if (changes.insights.has('*')) agg.insights('*');
  onTick?.(now);
  return n;
}

function applyAll(agg: Aggregator, events: readonly IngestEvent[], nextTick: { at: number }, analyze: Analyze, onTick?: OnTick): void {
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if (e.time >= nextTick.at) {
      tick(agg, e.time, onTick);
      nextTick.at = e.time + TICK_MS;
    }
    const grid = e.grid ?? index.gridAt(e.lon!, e.lat!);
    if (grid) agg.apply(e, grid, e.kind === 'opinion.post' ? analyze(e.text) : undefined);
  }
}

async function textAnalyzer() {
  const { createTextAnalyzer, memoizeAnalyzer } = await import('../server/nlp/text-analyzer');
  const raw = createTextAnalyzer();
  return { raw, cached: memoizeAnalyzer(raw) };
}

async function throughput(): Promise<void> {
  const { createAlertEngine } = await import('../server/alerts/alert-engine');
  const { aggregatorInputs } = await import('../server/alerts/alert-inputs');
  const { parseAlertRulesText } = await import('../server/alerts/rules-loader');
  const loaded = parseAlertRulesText(readFileSync(new URL('../config/alert-rules.default.json', import.meta.url), 'utf8'));
  if (!loaded.ok) throw new Error(`default alert rules invalid: ${loaded.errors.join('; ')}`);
  const { raw, cached } = await textAnalyzer();
  const rounds = Number(values.rounds);
  const rate = 1_000_000;
  const mix = createEventMix(district, { deviceCount: 100_000, rate, start: START, seed: 11 });
  const agg = new Aggregator({ areaCodes: codes, areaCenters: new Map(district.areas.map((a) => [a.code, a.center])) });
  const engine = createAlertEngine({ rules: loaded.value.rules, silences: loaded.value.silences });
  const inputs = aggregatorInputs(agg, { areaNames: new Map(district.areas.map((a) => [a.code, a.name])) });
  const onTick: OnTick = (now) => void engine.evaluate(now, inputs);
  agg.advance(START);
  const nextTick = { at: START };
  // Warm-up: every device seen once, JIT settled.
  applyAll(agg, mix.batch(500_000), nextTick, cached, onTick);
  const perSecond: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const events = mix.batch(1_000_000);
    gc();
    const t0 = process.cpuUsage();
    applyAll(agg, events, nextTick, cached, onTick);
    perSecond.push(Math.round(events.length / (cpuMs(t0) / 1000)));
  }
  const eventsPerS = median(perSecond);
  print('aggregate.events_per_s', eventsPerS, 'events/s', {
    rounds: perSecond,
    devices: agg.devices.size,
    cases: agg.cases.size,
    rules: engine.rules.length,
    includes: 'grid lookup, windows, device/case/opinion state, topics, hub reads and alert rules per 250 ms tick',
    excludes: 'validation, dedup, event log (pipeline: ingest bench); post text analysis (10 distinct texts, analysed once; see aggregate.post_analysis_per_s)',
    events: 'generated before each round and old (a full GC ran): see aggregate.events_per_s_fresh_events',
  });

  // The same stream as a server sees it: every batch just made (young objects, like a parsed NDJSON request
  // of 10,000 events), so the state the engine keeps of each event (ids, metrics) must survive scavenges and
  // be promoted. Only the applying is timed; the collections that the making of the batches triggers are not.
  const fresh: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let ms = 0;
    let n = 0;
    for (let c = 0; c < 100; c++) {
      const batch = mix.batch(10_000);
      const t0 = process.cpuUsage();
      applyAll(agg, batch, nextTick, cached, onTick);
      ms += cpuMs(t0);
      n += batch.length;
    }
    fresh.push(Math.round(n / (ms / 1000)));
  }
  print('aggregate.events_per_s_fresh_events', median(fresh), 'events/s', { rounds: fresh, batch: 10_000 });

  // jieba on texts it has not seen (the cache cannot help): what a stream of all-new posts would add.
  const texts = Array.from({ length: 20_000 }, (_, i) => `${POSTS[i % POSTS.length]!}${i}`);
  for (let i = 0; i < 1_000; i++) raw(`${texts[i]!}w`);
  const t0 = process.cpuUsage();
  for (const t of texts) raw(t);
  const postsPerS = Math.round(texts.length / (cpuMs(t0) / 1000));
  print('aggregate.post_analysis_per_s', postsPerS, 'posts/s', { posts: texts.length, analyzer: 'jieba segmentation + lexicon sentiment + topic words' });
  print('aggregate.events_per_s_all_posts_new', Math.round(1 / (1 / eventsPerS + POST_SHARE / postsPerS)), 'events/s', {
    note: `aggregate.events_per_s with every post's text analysed afresh (${POST_SHARE * 100} % posts)`,
  });
}

/**
 * Side by side: an SQLite event log of `log-minutes` at `log-rate` events/s (the mix), queried each tick
 * the way a GROUP BY dashboard would, against our engine doing a tick's worth of the same stream.
 */
async function recompute(): Promise<void> {
  const { default: Database } = await import('better-sqlite3');
  const { cached: analyze } = await textAnalyzer();
  const minutes = Number(values['log-minutes']);
  const rate = Number(values['log-rate']);
  const mix = createEventMix(district, { deviceCount: 100_000, rate, start: START, seed: 12 });
  const db = new Database(':memory:');
  db.exec(`CREATE TABLE event_log (seq INTEGER PRIMARY KEY, time INTEGER, kind TEXT, grid TEXT, device TEXT, device_type TEXT,
           fault INTEGER, case_id TEXT, status TEXT, category TEXT, sentiment REAL);
           CREATE INDEX event_log_time ON event_log (time);`);
  const insert = db.prepare('INSERT INTO event_log (time, kind, grid, device, device_type, fault, case_id, status, category, sentiment) VALUES (?,?,?,?,?,?,?,?,?,?)');
  const agg = new Aggregator({ areaCodes: codes });
  agg.advance(START);
  const nextTick = { at: START };
  const total = minutes * 60 * rate;
  const write = db.transaction((events: IngestEvent[]) => {
    for (const e of events) {
      const grid = e.grid ?? index.gridAt(e.lon!, e.lat!) ?? null;
      if (e.kind === 'case.updated') insert.run(e.time, e.kind, grid, null, null, null, e.caseId, e.status, e.category, null);
      else if (e.kind === 'opinion.post') insert.run(e.time, e.kind, grid, null, null, null, null, null, null, analyze(e.text).sentiment);
      else insert.run(e.time, e.kind, grid, e.deviceId, e.deviceType, e.kind === 'device.telemetry' && e.fault ? 1 : 0, null, null, null, null);
    }
  });
  for (let done = 0; done < total; done += 100_000) {
    const events = mix.batch(Math.min(100_000, total - done));
    write(events);
    applyAll(agg, events, nextTick, analyze);
  }
  const now = mix.time;
  const q = {
    counts5m: db.prepare('SELECT grid, kind, count(*) n FROM event_log WHERE time > ? GROUP BY grid, kind'),
    series1h: db.prepare('SELECT time / 60000 AS minute, kind, count(*) n FROM event_log WHERE time > ? GROUP BY minute, kind'),
    devices: db.prepare(`SELECT device, device_type, grid, max(time) last_seen FROM event_log WHERE kind LIKE 'device.%' AND time > ? GROUP BY device`),
    faults: db.prepare(`SELECT device, fault, max(time) FROM event_log WHERE kind = 'device.telemetry' AND time > ? GROUP BY device`),
    cases: db.prepare(`SELECT case_id, grid, status, category, max(time) t, min(time) first FROM event_log WHERE kind = 'case.updated' GROUP BY case_id`),
    opinion1h: db.prepare(`SELECT grid, count(*) n, avg(sentiment) s, sum(sentiment < -0.3) neg FROM event_log WHERE kind = 'opinion.post' AND time > ? GROUP BY grid`),
  };
  const sqlTick = () => {
    q.counts5m.all(now - 5 * 60_000);
    q.series1h.all(now - 60 * 60_000);
    q.devices.all(now - 60 * 60_000);
    q.faults.all(now - 60 * 60_000);
    q.cases.all();
    q.opinion1h.all(now - 60 * 60_000);
  };
  sqlTick(); // warm the page cache
  const sqlMs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = process.cpuUsage();
    sqlTick();
    sqlMs.push(cpuMs(t0));
  }
  // Ours: one tick's worth of the same stream (rate × 250 ms events) plus the tick itself.
  const perTick = Math.round((rate * TICK_MS) / 1000);
  const oursMs: number[] = [];
  for (let i = 0; i < 40; i++) {
    const events = mix.batch(perTick);
    const t0 = process.cpuUsage();
    applyAll(agg, events, nextTick, analyze);
    tick(agg, mix.time);
    oursMs.push(cpuMs(t0));
  }
  const sql = median(sqlMs);
  const ours = median(oursMs);
  print('aggregate.recompute_sql_ms_per_tick', Math.round(sql * 10) / 10, 'ms', { logRows: total, logMinutes: minutes, rate });
  print('aggregate.incremental_ms_per_tick', Math.round(ours * 100) / 100, 'ms', { eventsPerTick: perTick });
  print('aggregate.recompute_ratio', Math.round(sql / ours), 'x');
  db.close();
}

/** Runs the memory figure in a child process that holds nothing but the aggregation (see the file comment). */
async function memory(): Promise<void> {
  const { raw } = await textAnalyzer();
  const posts = Object.fromEntries(POSTS.map((text) => [text, raw(text)]));
  const file = fileURLToPath(import.meta.url);
  const child = spawnSync(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', file, '--part', 'memory-child', '--rate', values.rate, '--hours', values.hours],
    { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, GRIDPULSE_BENCH_POSTS: JSON.stringify(posts) } },
  );
  if (child.status !== 0) throw new Error(`memory child exited with ${child.status ?? child.signal}`);
}

/**
 * `--hours` of event time at `--rate` events/s of the mix, one event at a time; then RSS after a full GC and a
 * short idle spell (V8 hands freed pages back to the OS on a background thread after a GC: read at once, RSS
 * still counts them; the immediate reading is printed too).
 */
async function memoryChild(): Promise<void> {
  const posts = new Map(Object.entries(JSON.parse(process.env.GRIDPULSE_BENCH_POSTS ?? '{}') as Record<string, PostAnalysis>));
  const analyze: Analyze = (text) => {
    const post = posts.get(text);
    if (!post) throw new Error(`no analysis handed over for post text "${text}"`);
    return post;
  };
  const rate = Number(values.rate);
  const hours = Number(values.hours);
  const mix = createEventMix(district, { deviceCount: 100_000, rate, start: START, seed: 13 });
  const agg = new Aggregator({ areaCodes: codes, areaCenters: new Map(district.areas.map((a) => [a.code, a.center])) });
  gc();
  const baseline = process.memoryUsage();
  agg.advance(START);
  const end = START + hours * 3_600_000;
  const t0 = performance.now();
  let events = 0;
  // Ticks every second of event time (not every 250 ms as live): the hub's reads only make garbage, and
  // 345,600 ticks of reads would triple the run time without changing what is held.
  let nextTick = START;
  while (mix.time < end) {
    const e = mix.next();
    if (e.time >= nextTick) {
      tick(agg, e.time);
      nextTick = e.time + 1_000;
    }
    const grid = e.grid ?? index.gridAt(e.lon!, e.lat!);
    if (grid) agg.apply(e, grid, e.kind === 'opinion.post' ? analyze(e.text) : undefined);
    events++;
  }
  tick(agg, end);
  const wallS = Math.round((performance.now() - t0) / 1000);
  gc();
  const immediate = process.memoryUsage().rss;
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    gc();
  }
  const m = process.memoryUsage();
  print('aggregate.rss_mb_24h', Math.round(m.rss / 1024 / 1024), 'MB', {
    rate,
    hours,
    events,
    devices: agg.devices.size,
    cases: agg.cases.size,
    heapUsedMb: mb(m.heapUsed),
    heapTotalMb: mb(m.heapTotal),
    arrayBuffersMb: mb(m.arrayBuffers),
    baselineRssMb: mb(baseline.rss),
    baselineHeapUsedMb: mb(baseline.heapUsed),
    baselineHeapTotalMb: mb(baseline.heapTotal),
    baselineNote: 'before the first event: Node, the code, the district and its grid index, the 100,000 devices of the generator',
    rssRightAfterGcMb: mb(immediate),
    wallS,
  });
  restart(agg, mix, analyze);
}

/**
 * Restart after the history above (issue #5 item 5): save the snapshot as the server does once a minute, restore
 * it into a fresh engine, and replay the log written since the snapshot — at most one minute, here a full
 * minute at 5,000 events/s (300,000 events).
 */
function restart(agg: Aggregator, mix: ReturnType<typeof createEventMix>, analyze: Analyze): void {
  let t0 = performance.now();
  const body = serialize(agg.exportState());
  const saveMs = performance.now() - t0;
  const tail = createEventMix(district, { deviceCount: 100_000, rate: 5_000, start: mix.time, seed: 14 }).batch(300_000);
  t0 = performance.now();
  const fresh = new Aggregator({ areaCodes: codes, areaCenters: new Map(district.areas.map((a) => [a.code, a.center])) });
  fresh.importState(deserialize(body) as ReturnType<Aggregator['exportState']>);
  const restoreMs = performance.now() - t0;
  t0 = performance.now();
  applyAll(fresh, tail, { at: fresh.time }, analyze);
  tick(fresh, tail.at(-1)!.time);
  const replayMs = performance.now() - t0;
  print('aggregate.snapshot_mb', mb(body.length), 'MB', { devices: fresh.devices.size, cases: fresh.cases.size });
  print('aggregate.snapshot_save_ms', Math.round(saveMs), 'ms');
  print('aggregate.restart_rebuild_ms', Math.round(restoreMs + replayMs), 'ms', {
    restoreMs: Math.round(restoreMs),
    replayMs: Math.round(replayMs),
    replayedEvents: tail.length,
  });
}

if (parts.has('memory-child')) await memoryChild();
else {
  if (parts.has('throughput')) await throughput();
  if (parts.has('recompute')) await recompute();
  if (parts.has('memory')) await memory();
}
