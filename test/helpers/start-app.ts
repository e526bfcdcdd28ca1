import type { AddressInfo } from 'node:net';
import { io as connect, type Socket } from 'socket.io-client';
import {
  applyScopeChanges,
  type ClientToServerEvents,
  type DeltaFrame,
  type Layer,
  type ScopeState,
  type ServerToClientEvents,
  type SnapshotFrame,
} from '../../protocol';
import { createApp, type AppConfig, type AppDeps, type GridPulseApp } from '../../server/app';
import type { Feed } from '../../server/feeds/feed';
import { ManualClock, type Clock } from '../../server/pipeline/clock';
import { openDatabase } from '../../server/store/database';
import { tinyDistrict, tinyGridAt } from '../fixtures/tiny-district';

export const TEST_TOKEN = 'test-ingest-token';
/** 2026-11-28 10:00 Asia/Shanghai. */
export const T0 = Date.UTC(2026, 10, 28, 2, 0, 0);

export interface RunningApp {
  gp: GridPulseApp;
  url: string;
  clock: Clock;
  close(): Promise<void>;
}

/** Starts the real server (createApp) on port 0 with the tiny district, an in-memory store and a manual clock. */
export async function startApp(
  opts: { clock?: Clock; config?: Partial<AppConfig>; feeds?: Feed[]; alerts?: AppDeps['alerts'] } = {},
): Promise<RunningApp> {
  const clock = opts.clock ?? new ManualClock(T0);
  const db = openDatabase(':memory:');
  const gp = createApp({
    clock,
    district: tinyDistrict(),
    gridAt: tinyGridAt,
    db,
    feeds: opts.feeds,
    alerts: opts.alerts,
    config: {
      tickMs: 50,
      ingestToken: TEST_TOKEN,
      ingestLimitBytes: 1024 * 1024,
      historyMs: 24 * 3_600_000,
      simulated: false,
      mode: 'live',
      allowedOrigins: [],
      ...opts.config,
    },
  });
  await new Promise<void>((resolve) => gp.httpServer.listen(0, '127.0.0.1', resolve));
  gp.start();
  const { port } = gp.httpServer.address() as AddressInfo;
  return {
    gp,
    url: `http://127.0.0.1:${port}`,
    clock,
    async close() {
      await gp.close();
      db.close();
    },
  };
}

export type TestSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A connected socket.io client; `token` is sent as `auth.token` (DESIGN §3.6). */
export async function connectClient(url: string, opts: { token?: string } = {}): Promise<TestSocket> {
  const socket: TestSocket = connect(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth: opts.token ? { token: opts.token } : {},
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

/** Collects delta frames as they come, and waits for one that satisfies a predicate. */
export function frameCollector(socket: TestSocket) {
  const frames: DeltaFrame[] = [];
  const waiters: { test: (f: DeltaFrame) => boolean; resolve: (f: DeltaFrame) => void }[] = [];
  socket.on('scope:changed', (frame) => {
    frames.push(frame);
    for (const w of [...waiters]) {
      if (w.test(frame)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(frame);
      }
    }
  });
  return {
    frames,
    next(test: (f: DeltaFrame) => boolean, timeoutMs = 5000): Promise<DeltaFrame> {
      const found = frames.find(test);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no matching frame in time')), timeoutMs);
        waiters.push({ test, resolve: (f) => (clearTimeout(timer), resolve(f)) });
      });
    },
  };
}

/**
 * Follows one scope subscription as a client does: the snapshot, then each delta in seq order patched in
 * (protocol/frame-patch.ts). A gap, a new epoch or a patch that does not fit is recorded in `errors`, never skipped.
 */
export function followScope(socket: TestSocket, scope: string, layers: Layer[]) {
  let state: ScopeState | undefined;
  let epoch = '';
  let seq = -1;
  /** A subscribe is on its way: deltas wait for its snapshot (a delta can come in the same read as the ack). */
  let awaiting = false;
  const early: DeltaFrame[] = [];
  const errors: string[] = [];
  const frames: DeltaFrame[] = [];
  const waiters: (() => void)[] = [];
  const apply = (f: DeltaFrame) => {
    if (f.epoch !== epoch) return void errors.push(`epoch ${f.epoch} after ${epoch}`);
    if (f.seq <= seq) return;
    if (f.seq !== seq + 1) return void errors.push(`gap: seq ${f.seq} after ${seq}`);
    seq = f.seq;
    try {
      state = applyScopeChanges(state!, f.changes);
    } catch (err) {
      errors.push(`seq ${f.seq}: ${(err as Error).message}`);
    }
    frames.push(f);
    for (const w of waiters.splice(0)) w();
  };
  socket.on('scope:changed', (f) => {
    if (f.scope !== scope) return;
    if (state && !awaiting) apply(f);
    else early.push(f);
  });
  return {
    frames,
    errors,
    get state(): ScopeState {
      if (!state) throw new Error('not subscribed yet');
      return state;
    },
    get seq() {
      return seq;
    },
    async subscribe(): Promise<SnapshotFrame> {
      awaiting = true;
      const ack = await socket.timeout(10_000).emitWithAck('scope:subscribe', { scope, layers });
      awaiting = false;
      if (!ack.ok) throw new Error(`subscribe ${scope}: ${ack.error.message}`);
      state = ack.data.state;
      epoch = ack.data.epoch;
      seq = ack.data.seq;
      for (const f of early.splice(0)) apply(f);
      return ack.data;
    },
    /** Resolves with the state once `test` holds (checked after every delta). */
    until(test: (s: ScopeState) => boolean, timeoutMs = 5000): Promise<ScopeState> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`state not reached in ${timeoutMs} ms (errors: ${errors.join('; ') || 'none'})`)),
          timeoutMs,
        );
        const check = () => {
          if (state && test(state)) {
            clearTimeout(timer);
            resolve(state);
          } else waiters.push(check);
        };
        check();
      });
    },
  };
}

export async function ingest(url: string, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}/api/ingest`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/x-ndjson', ...headers },
    body,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

export function ndjson(events: unknown[]): string {
  return events.map((e) => JSON.stringify(e)).join('\n') + '\n';
}
