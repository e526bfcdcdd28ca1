/** IPC between the load benchmark and its client processes (client-proc.ts). */
import type { Screen, ScreenKind } from './plan';
import type { SubscriptionBytes } from './stats';

export interface ClientAssignment extends Screen {
  /** Server base URL this client connects to. */
  url: string;
}

export type ToClientProc =
  | { type: 'start'; clients: ClientAssignment[]; concurrency: number; timeoutMs: number }
  /** Byte and frame counters restart at this message (the steady window begins). */
  | { type: 'window-start' }
  /** Counters freeze; probe receptions keep being recorded until `report`. */
  | { type: 'window-end' }
  | { type: 'report' }
  | { type: 'close' };

export interface KindTally {
  clients: number;
  bytesIn: number;
  deltaBytes: number;
  frames: number;
}

export interface ClientProcReport {
  type: 'report';
  /** Window length as this process measured it (ms, from window-start to window-end). */
  windowMs: number;
  clients: number;
  connected: number;
  byKind: Record<ScreenKind, KindTally>;
  bySubscription: SubscriptionBytes[];
  /** Sequence gaps and new epochs seen (each would make a real client resync), over the whole run. */
  gaps: number;
  epochChanges: number;
  duplicates: number;
  disconnects: number;
  /** Subscribe answers `internal` / `rate_limited` that the client retried after a pause. */
  subscribeRetries: number;
  gapsByUrl: Record<string, number>;
  /** Flat [probe time, receive time (epoch ms)] pairs per reception, by kind of screen. */
  probes: Record<ScreenKind, number[]>;
  /** utime + stime of this process over the window, ms. */
  cpuMs: number;
}

export type FromClientProc =
  | { type: 'ready'; connected: number; failed: number; firstError?: string }
  | ClientProcReport
  | { type: 'fatal'; message: string };
