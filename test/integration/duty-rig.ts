/**
 * A real server for the duty-workflow integration tests: createApp on port 0 with the tiny district, test alert
 * rules, a manual clock and (optionally) a file-backed store that a second start opens again (a restart).
 */
import type { AddressInfo } from 'node:net';
import type { AckResult, AlertNotification, IngestEventInput, Role, ServerToClientEvents } from '../../protocol';
import { createApp, type GridPulseApp } from '../../server/app';
import { alertRuleSchema } from '../../server/alerts/rule.schema';
import { ManualClock } from '../../server/pipeline/clock';
import { openDatabase, type Db } from '../../server/store/database';
import { loginToken } from '../helpers/auth';
import { connectClient, ingest, ndjson, T0, TEST_TOKEN, type TestSocket } from '../helpers/start-app';
import { pointInGrid } from '../fixtures/tiny-district';
import { tinyDistrict, tinyGridAt } from '../fixtures/tiny-district';

/** Critical smoke alarm and major SOS, per grid, raised as soon as one device reports (no `for`). */
export const DUTY_RULES = {
  rules: [
    alertRuleSchema.parse({ id: 'smoke-alarm', kind: 'threshold', name: '烟感报警', severity: 'critical', level: 'grid', metric: 'live.smokeAlarms', op: '>=', value: 1, escalation: null }),
    alertRuleSchema.parse({ id: 'elderly-sos', kind: 'threshold', name: '老人手环呼救', severity: 'major', level: 'grid', metric: 'live.sosActive', op: '>=', value: 1, escalation: null }),
  ],
  silences: [],
};

export interface DutyRig {
  gp: GridPulseApp;
  url: string;
  clock: ManualClock;
  db: Db;
  /** A JWT for a user created with this role and jurisdiction. */
  token(name: string, role: Role, area?: string): Promise<string>;
  socket(token?: string): Promise<TestSocket>;
  /** Stops the server (and the database); the data dir stays for a restart. */
  close(): Promise<void>;
}

export async function startDutyApp(opts: { dataDir?: string; clock?: ManualClock; tickMs?: number } = {}): Promise<DutyRig> {
  const clock = opts.clock ?? new ManualClock(T0);
  const db = openDatabase(opts.dataDir ?? ':memory:');
  const gp = createApp({
    clock,
    district: tinyDistrict(),
    gridAt: tinyGridAt,
    db,
    alerts: { rules: DUTY_RULES },
    // A fixed secret: tokens from before a restart stay valid after it.
    jwtSecret: new TextEncoder().encode('duty-integration-test-secret-0123456789'),
    config: {
      tickMs: opts.tickMs ?? 50,
      ingestToken: TEST_TOKEN,
      ingestLimitBytes: 1024 * 1024,
      historyMs: 24 * 3_600_000,
      simulated: false,
      mode: 'live',
      allowedOrigins: [],
    },
  });
  await gp.duty.ready;
  await new Promise<void>((resolve) => gp.httpServer.listen(0, '127.0.0.1', resolve));
  gp.start();
  const url = `http://127.0.0.1:${(gp.httpServer.address() as AddressInfo).port}`;
  const sockets: TestSocket[] = [];
  return {
    gp,
    url,
    clock,
    db,
    token: (name, role, area = '*') => loginToken(url, { name, role, area }, gp),
    async socket(token) {
      const s = await connectClient(url, token ? { token } : {});
      sockets.push(s);
      return s;
    },
    async close() {
      for (const s of sockets) s.disconnect();
      await gp.close();
      db.close();
    },
  };
}

let seq = 0;
/** A smoke detector (or an SOS wearable) alarming in grid i of the tiny district, through POST /api/ingest. */
export async function alarm(url: string, time: number, grid: number, kind: 'smoke' | 'sos' = 'smoke', on = true): Promise<void> {
  const device = kind === 'smoke' ? { deviceId: `smoke-${grid}`, deviceType: 'smoke' as const } : { deviceId: `band-${grid}`, deviceType: 'wearable' as const };
  const event: IngestEventInput = { kind: 'device.telemetry', id: `alarm-${++seq}-${time}`, source: 'test', time, ...pointInGrid(grid), ...device, metrics: { [kind]: on ? 1 : 0 } };
  const res = await ingest(url, ndjson([event]));
  if (res.status !== 200 || res.body.accepted !== 1) throw new Error(`ingest refused: ${JSON.stringify(res.body)}`);
}

/** Waits for the next notification of `event` that passes `test`. */
export function next<E extends keyof ServerToClientEvents>(
  socket: TestSocket,
  event: E,
  test: (payload: Parameters<ServerToClientEvents[E]>[0]) => boolean = () => true,
  timeoutMs = 5000,
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, on as never);
      reject(new Error(`no ${event} in ${timeoutMs} ms`));
    }, timeoutMs);
    const on = (payload: Parameters<ServerToClientEvents[E]>[0]) => {
      if (!test(payload)) return;
      clearTimeout(timer);
      socket.off(event, on as never);
      resolve(payload);
    };
    socket.on(event, on as never);
  });
}

/** Every alert notification a socket receives, in order. */
export function alertLog(socket: TestSocket): AlertNotification[] {
  const log: AlertNotification[] = [];
  for (const e of ['alert:raised', 'alert:updated', 'alert:cleared', 'alert:resolved'] as const) socket.on(e, (n) => log.push(n));
  return log;
}

/** Emits a request and resolves with its ack. */
export function request<T>(socket: TestSocket, event: string, payload: unknown): Promise<AckResult<T>> {
  return (socket.timeout(5000) as unknown as { emitWithAck(e: string, p: unknown): Promise<AckResult<T>> }).emitWithAck(event, payload);
}

/** A fetch with a bearer token; returns status and JSON body. */
export async function api(url: string, path: string, opts: { token?: string; method?: string; body?: unknown; raw?: string } = {}) {
  const res = await fetch(`${url}${path}`, {
    method: opts.method ?? (opts.body !== undefined || opts.raw !== undefined ? 'POST' : 'GET'),
    headers: {
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      ...(opts.body !== undefined || opts.raw !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & { error?: { code: string; message: string } } };
}
