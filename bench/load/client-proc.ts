/**
 * A client process of the load benchmark: many real socket.io-client sockets (WebSocket transport), each
 * subscribed to one scope like a screen, each running the client's own frame sequencer (seq continuity,
 * epoch), counting the bytes of every inbound Engine.IO packet, and recording when probe devices arrive.
 * Driven over IPC by bench/load.ts (messages.ts); exits when its parent goes away.
 */
import { io, type Socket } from 'socket.io-client';
import { createFrameSequencer, type FrameSequencer } from '../../client/src/services/frame-sequencer';
import type { ClientToServerEvents, DeltaFrame, ServerToClientEvents, SnapshotFrame } from '../../protocol';
import type { ClientAssignment, ClientProcReport, FromClientProc, KindTally, ToClientProc } from './messages';
import { subscriptionKey, type ScreenKind } from './plan';
import { isDeltaPacket, packetBytes } from './stats';

type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

interface Client {
  a: ClientAssignment;
  key: string;
  socket: LiveSocket;
  sequencer: FrameSequencer;
  bytesIn: number;
  deltaBytes: number;
  frames: number;
}

const PROBE_PREFIX = 'probe-';
const KINDS: ScreenKind[] = ['wall', 'tablet', 'grid'];

const send = (m: FromClientProc) => process.send?.(m);

const clients: Client[] = [];
let counting = false;
let closing = false;
let windowStart = 0;
let windowMs = 0;
let cpuStart = process.cpuUsage();
let cpuMs = 0;
let gaps = 0;
let epochChanges = 0;
let duplicates = 0;
let disconnects = 0;
let subscribeRetries = 0;
/** Gaps and epoch changes by server URL: with several nodes, which node's clients saw them. */
const gapsByUrl: Record<string, number> = {};
const countGap = (c: Client) => (gapsByUrl[c.a.url] = (gapsByUrl[c.a.url] ?? 0) + 1);
const probes: Record<ScreenKind, number[]> = { wall: [], tablet: [], grid: [] };
let subscribeTimeoutMs = 60_000;

function recordProbes(kind: ScreenKind, frame: DeltaFrame, receivedAt: number): void {
  const devices = frame.changes.devices;
  if (!devices) return;
  const into = probes[kind];
  for (const d of devices) if (d.id.startsWith(PROBE_PREFIX)) into.push(d.lastSeen, receivedAt);
}

function applied(c: Client, frame: DeltaFrame, receivedAt: number): void {
  if (counting) c.frames++;
  recordProbes(c.a.kind, frame, receivedAt);
}

/** Answers a client retries after a pause, as the real one does: the server is busy or taking over. */
const RETRYABLE = new Set(['internal', 'rate_limited']);
const MAX_SUBSCRIBE_TRIES = 5;

/** Subscribes (again); resolves once the snapshot is in. A real client does this on connect and on every gap. */
function subscribe(c: Client, attempt = 1): Promise<void> {
  c.sequencer.expectSnapshot();
  return new Promise((resolve, reject) => {
    c.socket
      .timeout(subscribeTimeoutMs)
      .emit('scope:subscribe', { scope: c.a.scope, layers: c.a.layers }, (err: Error | null, res) => {
        if (err) return reject(new Error(`subscribe ${c.key}: no answer in ${subscribeTimeoutMs} ms`));
        if (!res.ok) {
          if (RETRYABLE.has(res.error.code) && attempt < MAX_SUBSCRIBE_TRIES) {
            subscribeRetries++;
            const wait = res.error.retryAfterMs ?? 1_000;
            setTimeout(() => subscribe(c, attempt + 1).then(resolve, reject), wait);
            return;
          }
          return reject(new Error(`subscribe ${c.key}: ${res.error.code}: ${res.error.message} (try ${attempt})`));
        }
        const receivedAt = Date.now();
        const decision = c.sequencer.acceptSnapshot(res.data as SnapshotFrame);
        for (const f of decision.then) applied(c, f, receivedAt);
        if (decision.resync) {
          gaps++;
          countGap(c);
          void subscribe(c).catch(() => undefined);
        }
        resolve();
      });
  });
}

function open(a: ClientAssignment): Promise<Client> {
  const socket: LiveSocket = io(a.url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    timeout: subscribeTimeoutMs,
  });
  const c: Client = {
    a,
    key: subscriptionKey(a),
    socket,
    sequencer: createFrameSequencer(),
    bytesIn: 0,
    deltaBytes: 0,
    frames: 0,
  };
  // The engine exists as soon as io() returns (autoConnect); its `packet` event sees every inbound packet.
  socket.io.engine.on('packet', (p: { data?: unknown }) => {
    if (!counting) return;
    const data = p.data;
    const bytes = typeof data === 'string' ? packetBytes(data) : 1;
    c.bytesIn += bytes;
    if (isDeltaPacket(data)) c.deltaBytes += bytes;
  });
  socket.on('scope:changed', (frame) => {
    const receivedAt = Date.now();
    const d = c.sequencer.acceptDelta(frame);
    if (d.action === 'apply') for (const f of d.frames) applied(c, f, receivedAt);
    else if (d.action === 'resync') {
      if (d.reason === 'epoch') epochChanges++;
      else gaps++;
      countGap(c);
      void subscribe(c).catch(() => undefined);
    } else if (d.reason === 'duplicate') duplicates++;
  });
  socket.on('disconnect', () => {
    if (!closing) disconnects++;
    c.sequencer.reset();
  });
  return new Promise((resolve, reject) => {
    socket.once('connect_error', (err) => {
      socket.close();
      reject(new Error(`connect ${a.url}: ${err.message}`));
    });
    socket.once('connect', () => {
      subscribe(c).then(
        () => resolve(c),
        (err: unknown) => {
          socket.close();
          reject(err instanceof Error ? err : new Error(String(err)));
        },
      );
    });
  });
}

async function start(list: ClientAssignment[], concurrency: number): Promise<void> {
  let next = 0;
  let failed = 0;
  let firstError: string | undefined;
  const worker = async () => {
    while (next < list.length) {
      const a = list[next++]!;
      try {
        clients.push(await open(a));
      } catch (err) {
        failed++;
        firstError ??= (err as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  send({ type: 'ready', connected: clients.length, failed, ...(firstError ? { firstError } : {}) });
}

function report(): ClientProcReport {
  const byKind = Object.fromEntries(
    KINDS.map((k) => [k, { clients: 0, bytesIn: 0, deltaBytes: 0, frames: 0 } satisfies KindTally]),
  ) as Record<ScreenKind, KindTally>;
  const bySub = new Map<string, { key: string; clients: number; deltaBytes: number }>();
  for (const c of clients) {
    const k = byKind[c.a.kind];
    k.clients++;
    k.bytesIn += c.bytesIn;
    k.deltaBytes += c.deltaBytes;
    k.frames += c.frames;
    const s = bySub.get(c.key) ?? { key: c.key, clients: 0, deltaBytes: 0 };
    s.clients++;
    s.deltaBytes += c.deltaBytes;
    bySub.set(c.key, s);
  }
  return {
    type: 'report',
    windowMs,
    clients: clients.length,
    connected: clients.filter((c) => c.socket.connected).length,
    byKind,
    bySubscription: [...bySub.values()],
    gaps,
    epochChanges,
    duplicates,
    disconnects,
    subscribeRetries,
    gapsByUrl,
    probes,
    cpuMs,
  };
}

function close(): void {
  closing = true;
  for (const c of clients) c.socket.close();
  // Let the close frames go out, then leave even if a socket hangs.
  setTimeout(() => process.exit(0), 200).unref();
}

process.on('message', (m: ToClientProc) => {
  switch (m.type) {
    case 'start':
      subscribeTimeoutMs = m.timeoutMs;
      void start(m.clients, m.concurrency).catch((err: unknown) =>
        send({ type: 'fatal', message: (err as Error).stack ?? String(err) }),
      );
      break;
    case 'window-start':
      for (const c of clients) {
        c.bytesIn = 0;
        c.deltaBytes = 0;
        c.frames = 0;
      }
      windowStart = Date.now();
      cpuStart = process.cpuUsage();
      counting = true;
      break;
    case 'window-end': {
      counting = false;
      windowMs = Date.now() - windowStart;
      const cpu = process.cpuUsage(cpuStart);
      cpuMs = (cpu.user + cpu.system) / 1000;
      break;
    }
    case 'report':
      send(report());
      break;
    case 'close':
      close();
      break;
  }
});
process.on('disconnect', close);
process.on('uncaughtException', (err) => {
  send({ type: 'fatal', message: err.stack ?? String(err) });
  process.exit(1);
});
