/**
 * The server under fuzz, as its own process (so its memory is measured alone): the tiny district, an in-memory
 * store, the smoke-alarm rule, a duty user `fuzz` / `fuzz-password`. Prints `{"port": n}` once listening.
 * `FUZZ_REQUEST_POINTS` raises the per-socket request budget so random payloads reach validation.
 */
import type { AddressInfo } from 'node:net';
import { createApp } from '../../server/app';
import { parseAlertRules } from '../../server/alerts/rules-loader';
import { systemClock } from '../../server/pipeline/clock';
import { openDatabase } from '../../server/store/database';
import { tinyDistrict, tinyGridAt } from '../fixtures/tiny-district';

const rules = parseAlertRules({
  version: 1,
  rules: [{ id: 'smoke-alarm', kind: 'threshold', name: '烟感报警', nameEn: 'Smoke alarm', severity: 'critical', level: 'grid', metric: 'live.smokeAlarms', op: '>=', value: 1 }],
});
if (!rules.ok) throw new Error(rules.errors.join('\n'));
const points = Number(process.env.FUZZ_REQUEST_POINTS ?? 0);
const gp = createApp({
  clock: systemClock,
  district: tinyDistrict(),
  gridAt: tinyGridAt,
  db: openDatabase(':memory:'),
  alerts: { rules: rules.value },
  config: {
    tickMs: 100,
    ingestToken: 'fuzz-ingest-token',
    ingestLimitBytes: 1024 * 1024,
    historyMs: 3_600_000,
    simulated: false,
    mode: 'live',
    allowedOrigins: [],
    ...(points > 0 ? { requestLimit: { points, windowSeconds: 1 } } : {}),
  },
});
await gp.auth.addUser({ name: 'fuzz', password: 'fuzz-password', role: 'duty', area: '*' });
await new Promise<void>((resolve) => gp.httpServer.listen(0, '127.0.0.1', resolve));
gp.start();
process.stdout.write(`${JSON.stringify({ port: (gp.httpServer.address() as AddressInfo).port })}\n`);
