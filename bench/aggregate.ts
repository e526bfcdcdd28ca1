/**
 * `npm run bench -- aggregate [--part throughput|recompute|memory] [--rounds n]` — issue #5's figures:
 * - aggregate.events_per_s: the realistic mix (80 % device, 15 % case, 5 % opinion) over 100,000 devices in
 *   the built-in district, one core: grid lookup + every window + device and case state + topics, plus the
 *   hub's per-tick work (advance, dirty sets, stats of every dirty area). Dedup and the event log are the
 *   pipeline's, measured by the ingest benchmark. Median of rounds of 1,000,000 events (CPU time).
 * - aggregate.recompute_ratio: CPU per tick of recomputing the same aggregates with SQL GROUP BY over an
 *   SQLite event log (how most dashboards do it) ÷ ours, side by side in this run.
 * - aggregate.rss_mb_24h: RSS after 24 h of event time of the mix (see --rate).
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { deserialize, serialize } from 'node:v8';
import Database from 'better-sqlite3';
import { builtinDistrict } from '../geo/district';
import { createGridIndex } from '../geo/grid-index';
import type { IngestEvent } from '../protocol';
import { Aggregator } from '../server/aggregate/aggregator';
import { createTextAnalyzer, memoizeAnalyzer } from '../server/nlp/text-analyzer';
import { createEventMix } from './support/event-mix';

const { values } = parseArgs({
  options: {
    part: { type: 'string', multiple: true },
    rounds: { type: 'string', default: '5' },
    rate: { type: 'string', default: '1000' },
    'log-minutes': { type: 'string', default: '60' },
    'log-rate': { type: 'string', default: '2000' },
  },
});
const parts = new Set(values.part ?? ['throughput', 'recompute', 'memory']);
const district = builtinDistrict();
const index = createGridIndex(district);
const codes = district.areas.map((a) => a.code);
const analyze = memoizeAnalyzer(createTextAnalyzer());
const START = Date.UTC(2026, 10, 23, 16, 0, 0); // Tuesday 00:00 Asia/Shanghai
const TICK_MS = 250;

const print = (metric: string, value: number, unit: string, extra: Record<string, unknown> = {}) =>
  console.log(JSON.stringify({ metric, value, unit, ...extra }));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const cpuMs = (since: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
};

/** The hub's work for one tick: bring the engine to `now` and read what changed. */
function tick(agg: Aggregator, now: number): number {
  agg.advance(now);
  const changes = agg.takeChanges();
  let n = 0;
  for (const code of changes.areas) if (agg.stats(code)) n++;
  if (changes.insights.has('*')) agg.insights('*');
  return n;
}

function applyAll(agg: Aggregator, events: readonly IngestEvent[], nextTick: { at: number }): void {
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if (e.time >= nextTick.at) {
      tick(agg, e.time);
      nextTick.at = e.time + TICK_MS;
    }
    const grid = e.grid ?? index.gridAt(e.lon!, e.lat!);
    if (grid) agg.apply(e, grid, e.kind === 'opinion.post' ? analyze(e.text) : undefined);
  }
}

function throughput(): void {
  const rounds = Number(values.rounds);
  const rate = 1_000_000;
  const mix = createEventMix(district, { deviceCount: 100_000, rate, start: START, seed: 11 });
  const agg = new Aggregator({ areaCodes: codes });
  agg.advance(START);
  const nextTick = { at: START };
  // Warm-up: every device seen once, JIT settled.
  applyAll(agg, mix.batch(500_000), nextTick);
  const perSecond: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const events = mix.batch(1_000_000);
    (globalThis as { gc?: () => void }).gc?.();
    const t0 = process.cpuUsage();
    applyAll(agg, events, nextTick);
    perSecond.push(Math.round(events.length / (cpuMs(t0) / 1000)));
  }
  print('aggregate.events_per_s', median(perSecond), 'events/s', { rounds: perSecond, devices: agg.devices.size });
}

/**
 * Side by side: an SQLite event log of `log-minutes` at `log-rate` events/s (the mix), queried each tick
 * the way a GROUP BY dashboard would, against our engine doing a tick's worth of the same stream.
 */
function recompute(): void {
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
    applyAll(agg, events, nextTick);
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
    applyAll(agg, events, nextTick);
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

/** 24 h of event time at `rate` events/s of the mix, then RSS (after GC). */
function memory(): void {
  const rate = Number(values.rate);
  const mix = createEventMix(district, { deviceCount: 100_000, rate, start: START, seed: 13 });
  const agg = new Aggregator({ areaCodes: codes });
  agg.advance(START);
  const nextTick = { at: START };
  const end = START + 24 * 3_600_000;
  const t0 = performance.now();
  let events = 0;
  while (mix.time < end) {
    const batch = mix.batch(50_000);
    applyAll(agg, batch, nextTick);
    events += batch.length;
  }
  tick(agg, end);
  (globalThis as { gc?: () => void }).gc?.();
  const rss = process.memoryUsage().rss / 1024 / 1024;
  const rssLine = {
    rate,
    events,
    devices: agg.devices.size,
    cases: agg.cases.size,
    heapMb: Math.round(process.memoryUsage().heapUsed / 1024 / 1024),
    wallS: Math.round((performance.now() - t0) / 1000),
  };
  print('aggregate.rss_mb_24h', Math.round(rss), 'MB', rssLine);
  restart(agg, mix);
}

/**
 * Restart after 24 h of history (issue #5 item 5): save the snapshot as the server does once a minute, restore
 * it into a fresh engine, and replay the log written since the snapshot — at most one minute, here a full
 * minute at 5,000 events/s (300,000 events).
 */
function restart(agg: Aggregator, mix: ReturnType<typeof createEventMix>): void {
  let t0 = performance.now();
  const body = serialize(agg.exportState());
  const saveMs = performance.now() - t0;
  const tail = createEventMix(district, { deviceCount: 100_000, rate: 5_000, start: mix.time, seed: 14 }).batch(300_000);
  t0 = performance.now();
  const fresh = new Aggregator({ areaCodes: codes });
  fresh.importState(deserialize(body) as ReturnType<Aggregator['exportState']>);
  const restoreMs = performance.now() - t0;
  t0 = performance.now();
  applyAll(fresh, tail, { at: fresh.time });
  tick(fresh, tail.at(-1)!.time);
  const replayMs = performance.now() - t0;
  print('aggregate.snapshot_mb', Math.round((body.length / 1024 / 1024) * 10) / 10, 'MB', { devices: fresh.devices.size, cases: fresh.cases.size });
  print('aggregate.snapshot_save_ms', Math.round(saveMs), 'ms');
  print('aggregate.restart_rebuild_ms', Math.round(restoreMs + replayMs), 'ms', {
    restoreMs: Math.round(restoreMs),
    replayMs: Math.round(replayMs),
    replayedEvents: tail.length,
  });
}

if (parts.has('throughput')) throughput();
if (parts.has('recompute')) recompute();
if (parts.has('memory')) memory();
