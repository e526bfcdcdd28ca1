/**
 * Load benchmark (issue #8, DESIGN §8): real server processes, real socket.io clients, events at a given rate.
 *
 *   npm run bench -- load [--nodes 1|2] [--clients 500] [--rate 20000] [--duration 30] [--warmup 10]
 *                         [--devices 100000] [--hz 4] [--procs 4] [--env KEY=VALUE …] [--profile DIR]
 *   npm run bench -- load --scenario fanout     (1,000 clients at 4 Hz, 500 events/s)
 *   npm run bench -- load --nodes 2 --streets 2  (a multi-street district: each node aggregates its streets)
 *
 * `--streets N` (N ≥ 2) generates a district of N copies of the built-in street side by side (bench/load/
 * multi-street.ts) into a temp dir and starts the nodes with GEO=<that dir>; `--env GEO=<package>` runs on
 * a district package of your own (e.g. from `gridpulse import-geo`). Events, screens and probes follow it.
 *
 * `--profile DIR` writes a V8 CPU profile of each server node into DIR when it stops (open it in Chrome DevTools).
 * Phases: start the node(s) (`--nodes 2`: a cluster on Redis, its own key prefix per run) → connect and
 * subscribe the clients (memory per client measured around this) → prime every device once (and each probe
 * device) → feed at the rate → warm up → steady window (the figures) → a short grace for the last probes →
 * measure snapshot sizes → tear everything down, on failure and Ctrl-C too. docs/BENCHMARKS.md "Load" defines
 * each figure. Progress goes to stderr; stdout carries only the JSON lines.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { builtinDistrict } from '../geo/district';
import { createGridIndex } from '../geo/grid-index';
import { loadDistrict } from '../server/district-loader';
import type { IngestEvent } from '../protocol';
import { startClientFleet, type ClientFleet } from './load/client-fleet';
import { createIngestDriver, sendAll, type IngestDriver } from './load/ingest-driver';
import { dropClusterKeys, waitForCluster } from './load/cluster';
import type { ClientAssignment } from './load/messages';
import { multiStreetDistrict } from './load/multi-street';
import { planScreens, probeSites } from './load/plan';
import { readNode, reportFigures, round } from './load/report';
import { startNode, type ServerNode } from './load/servers';
import { measureSnapshots } from './load/snapshot-sizes';
import { createEventMix } from './support/event-mix';

const SCENARIOS = {
  load: { clients: 500, rate: 20_000 },
  fanout: { clients: 1_000, rate: 500 },
} as const;
type Scenario = keyof typeof SCENARIOS;

function fail(message: string): never {
  process.stderr.write(`load: ${message}\n`);
  process.exit(2);
}

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        scenario: { type: 'string', default: 'load' },
        nodes: { type: 'string', default: '1' },
        clients: { type: 'string' },
        rate: { type: 'string' },
        duration: { type: 'string', default: '30' },
        warmup: { type: 'string', default: '10' },
        devices: { type: 'string', default: '100000' },
        hz: { type: 'string', default: '4' },
        procs: { type: 'string', default: '4' },
        'batch-ms': { type: 'string', default: '50' },
        'probe-ms': { type: 'string', default: '500' },
        'redis-url': { type: 'string', default: 'redis://127.0.0.1:6379' },
        env: { type: 'string', multiple: true, default: [] },
        seed: { type: 'string', default: '8' },
        streets: { type: 'string', default: '1' },
        profile: { type: 'string' },
      },
      strict: true,
    });
  } catch (err) {
    return fail(`${(err as Error).message} (see the header of bench/load.ts)`);
  }
})();

function num(name: string, raw: string | undefined, min: number, max: number): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) fail(`--${name} must be a number from ${min} to ${max}, got ${raw}`);
  return n;
}

if (!(values.scenario! in SCENARIOS))
  fail(`--scenario must be one of ${Object.keys(SCENARIOS).join(', ')}, got ${values.scenario}`);
const scenario = values.scenario as Scenario;
const NODES = num('nodes', values.nodes, 1, 8);
const CLIENTS = num('clients', values.clients ?? String(SCENARIOS[scenario].clients), 1, 20_000);
const RATE = num('rate', values.rate ?? String(SCENARIOS[scenario].rate), 10, 200_000);
const DURATION_S = num('duration', values.duration, 1, 3600);
const WARMUP_S = num('warmup', values.warmup, 0, 600);
const DEVICES = num('devices', values.devices, 1, 1_000_000);
const HZ = num('hz', values.hz, 0.1, 50);
const PROCS = num('procs', values.procs, 1, 64);
const BATCH_MS = num('batch-ms', values['batch-ms'], 5, 5_000);
const PROBE_MS = num('probe-ms', values['probe-ms'], 50, 60_000);
const SEED = num('seed', values.seed, 0, 2 ** 31 - 1);
const EXTRA_ENV = Object.fromEntries(
  values.env!.map((kv) => {
    const i = kv.indexOf('=');
    if (i <= 0) fail(`--env takes KEY=VALUE, got ${kv}`);
    return [kv.slice(0, i), kv.slice(i + 1)];
  }),
);
const STREETS = num('streets', values.streets, 1, 50);
if (STREETS > 1 && EXTRA_ENV.GEO) fail('--streets generates a district: leave out --env GEO=…, or --streets');
const TICK_MS = Math.round(1000 / HZ);
const TOKEN = `bench-load-${randomBytes(6).toString('hex')}`;
/** A cluster of its own on the shared Redis (key prefix), removed at the end. */
const CLUSTER_NAME = `bench_load_${randomBytes(4).toString('hex')}`;
/** After the window, probes accepted inside it still have this long to reach the clients. */
const GRACE_MS = Math.max(2_000, 4 * TICK_MS);
/** After the clients connected, before the memory reading: their snapshots' garbage is collected meanwhile. */
const SETTLE_MS = 3_000;

const log = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The generated district package (`--streets`), removed at the end. */
let geoDir: string | undefined;
const load = () => loadavg().map((x) => round(x, 2));

async function main(): Promise<void> {
  const started = Date.now();
  log(
    `load: scenario ${scenario}, ${NODES} node(s), ${CLIENTS} clients over ${PROCS} client processes, ${RATE} events/s, ${DEVICES} devices, ${HZ} Hz; load average ${load().join(' ')}`,
  );
  // The district the nodes watch: built in, generated with several streets, or the package given as GEO.
  let district = builtinDistrict();
  if (STREETS > 1) {
    district = multiStreetDistrict(district, STREETS);
    geoDir = mkdtempSync(join(tmpdir(), 'gp-load-geo-'));
    writeFileSync(join(geoDir, 'district.json'), JSON.stringify(district));
    EXTRA_ENV.GEO = geoDir;
  } else if (EXTRA_ENV.GEO) district = loadDistrict(EXTRA_ENV.GEO);
  const streets = district.areas.filter((a) => a.level === 'street').length;
  log(`load: district ${district.name}: ${streets} street(s), ${district.areas.filter((a) => a.level === 'grid').length} grids`);
  const index = createGridIndex(district);
  const screens = planScreens(CLIENTS, district);
  const probes = probeSites(district, index);
  const devices = createEventMix(district, { deviceCount: DEVICES, rate: RATE, start: Date.now(), seed: SEED }).devices;
  const outside = devices.filter((d) => index.gridAt(d.lon, d.lat) === undefined).length;
  if (outside > 0)
    log(
      `load: note: ${outside} of ${DEVICES} devices lie outside every grid (the mix scatters them around building centres)`,
    );

  const nodes: ServerNode[] = [];
  let fleet: ClientFleet | undefined;
  let driver: IngestDriver | undefined;
  let window: { start: number; end: number } | undefined;
  try {
    const jwtSecret = randomBytes(32).toString('hex');
    // allSettled: a node that did start is stopped in `finally` even when its sibling failed.
    const startups = await Promise.allSettled(
      Array.from({ length: NODES }, (_, i) =>
        startNode({
          name: `n${i + 1}`,
          startTimeoutMs: 120_000,
          nodeArgs: values.profile ? ['--cpu-prof', '--cpu-prof-dir', values.profile] : [],
          log,
          env: {
            GRIDPULSE_TICK_MS: String(TICK_MS),
            GRIDPULSE_INGEST_TOKEN: TOKEN,
            GRIDPULSE_INGEST_LIMIT_MB: '64',
            GRIDPULSE_JWT_SECRET: jwtSecret,
            // Set, so the server does not generate and print a first-admin password into the benchmark's log.
            GRIDPULSE_ADMIN_PASSWORD: randomBytes(12).toString('hex'),
            ...(NODES > 1
              ? {
                  GRIDPULSE_REDIS_URL: values['redis-url']!,
                  GRIDPULSE_NODE_ID: `n${i + 1}`,
                  GRIDPULSE_CLUSTER_NAME: CLUSTER_NAME,
                }
              : {}),
            ...EXTRA_ENV,
          },
        }),
      ),
    );
    for (const s of startups) if (s.status === 'fulfilled') nodes.push(s.value);
    const failed = startups.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
    if (NODES > 1) await waitForCluster(nodes, 90_000, log, streets);
    log(`load: node(s) up: ${nodes.map((n) => `${n.name} ${n.url} pid ${n.pid}`).join(', ')}`);

    // Prime: every device (and every probe device) reports once, so the window measures a street whose
    // devices are all known.
    const prime = async () => {
      const now = Date.now();
      const events: IngestEvent[] = devices.map((d, i) => ({
        v: 1,
        kind: 'device.heartbeat',
        id: `prime-${i}`,
        source: 'bench',
        time: now,
        deviceId: d.id,
        deviceType: d.type,
        lon: d.lon,
        lat: d.lat,
      }));
      for (const p of probes) {
        const [lon, lat] = p.positions[1];
        events.push({
          v: 1,
          kind: 'device.heartbeat',
          id: `prime-${p.deviceId}`,
          source: 'bench-probe',
          time: now,
          deviceId: p.deviceId,
          deviceType: 'power',
          lon,
          lat,
        });
      }
      const t = performance.now();
      await sendAll(nodes, TOKEN, events, 5_000, 2);
      log(`load: primed ${events.length} devices in ${Math.round(performance.now() - t)} ms`);
    };
    const feed = () => {
      const mix = createEventMix(district, { deviceCount: DEVICES, rate: RATE, start: Date.now(), seed: SEED });
      driver = createIngestDriver({
        nodes,
        token: TOKEN,
        rate: RATE,
        batchMs: BATCH_MS,
        probeEveryMs: PROBE_MS,
        probes,
        next: mix.next,
      });
      driver.start();
    };
    let connectS = 0;
    const connect = async () => {
      const assignments: ClientAssignment[] = screens.map((s, i) => ({ ...s, url: nodes[i % nodes.length]!.url }));
      const t = performance.now();
      fleet = startClientFleet(assignments, PROCS, { concurrency: 16, subscribeTimeoutMs: 120_000 });
      await fleet.ready(300_000);
      connectS = (performance.now() - t) / 1000;
      log(`load: ${CLIENTS} clients subscribed in ${connectS.toFixed(1)} s`);
    };

    // Clients subscribe to the fresh street (small snapshots), then see the devices arrive as deltas: a herd of
    // hundreds of 2 MB device snapshots at once would be a benchmark of its own (and takes minutes on 2 shared
    // cores). Memory per client is what the connected, subscribed sockets add to the fresh server.
    const beforeClients = await Promise.all(nodes.map((n) => readNode(n, log)));
    await connect();
    await sleep(SETTLE_MS);
    const afterClients = await Promise.all(nodes.map((n) => readNode(n, log)));
    await prime();
    feed();
    if (!fleet || !driver) throw new Error('internal: clients or feed not started');
    log(`load: warming up ${WARMUP_S} s`);
    await sleep(WARMUP_S * 1000);

    const loadAtStart = load();
    const w0 = await Promise.all(nodes.map((n) => readNode(n, log)));
    const accepted0 = driver.accepted;
    const windowStart = Date.now();
    window = { start: windowStart, end: windowStart };
    const gen0 = process.cpuUsage();
    fleet.broadcast({ type: 'window-start' });
    const peakRss = nodes.map((n) => n.rssMb());
    let maxBacklog = 0;
    // Against a deadline: on a loaded machine a 1 s sleep can take longer, and the window must not stretch.
    for (let left = DURATION_S * 1000; left > 0; left = windowStart + DURATION_S * 1000 - Date.now()) {
      await sleep(Math.min(1000, left));
      nodes.forEach((n, i) => (peakRss[i] = Math.max(peakRss[i]!, n.rssMb())));
      maxBacklog = Math.max(maxBacklog, driver.backlog);
    }
    fleet.broadcast({ type: 'window-end' });
    const windowEnd = Date.now();
    window.end = windowEnd;
    const gen = process.cpuUsage(gen0);
    const w1 = await Promise.all(nodes.map((n) => readNode(n, log)));
    const accepted1 = driver.accepted;
    const loadAtEnd = load();
    log(
      `load: window done (${((windowEnd - windowStart) / 1000).toFixed(1)} s); grace ${GRACE_MS} ms for the last probes`,
    );
    await sleep(GRACE_MS);
    await driver.stop();
    // A few failed requests (a swamped server, a reused keep-alive socket closed under it) are reported with
    // the figures; more than 5 % means the run measured something else.
    if (driver.failures > 0)
      log(`load: ${driver.failures} of ${driver.requests} ingest requests failed; first: ${driver.firstFailure}`);
    if (driver.failures > driver.requests * 0.05)
      throw new Error(`too many ingest requests failed (${driver.failures} of ${driver.requests})`);

    const reports = await fleet.reports(60_000);
    const metricsText = await Promise.all(nodes.map((n) => n.metrics().catch(() => '')));
    const snapshots = await measureSnapshots(nodes[0]!.url, screens).catch((err: unknown) => {
      log(`load: snapshot sizes not measured (load.delta_vs_snapshot_pct left out): ${(err as Error).message}`);
      return new Map<string, number>();
    });

    reportFigures(
      {
        windowMs: windowEnd - windowStart,
        windowStart,
        windowEnd,
        reports,
        snapshots,
        acceptedAt: driver.probeAcceptedAt,
        accepted: accepted1 - accepted0,
        requests: driver.requests,
        failures: driver.failures,
        maxBacklog,
        nodes,
        beforeClients,
        afterClients,
        w0,
        w1,
        peakRss,
        metricsText,
        generatorCpuMs: (gen.user + gen.system) / 1000,
        connectS,
        loadAtStart,
        loadAtEnd,
      },
      {
        scenario,
        nodes: NODES,
        streets: STREETS,
        clients: CLIENTS,
        rate: RATE,
        hz: HZ,
        devices: DEVICES,
        tickMs: TICK_MS,
        settleMs: SETTLE_MS,
      },
    );
    const gaps = reports.reduce((n, r) => n + r.gaps + r.epochChanges, 0);
    if (gaps > 0) {
      log(`load: FAILED: ${gaps} sequence gap(s) or epoch change(s) seen by clients (must be 0)`);
      process.exitCode = 1;
    }
  } finally {
    await driver?.stop();
    await fleet?.close();
    const stopAt = Date.now();
    if (values.profile && window)
      log(
        `load: profile: the steady window is the ${stopAt - window.start} ms to ${stopAt - window.end} ms before each profile ends`,
      );
    await Promise.all(nodes.map((n) => n.stop()));
    if (NODES > 1)
      await dropClusterKeys(values['redis-url']!, CLUSTER_NAME).catch((err: unknown) =>
        log(`load: could not remove Redis keys ${CLUSTER_NAME}:*: ${(err as Error).message}`),
      );
    if (geoDir) rmSync(geoDir, { recursive: true, force: true });
    log(`load: done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
}

const onSignal = (signal: string) => {
  log(`load: ${signal}: stopping (servers and clients are killed on exit)`);
  process.exit(130);
};
process.on('SIGINT', () => onSignal('SIGINT'));
process.on('SIGTERM', () => onSignal('SIGTERM'));

void main().catch((err: unknown) => {
  log(`load: ${(err as Error).stack ?? String(err)}`);
  process.exit(1);
});
