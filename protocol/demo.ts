import { z } from 'zod';
import type { Ack } from './errors';
import type { ClientToServerEvents, ServerToClientEvents } from './socket-events';

/**
 * Demo mode (DESIGN §1 presenter, §9.8): a recording replayed through the same pipeline on a virtual clock, in
 * a world of its own on the Socket.IO namespace `/demo`. Scope subscriptions work there exactly as on `/`.
 */
export const DEMO_NAMESPACE = '/demo';
export const DEMO_MIN_SPEED = 1;
export const DEMO_MAX_SPEED = 600;
/** Speeds the presenter controls offer as buttons; any value in [1, 600] is accepted. */
export const DEMO_SPEED_PRESETS = [1, 10, 60, 120, 300, 600] as const;

/** A recording the server can replay. */
export interface RecordingInfo {
  /** Stable id to load it by (the file name without `.ndjson.gz`). */
  id: string;
  /** Where it comes from: `shipped` with GridPulse, `data` dir, or the `--demo` argument. */
  origin: 'shipped' | 'data' | 'argument';
  /** Event-time span, epoch ms. */
  start: number;
  end: number;
  events: number;
  district: string;
  deviceCount?: number;
  /** The scenarios (incidents) played in it, if it says: name, start (epoch ms) and duration. */
  scenarios: { name: string; start: number; durationMs: number }[];
}

export type DemoState = 'idle' | 'playing' | 'paused' | 'ended';

/** `demo:status`: where the replay is; sent on change and at least once a second while playing. */
export interface DemoStatus {
  /** The loaded recording; null before one is loaded (state `idle`). */
  recording: RecordingInfo | null;
  state: DemoState;
  speed: number;
  loop: boolean;
  /** The demo world's clock, epoch ms (virtual time). */
  virtualTime: number;
  /** Span of the loaded recording (0 when none). */
  start: number;
  end: number;
  /** Epoch of the demo world: a new one after every load and backwards seek, so clients resync. */
  epoch: string;
  /** Why the replay stopped early (a recording that cannot be read to the end); null otherwise. */
  error: string | null;
}

export const demoLoadRequestSchema = z.strictObject({ recordingId: z.string().min(1).max(200) });
export type DemoLoadRequest = z.input<typeof demoLoadRequestSchema>;

export const demoSpeedRequestSchema = z.strictObject({
  speed: z.number().min(DEMO_MIN_SPEED).max(DEMO_MAX_SPEED),
});
export type DemoSpeedRequest = z.input<typeof demoSpeedRequestSchema>;

/** Virtual time to go to, epoch ms; clamped to the recording's span. */
export const demoSeekRequestSchema = z.strictObject({ time: z.number().int() });
export type DemoSeekRequest = z.input<typeof demoSeekRequestSchema>;

export const demoLoopRequestSchema = z.strictObject({ on: z.boolean() });
export type DemoLoopRequest = z.input<typeof demoLoopRequestSchema>;

/** Requests without a payload take an empty object, or nothing (undefined arrives as null over the wire). */
export const demoEmptyRequestSchema = z.strictObject({}).nullish();
export type DemoEmptyRequest = z.input<typeof demoEmptyRequestSchema>;

/** Requests the presenter's controls send on `/demo`; every one answers with the resulting status. */
export interface DemoClientToServerEvents {
  'demo:list': (req: DemoEmptyRequest, ack: Ack<RecordingInfo[]>) => void;
  'demo:load': (req: DemoLoadRequest, ack: Ack<DemoStatus>) => void;
  'demo:play': (req: DemoEmptyRequest, ack: Ack<DemoStatus>) => void;
  'demo:pause': (req: DemoEmptyRequest, ack: Ack<DemoStatus>) => void;
  'demo:speed': (req: DemoSpeedRequest, ack: Ack<DemoStatus>) => void;
  'demo:seek': (req: DemoSeekRequest, ack: Ack<DemoStatus>) => void;
  'demo:loop': (req: DemoLoopRequest, ack: Ack<DemoStatus>) => void;
}

export interface DemoServerToClientEvents {
  'demo:status': (status: DemoStatus) => void;
}

/** Everything a client may send on `/demo`: the scope requests of `/` plus the demo controls. */
export type DemoNamespaceClientEvents = ClientToServerEvents & DemoClientToServerEvents;
/** Everything the server sends on `/demo`: frames and status as on `/`, plus `demo:status`. */
export type DemoNamespaceServerEvents = ServerToClientEvents & DemoServerToClientEvents;

/** Every request name of the demo namespace, at run time. */
export const DEMO_REQUESTS = [
  'scope:subscribe',
  'scope:unsubscribe',
  'demo:list',
  'demo:load',
  'demo:play',
  'demo:pause',
  'demo:speed',
  'demo:seek',
  'demo:loop',
] as const;
type DemoRequest = keyof DemoClientToServerEvents | 'scope:subscribe' | 'scope:unsubscribe';
// Demo worlds answer scope and demo requests only: duty actions never reach a replay (DESIGN §9.8).
const demoRequestsComplete: [(typeof DEMO_REQUESTS)[number]] extends [DemoRequest]
  ? [DemoRequest] extends [(typeof DEMO_REQUESTS)[number]]
    ? true
    : false
  : false = true;
void demoRequestsComplete;
