/**
 * Composition root: the only place that reads the environment and listens (STYLE.md 2).
 * `npm start` runs it through scripts/start.mjs after building the client if needed.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createGridIndex } from '../geo/grid-index';
import { createSimulation } from '../mock-streams/simulation';
import { createApp } from './app';
import { ConfigError, loadConfig } from './config';
import { loadDistrict } from './district-loader';
import { createClockedFeed } from './feeds/clocked-feed';
import type { Feed } from './feeds/feed';
import { createMqttFeed } from './ingest/mqtt-ingest';
import { systemClock } from './pipeline/clock';
import { openDatabase } from './store/database';
import { lastEventTime } from './store/event-log';

/** On a fresh start the simulation pre-rolls this much history so the cockpit is full at once. */
const SIM_PREROLL_MS = 60 * 60_000;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { help: { type: 'boolean', short: 'h' } }, strict: true });
  if (values.help) {
    process.stdout.write('Usage: npm start\nConfiguration by environment variables: see README.md "Configuration".\n');
    return;
  }
  const config = loadConfig(process.env);
  const clock = systemClock;
  const district = loadDistrict(config.GEO);
  const index = createGridIndex(district);
  const dataDir = resolve(config.DATA_DIR);
  const db = openDatabase(dataDir);

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

  const gp = createApp({
    clock,
    district,
    gridAt: index.gridAt,
    db,
    feeds,
    config: {
      tickMs: config.GRIDPULSE_TICK_MS,
      ingestToken: config.GRIDPULSE_INGEST_TOKEN,
      ingestLimitBytes: config.GRIDPULSE_INGEST_LIMIT_MB * 1024 * 1024,
      historyMs: config.GRIDPULSE_HISTORY_HOURS * 3_600_000,
      staticDir: resolve('dist/client'),
      simulated,
      mode: 'live',
      allowedOrigins: config.GRIDPULSE_ALLOWED_ORIGINS,
    },
  });

  await new Promise<void>((done, fail) => {
    gp.httpServer.once('error', fail);
    gp.httpServer.listen(config.PORT, config.HOST, done);
  });
  gp.start();
  const address = gp.httpServer.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const base = `http://localhost:${port}`;
  process.stdout.write(
    [
      `GridPulse is running — ${district.name} (${district.areas.length} areas)${simulated ? ', simulated feeds on' : ''}`,
      `  wall      ${base}/wall`,
      `  tablet    ${base}/tablet`,
      `  duty      ${base}/duty`,
      `  health    ${base}/healthz   metrics ${base}/metrics`,
      `  ingest    POST ${base}/api/ingest  (Authorization: Bearer <GRIDPULSE_INGEST_TOKEN>)`,
      ...(config.GRIDPULSE_MQTT_URL ? [`  mqtt      ${config.GRIDPULSE_MQTT_URL}  topic ${config.GRIDPULSE_MQTT_TOPIC}`] : []),
      `  data      ${dataDir}`,
      '',
    ].join('\n'),
  );

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    process.stdout.write(`${signal}: shutting down\n`);
    await gp.close();
    db.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  const message = err instanceof ConfigError ? `configuration error: ${err.message}` : (err as Error).stack ?? String(err);
  process.stderr.write(`gridpulse: ${message}\n`);
  process.exit(1);
});
