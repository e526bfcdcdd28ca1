import { io, type Socket } from 'socket.io-client';
import {
  DEMO_NAMESPACE,
  type AlertNotification,
  type ClientToServerEvents,
  type DemoNamespaceClientEvents,
  type DemoNamespaceServerEvents,
  type ServerToClientEvents,
} from '../../../protocol';
import type { AlertNotificationEvent, AlertTransport } from '../stores/alerts';
import type { LiveTransport } from './live-sync';

/** The typed socket (STYLE 1): the only place the client touches socket.io-client. */
export type GridPulseSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface SocketOptions {
  /**
   * JWT for non-anonymous deployments (`/wall?token=…`, a login), sent as `auth.token`. A function is asked on
   * every (re)connect, so a reconnect after a new login carries the new token.
   */
  token?: string | (() => string | undefined);
  /** How long a subscribe may wait for its ack. */
  ackTimeoutMs?: number;
  /** Socket.IO namespace: `/` (default) is the live world, `/demo` the demo replay (same frames). */
  namespace?: string;
}

type SocketListener = (socket: GridPulseSocket, namespace: string) => void;
const socketListeners = new Set<SocketListener>();

/**
 * Tells `fn` about every socket created from now on, so a page's alert store rides on the socket its live
 * session opened (one connection per page). Returns the unsubscribe function.
 */
export function onSocketCreated(fn: SocketListener): () => void {
  socketListeners.add(fn);
  return () => socketListeners.delete(fn);
}

function handshakeAuth(token: SocketOptions['token']) {
  if (typeof token !== 'function') return token ? { token } : {};
  return (cb: (data: object) => void) => {
    const value = token();
    cb(value ? { token: value } : {});
  };
}

/** A socket on the page's own origin, not yet connected. */
export function createSocket(options: SocketOptions = {}): GridPulseSocket {
  const namespace = options.namespace ?? '/';
  const socket: GridPulseSocket = io(namespace, {
    autoConnect: false,
    transports: ['websocket', 'polling'],
    reconnectionDelay: 500,
    reconnectionDelayMax: 5_000,
    auth: handshakeAuth(options.token),
  });
  for (const fn of socketListeners) fn(socket, namespace);
  return socket;
}

const ALERT_NOTIFICATIONS: readonly AlertNotificationEvent[] = ['alert:raised', 'alert:updated', 'alert:cleared', 'alert:resolved'];

/** The alert store's view of a socket: duty requests with acks (timing out), alert notifications, KPIs. */
export function createAlertTransport(socket: GridPulseSocket, ackTimeoutMs = 8_000): AlertTransport {
  return {
    get connected() {
      return socket.connected;
    },
    onConnect(fn) {
      socket.on('connect', fn);
      return () => socket.off('connect', fn);
    },
    onDisconnect(fn) {
      socket.on('disconnect', fn);
      return () => socket.off('disconnect', fn);
    },
    onNotification(fn) {
      const offs = ALERT_NOTIFICATIONS.map((event) => {
        const h = (n: AlertNotification) => fn(event, n);
        socket.on(event, h);
        return () => socket.off(event, h);
      });
      return () => offs.forEach((off) => off());
    },
    onActioned(fn) {
      socket.on('alert:actioned', fn);
      return () => socket.off('alert:actioned', fn);
    },
    onKpis(fn) {
      socket.on('kpis:changed', fn);
      return () => socket.off('kpis:changed', fn);
    },
    list: () => socket.timeout(ackTimeoutMs).emitWithAck('alert:list', { include: 'open' }),
    detail: (alertId) => socket.timeout(ackTimeoutMs).emitWithAck('alert:detail', { alertId }),
    // One event per action, same request shape (protocol/duty.ts); the union of signatures cannot be named here.
    act: (action, req) => socket.timeout(ackTimeoutMs).emitWithAck(`alert:${action}` as 'alert:note', req as never),
  };
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
    auth: handshakeAuth(options.token),
  });
}
