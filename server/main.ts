/**
 * Composition root: the only place that reads the environment and listens (STYLE.md 2).
 * `npm start` runs it through scripts/start.mjs after building the client if needed.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { createGridIndex } from '../geo/grid-index';
import { createRecordingCatalogue } from '../mock-streams/recording-catalogue';
import { createSimulation } from '../mock-streams/simulation';
import { DEMO_MAX_SPEED, DEMO_MIN_SPEED } from '../protocol';
import { parseAlertRulesText } from './alerts/rules-loader';
import { createApp } from './app';
import { ConfigError, loadConfig } from './config';
import { loadDistrict } from './district-loader';
import { createClockedFeed } from './feeds/clocked-feed';
import type { Feed } from './feeds/feed';
import { createMqttFeed } from './ingest/mqtt-ingest';
import { systemClock } from './pipeline/clock';
import { ensureFirstAdmin, loadJwtSecret } from './auth/bootstrap';
import { openDatabase } from './store/database';
import { openPg } from './store/pg';
import { PgDutyStore } from './store/pg-duty-store';
import { PgUserStore } from './store/pg-user-store';
import { EventStreams, Membership, connectRedis } from './store/redis-cluster';
import { lastEventTime } from './store/event-log';

/** On a fresh start the simulation pre-rolls this much history so the cockpit is full at once. */
const SIM_PREROLL_MS = 60 * 60_000;
/** Recordings shipped with GridPulse. */
const SHIPPED_RECORDINGS = join(dirname(fileURLToPath(import.meta.url)), '../mock-streams/recordings');

const HELP = `Usage: npm start [-- options]

Options:
  --demo <file>        also replay this recording (.ndjson.gz) in demo mode, at once: every page shows it,
                       marked DEMO; the live feeds keep running, isolated
  --demo-speed <n>     replay speed, ${DEMO_MIN_SPEED}..${DEMO_MAX_SPEED} (default 60)
  --demo-loop          start the recording again at its end
  -h, --help           this help

The presenter controls are at /demo. Configuration by environment variables: see README.md "Configuration".
`;

interface DemoArgs {
  file: string;
  speed: number;
  loop: boolean;
}

/** Parses the command line; throws ConfigError with what is wrong. */
function parseCommandLine(argv: string[]): { help: boolean; demo?: DemoArgs } {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        help: { type: 'boolean', short: 'h' },
        demo: { type: 'string' },
        'demo-speed': { type: 'string' },
        'demo-loop': { type: 'boolean' },
      },
      strict: true,
    });
  } catch (err) {
    throw new ConfigError(`${(err as Error).message} (see --help)`);
  }
  const v = parsed.values;
  if (v.help) return { help: true };
  if (v.demo === undefined) {
    if (v['demo-speed'] !== undefined || v['demo-loop']) throw new ConfigError('--demo-speed and --demo-loop need --demo <file>');
    return { help: false };
  }
  if (!existsSync(v.demo)) throw new ConfigError(`--demo ${v.demo}: no such file`);
  const speed = v['demo-speed'] === undefined ? 60 : Number(v['demo-speed']);
  if (!(speed >= DEMO_MIN_SPEED && speed <= DEMO_MAX_SPEED))
    throw new ConfigError(`--demo-speed must be a number from ${DEMO_MIN_SPEED} to ${DEMO_MAX_SPEED}, got ${v['demo-speed']}`);
  return { help: false, demo: { file: v.demo, speed, loop: v['demo-loop'] === true } };
}

/** Reads and validates the alert rules file; a bad file stops the server with every problem listed. */
/** A relative path is looked up in the working directory, then in the GridPulse folder (the shipped default). */
function rulesPath(setting: string): string {
  return existsSync(setting) ? setting : resolve(fileURLToPath(new URL('..', import.meta.url)), setting);
}

function loadAlertRules(setting: string) {
  const path = rulesPath(setting);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`GRIDPULSE_ALERT_RULES=${path}: ${(err as Error).message}`);
  }
  const parsed = parseAlertRulesText(text);
  if (!parsed.ok) throw new ConfigError(`GRIDPULSE_ALERT_RULES=${path}:\n  ${parsed.errors.join('\n  ')}`);
  return parsed.value;
}

/**
 * DESIGN §8 memory. V8 sizes its heap for the machine, and while full collections are cheap it lets the old
 * generation grow to ~4× what the last one kept: at 20,000 events/s (~13 MB/s outliving two scavenges) about 75 MB
 * live became ~300 MB of heap. A fixed growth factor keeps the heap near the live state, for more frequent full
 * collections (docs/BENCHMARKS.md "Load": 50 % costs ~4 % of a core there). V8 reads the flag at every
 * collection, so setting it now takes effect; one given on node's command line is left alone.
 */
function limitHeapGrowth(percent: number): void {
  if (percent === 0 || process.execArgv.some((a) => /^--heap[-_]growing[-_]percent/.test(a))) return;
  setFlagsFromString(`--heap-growing-percent=${percent}`);
}

async function main(): Promise<void> {
  const args = parseCommandLine(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(HELP);
    return;
  }
  const config = loadConfig(process.env);
  limitHeapGrowth(config.GRIDPULSE_HEAP_GROWTH_PCT);
  const clock = systemClock;
  const district = loadDistrict(config.GEO);
  const index = createGridIndex(district);
  const dataDir = resolve(config.DATA_DIR);
  const db = openDatabase(dataDir);

  const rules = loadAlertRules(config.GRIDPULSE_ALERT_RULES);
  const groups: Record<string, string[]> = {};
  const feeds: Feed[] = [];
  const simulated = config.GRIDPULSE_SIMULATE === 'on';
  if (simulated) {
    const sim = createSimulation({
      seed: config.GRIDPULSE_SIM_SEED,
      district,
      // After a restart the log already holds recent history: pre-roll only what is missing.
      start: Math.max(clock.now() - SIM_PREROLL_MS, (lastEventTime(db) ?? 0) + 1),
      deviceCount: config.GRIDPULSE_SIM_DEVICES,
      rate: config.GRIDPULSE_SIM_RATE,
    });
    feeds.push(createClockedFeed({ name: 'simulation', clock, advance: (to) => sim.advance(to) }));
    // The simulation knows which water meters are in elderly households (the absence rule watches them).
    groups.elderly = sim.devices.filter((d) => d.type === 'water' && d.household?.elderly).map((d) => d.id);
  }

  if (config.GRIDPULSE_MQTT_URL) {
    feeds.push(
      createMqttFeed({
        url: config.GRIDPULSE_MQTT_URL,
        topic: config.GRIDPULSE_MQTT_TOPIC,
        clientId: config.GRIDPULSE_MQTT_CLIENT_ID,
        username: config.GRIDPULSE_MQTT_USERNAME,
        password: config.GRIDPULSE_MQTT_PASSWORD,
        sharedGroup: config.GRIDPULSE_MQTT_SHARED_GROUP,
        // Called only once the feeds run, after gp exists.
        rejected: (reason, n) => gp.metrics.rejected.inc({ reason }, n),
        log: (message) => process.stdout.write(`${message}\n`),
      }),
    );
  }

  const recordings = createRecordingCatalogue({
    dirs: [
      { path: join(dataDir, 'recordings'), origin: 'data' },
      { path: SHIPPED_RECORDINGS, origin: 'shipped' },
    ],
    files: args.demo ? [args.demo.file] : [],
  });

  // Cluster mode (DESIGN §7): Redis for the adapter, liveness and partitioned ingest; PostgreSQL for users.
  const nodeId = config.GRIDPULSE_NODE_ID ?? `${hostname()}-${config.PORT}`;
  const redis = config.GRIDPULSE_REDIS_URL ? connectRedis(config.GRIDPULSE_REDIS_URL) : undefined;
  const prefix = `${config.GRIDPULSE_CLUSTER_NAME}:${district.code}:`;
  const cluster = redis
    ? {
        nodeId,
        redis,
        prefix,
        membership: new Membership({ redis, prefix, nodeId, info: { port: String(config.PORT) }, url: config.GRIDPULSE_REDIS_URL }),
        streams: new EventStreams(redis, prefix, nodeId),
      }
    : undefined;
  const pg = config.GRIDPULSE_PG_URL ? await openPg(config.GRIDPULSE_PG_URL, config.GRIDPULSE_CLUSTER_NAME) : undefined;

  const gp = createApp({
    clock,
    ...(cluster ? { cluster } : {}),
    ...(pg ? { users: await PgUserStore.open(pg), dutyStore: await PgDutyStore.open(pg) } : {}),
    district,
    gridAt: index.gridAt,
    db,
    feeds,
    recordings,
    alerts: { rules, groups },
    config: {
      tickMs: config.GRIDPULSE_TICK_MS,
      areasEveryMs: config.GRIDPULSE_AREAS_MS,
      ingestToken: config.GRIDPULSE_INGEST_TOKEN,
      ingestLimitBytes: config.GRIDPULSE_INGEST_LIMIT_MB * 1024 * 1024,
      historyMs: config.GRIDPULSE_HISTORY_HOURS * 3_600_000,
      snapshotEveryMs: config.GRIDPULSE_SNAPSHOT_SECONDS * 1000,
      staticDir: resolve('dist/client'),
      simulated,
      mode: args.demo ? 'demo' : 'live',
      allowedOrigins: config.GRIDPULSE_ALLOWED_ORIGINS,
      anonymous: config.GRIDPULSE_ANONYMOUS === 'on',
      tokenTtlMs: config.GRIDPULSE_TOKEN_TTL_MIN * 60_000,
    },
    jwtSecret: loadJwtSecret(config.GRIDPULSE_JWT_SECRET, dataDir),
  });
  const firstAdmin = await ensureFirstAdmin(gp.auth, config.GRIDPULSE_ADMIN_PASSWORD);
  // The alert queue is back from the store (with its ack state) before anyone can connect.
  await gp.duty.ready;

  await new Promise<void>((done, fail) => {
    gp.httpServer.once('error', fail);
    gp.httpServer.listen(config.PORT, config.HOST, done);
  });
  if (cluster) {
    cluster.membership.setInfo({ epoch: gp.world.epoch });
    await cluster.membership.start();
  }
  gp.start();
  if (args.demo) {
    // The recording must be readable before we say it is playing.
    const id = recordings.idOf(args.demo.file);
    await gp.demo.load(id);
    await gp.demo.setSpeed(args.demo.speed);
    await gp.demo.setLoop(args.demo.loop);
    await gp.demo.play();
  }
  const address = gp.httpServer.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const base = `http://localhost:${port}`;
  process.stdout.write(
    [
      `GridPulse is running — ${district.name} (${district.areas.length} areas)${simulated ? ', simulated feeds on' : ''}`,
      ...(cluster ? [`  cluster   node ${nodeId} on ${config.GRIDPULSE_REDIS_URL}${pg ? ' + PostgreSQL' : ''} (ingest partitioned by street; see /healthz)`] : []),
      `  wall      ${base}/wall`,
      `  tablet    ${base}/tablet`,
      `  duty      ${base}/duty`,
      `  demo      ${base}/demo${args.demo ? `   replaying ${args.demo.file} at ${args.demo.speed}×${args.demo.loop ? ', looping' : ''} (every page shows it, marked DEMO)` : ''}`,
      `  health    ${base}/healthz   metrics ${base}/metrics`,
      `  ingest    POST ${base}/api/ingest  (Authorization: Bearer <GRIDPULSE_INGEST_TOKEN>)`,
      ...(config.GRIDPULSE_MQTT_URL ? [`  mqtt      ${config.GRIDPULSE_MQTT_URL}  topic ${config.GRIDPULSE_MQTT_TOPIC}`] : []),
      `  data      ${dataDir}`,
      `  access    anonymous read-only wall ${config.GRIDPULSE_ANONYMOUS === 'on' ? 'ON (GRIDPULSE_ANONYMOUS=off to require login)' : 'off: log in, or open /wall?token=…'}`,
      ...(firstAdmin.created
        ? [
            firstAdmin.generated
              ? `  admin     first start: user "admin", password ${firstAdmin.generated}  (shown once; change it, or set GRIDPULSE_ADMIN_PASSWORD)`
              : '  admin     first start: user "admin" created with GRIDPULSE_ADMIN_PASSWORD',
          ]
        : []),
      '',
    ].join('\n'),
  );

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    process.stdout.write(`${signal}: shutting down\n`);
    await gp.close();
    await cluster?.membership.stop();
    cluster?.streams.close();
    redis?.disconnect();
    await pg?.end();
    db.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  // Rules are data (DESIGN §3.5): an edited rules file (or SIGHUP) is validated and applied without a restart;
  // a file with errors is refused whole, with every error, and the rules in force stay.
  const reloadRules = (why: string) => {
    try {
      const next = loadAlertRules(config.GRIDPULSE_ALERT_RULES);
      gp.duty.applyRules(next.rules, next.silences);
      process.stdout.write(`alert rules reloaded (${why}): ${next.rules.length} rules, ${next.silences.length} silences\n`);
    } catch (err) {
      process.stderr.write(`alert rules NOT reloaded (${why}), the previous rules stay in force: ${(err as Error).message}\n`);
    }
  };
  process.on('SIGHUP', () => reloadRules('SIGHUP'));
  // Polled once a second against a baseline taken now, synchronously: `fs.watchFile` takes its baseline with an
  // asynchronous stat, and an edit made before that stat completes (a loaded machine) was never noticed.
  const watched = rulesPath(config.GRIDPULSE_ALERT_RULES);
  let seenMtime = statSync(watched, { throwIfNoEntry: false })?.mtimeMs;
  setInterval(() => {
    const mtime = statSync(watched, { throwIfNoEntry: false })?.mtimeMs;
    if (mtime === undefined || mtime === seenMtime) return;
    seenMtime = mtime;
    reloadRules('file changed');
  }, 1000).unref();
}

main().catch((err: unknown) => {
  const message = err instanceof ConfigError ? `configuration error: ${err.message}` : (err as Error).stack ?? String(err);
  process.stderr.write(`gridpulse: ${message}\n`);
  process.exit(1);
});
