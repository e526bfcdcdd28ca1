/**
 * The server the SIGKILL fault test kills: the real createApp with a file-backed store in DATA_DIR, the tiny
 * district, the system clock and no simulation (it starts in well under a second). Prints `READY <port>` once it
 * listens. Users `fault1..3` (duty) are created on the first start; the JWT secret is fixed so tokens outlive a kill.
 */
import type { AddressInfo } from 'node:net';
import { createApp } from '../../server/app';
import { alertRuleSchema } from '../../server/alerts/rule.schema';
import { systemClock } from '../../server/pipeline/clock';
import { openDatabase } from '../../server/store/database';
import { tinyDistrict, tinyGridAt } from '../fixtures/tiny-district';
import { FAULT_INGEST_TOKEN, FAULT_PASSWORD, FAULT_USERS } from './duty-fault-config';

async function main(): Promise<void> {
  const dataDir = process.env.DATA_DIR;
  if (!dataDir) throw new Error('DATA_DIR is required');
  const db = openDatabase(dataDir);
  const gp = createApp({
    clock: systemClock,
    district: tinyDistrict(),
    gridAt: tinyGridAt,
    db,
    alerts: {
      rules: {
        rules: [alertRuleSchema.parse({ id: 'smoke-alarm', kind: 'threshold', name: '烟感报警', severity: 'critical', level: 'grid', metric: 'live.smokeAlarms', op: '>=', value: 1, escalation: null })],
        silences: [],
      },
    },
    // No text analysis is needed here: skip loading the jieba dictionary.
    analyze: () => ({ sentiment: 0, keywords: [] }),
    jwtSecret: new TextEncoder().encode('fault-test-secret-0123456789abcdef'),
    config: {
      tickMs: 50,
      ingestToken: FAULT_INGEST_TOKEN,
      ingestLimitBytes: 1024 * 1024,
      historyMs: 24 * 3_600_000,
      simulated: false,
      mode: 'live',
      allowedOrigins: [],
    },
  });
  for (const name of FAULT_USERS)
    if (!(await gp.auth.users.get(name))) await gp.auth.addUser({ name, password: FAULT_PASSWORD, role: 'duty', area: '*' });
  await gp.duty.ready;
  await new Promise<void>((resolve) => gp.httpServer.listen(0, '127.0.0.1', resolve));
  gp.start();
  process.stdout.write(`READY ${(gp.httpServer.address() as AddressInfo).port}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`duty-server: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
