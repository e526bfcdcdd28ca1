import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '../../protocol';

/** Events between server nodes (the Redis adapter); none yet. */
export type InterServerEvents = Record<string, never>;

export interface SocketData {
  /** scope → room key of this socket's subscription to it. */
  rooms: Map<string, string>;
}

export type GridPulseServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type GridPulseSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
