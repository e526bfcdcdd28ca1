import type { Namespace, Server, Socket } from 'socket.io';
import type {
  DeltaFrame,
  Layer,
  Principal,
  SnapshotFrame,
  ClientToServerEvents,
  DemoNamespaceClientEvents,
  DemoNamespaceServerEvents,
  ServerToClientEvents,
} from '../../protocol';

/** A request from one node to another, answered by the node named `to` (the others answer null). */
export interface ClusterOpenRequest {
  to: string;
  scope: string;
  layers: Layer[];
  masked: boolean;
}
export interface ClusterDutyRequest {
  /** A node id, `*holder` (the node holding `alertId` live answers) or `*every` (every node answers). */
  to: string;
  call: 'act' | 'list' | 'detail' | 'audit';
  args: unknown[];
  alertId?: string;
}

/** Events between server nodes over the Redis adapter (DESIGN §7): remote snapshots, duty calls to the owner. */
export interface InterServerEvents {
  'cluster:open': (req: ClusterOpenRequest, ack: (snapshot: SnapshotFrame | null) => void) => void;
  'cluster:duty': (req: ClusterDutyRequest, ack: (result: unknown) => void) => void;
  /** A frame of a street's room that the coordinator of the spanning scopes follows (its key), from its owner. */
  'cluster:frame': (key: string, frame: DeltaFrame) => void;
}

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
