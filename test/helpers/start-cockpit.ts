import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { builtinDistrict } from '../../geo/district';
import { createGridIndex } from '../../geo/grid-index';
import { buildClientIfStale } from '../../scripts/build-client.mjs';
import { createApp, type GridPulseApp } from '../../server/app';
import type { RecordingSource } from '../../server/demo/demo-session';
import type { Feed } from '../../server/feeds/feed';
import { systemClock } from '../../server/pipeline/clock';
import { openDatabase } from '../../server/store/database';
import { TEST_TOKEN } from './start-app';

/**
 * The whole product as a user gets it: built client, built-in district, real clock, on port 0.
 * Feeds are off unless given, so a test controls exactly what arrives.
 */
export async function startCockpit(opts: { feeds?: Feed[]; simulated?: boolean; recordings?: RecordingSource } = {}) {
  if (buildClientIfStale({ quiet: true }) !== 0) throw new Error('client build failed');
  const district = builtinDistrict();
  const index = createGridIndex(district);
  const db = openDatabase(':memory:');
  const gp: GridPulseApp = createApp({
    clock: systemClock,
    district,
    gridAt: index.gridAt,
    db,
    feeds: opts.feeds,
    recordings: opts.recordings,
    config: {
      tickMs: 250,
      ingestToken: TEST_TOKEN,
      ingestLimitBytes: 16 * 1024 * 1024,
      historyMs: 3_600_000,
      staticDir: resolve('dist/client'),
      simulated: opts.simulated ?? false,
      mode: 'live',
      allowedOrigins: [],
    },
  });
  await new Promise<void>((done) => gp.httpServer.listen(0, '127.0.0.1', done));
  gp.start();
  const { port } = gp.httpServer.address() as AddressInfo;
  return {
    gp,
    district,
    url: `http://127.0.0.1:${port}`,
    async close() {
      await gp.close();
      db.close();
    },
  };
}
