import type { Namespace, Server, Socket } from 'socket.io';
import type {
  Principal,
  ClientToServerEvents,
  DemoNamespaceClientEvents,
  DemoNamespaceServerEvents,
  ServerToClientEvents,
} from '../../protocol';

/** Events between server nodes (the Redis adapter); none yet. */
export type InterServerEvents = Record<string, never>;

export interface SocketData {
  /** scope → room key of this socket's subscription to it. */
  rooms: Map<string, string>;
  /** Who this socket is, decided by the auth middleware on connect and on every reconnect (DESIGN §3.6). */
  principal: Principal;
}

export type GridPulseServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type GridPulseSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
/** One namespace of the server: `/` for the live world, `/demo` for the demo world (DESIGN §9.8). */
export type GridPulseNamespace = Namespace<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
/** `/demo` with its controls typed on top of the scope requests. */
export type DemoNamespace = Namespace<DemoNamespaceClientEvents, DemoNamespaceServerEvents, InterServerEvents, SocketData>;
export type DemoSocket = Socket<DemoNamespaceClientEvents, DemoNamespaceServerEvents, InterServerEvents, SocketData>;
