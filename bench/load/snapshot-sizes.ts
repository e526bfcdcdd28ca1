/**
 * What a full snapshot of each subscription costs on the wire now: one short-lived socket per subscription,
 * subscribed once; the size of the subscribe ack's Engine.IO packet is the figure.
 */
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, Layer, ServerToClientEvents } from '../../protocol';
import { subscriptionKey } from './plan';
import { packetBytes } from './stats';

type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

async function snapshotBytes(url: string, scope: string, layers: Layer[], timeoutMs: number): Promise<number> {
  const socket: LiveSocket = io(url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    timeout: timeoutMs,
  });
  try {
    let ackBytes = 0;
    // Packet type 3 = ACK: the subscribe answer, snapshot inside.
    socket.io.engine.on('packet', (p: { data?: unknown }) => {
      if (typeof p.data === 'string' && p.data.startsWith('3')) ackBytes = packetBytes(p.data);
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', (err) => reject(new Error(`snapshot probe ${scope}: ${err.message}`)));
    });
    // A cluster taking a partition over answers `internal` for a moment: ask again, as a client would.
    let res = await socket.timeout(timeoutMs).emitWithAck('scope:subscribe', { scope, layers });
    for (let attempt = 1; !res.ok && res.error.code === 'internal' && attempt < 10; attempt++) {
      await new Promise((r) => setTimeout(r, 1_000));
      res = await socket.timeout(timeoutMs).emitWithAck('scope:subscribe', { scope, layers });
    }
    if (!res.ok) throw new Error(`snapshot probe ${scope}: ${res.error.code}: ${res.error.message}`);
    if (ackBytes === 0) throw new Error(`snapshot probe ${scope}: the ack packet was not seen`);
    return ackBytes;
  } finally {
    socket.close();
  }
}

/** Snapshot bytes by subscription key, for each distinct (scope, layers). */
export async function measureSnapshots(
  url: string,
  subs: readonly { scope: string; layers: Layer[] }[],
  timeoutMs = 60_000,
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const s of subs) {
    const key = subscriptionKey(s);
    if (!out.has(key)) out.set(key, await snapshotBytes(url, s.scope, s.layers, timeoutMs));
  }
  return out;
}
