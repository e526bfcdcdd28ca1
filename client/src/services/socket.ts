import { io, type Socket } from 'socket.io-client';
import {
  DEMO_NAMESPACE,
  type ClientToServerEvents,
  type DemoNamespaceClientEvents,
  type DemoNamespaceServerEvents,
  type ServerToClientEvents,
} from '../../../protocol';
import type { LiveTransport } from './live-sync';

/** The typed socket (STYLE 1): the only place the client touches socket.io-client. */
export type GridPulseSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface SocketOptions {
  /** JWT for non-anonymous deployments (`/wall?token=…`), sent as `auth.token`. */
  token?: string;
  /** How long a subscribe may wait for its ack. */
  ackTimeoutMs?: number;
  /** Socket.IO namespace: `/` (default) is the live world, `/demo` the demo replay (same frames). */
  namespace?: string;
}

/** A socket on the page's own origin, not yet connected. */
export function createSocket(options: SocketOptions = {}): GridPulseSocket {
  return io(options.namespace ?? '/', {
    autoConnect: false,
    transports: ['websocket', 'polling'],
    reconnectionDelay: 500,
    reconnectionDelayMax: 5_000,
    auth: options.token ? { token: options.token } : {},
  });
}

/**
 * Live transport over Socket.IO. Reconnects are socket.io's own; each `connect` (first or re-) is reported so
 * live sync re-subscribes and takes a fresh snapshot. A server-side disconnect is not retried by socket.io
 * itself, so it is retried here.
 */
export function createSocketTransport(options: SocketOptions = {}): LiveTransport & { socket: GridPulseSocket } {
  const socket = createSocket(options);
  const ackTimeoutMs = options.ackTimeoutMs ?? 10_000;
  let closed = false;

  socket.on('disconnect', (reason) => {
    if (reason === 'io server disconnect' && !closed) setTimeout(() => !closed && socket.connect(), 1_000);
  });

  return {
    socket,
    onConnect(fn) {
      socket.on('connect', fn);
      return () => socket.off('connect', fn);
    },
    onDisconnect(fn) {
      const h = (reason: Socket.DisconnectReason) => fn(reason);
      socket.on('disconnect', h);
      return () => socket.off('disconnect', h);
    },
    onConnectError(fn) {
      const h = (err: Error) => fn(err.message);
      socket.on('connect_error', h);
      return () => socket.off('connect_error', h);
    },
    onStatus(fn) {
      socket.on('status:changed', fn);
      return () => socket.off('status:changed', fn);
    },
    onDelta(fn) {
      socket.on('scope:changed', fn);
      return () => socket.off('scope:changed', fn);
    },
    subscribe(req) {
      return socket.timeout(ackTimeoutMs).emitWithAck('scope:subscribe', req);
    },
    connect() {
      closed = false;
      socket.connect();
    },
    close() {
      closed = true;
      socket.disconnect();
    },
  };
}

/** A socket to `/demo` with the presenter's controls typed on top of the scope requests. */
export type DemoSocket = Socket<DemoNamespaceServerEvents, DemoNamespaceClientEvents>;

/** The presenter's control socket on `/demo`, not yet connected. */
export function createDemoSocket(options: Pick<SocketOptions, 'token'> = {}): DemoSocket {
  return io(DEMO_NAMESPACE, {
    autoConnect: false,
    transports: ['websocket', 'polling'],
    reconnectionDelay: 500,
    reconnectionDelayMax: 5_000,
    auth: options.token ? { token: options.token } : {},
  });
}
