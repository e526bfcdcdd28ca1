import { z } from 'zod';
import type { AlertServerToClientEvents } from './alerts';
import type { DutyClientToServerEvents, DutyServerToClientEvents } from './duty';
import type { Ack } from './errors';
import { LAYERS, type DeltaFrame, type SnapshotFrame } from './frames';

/** `scope:subscribe` payload: an area code (or `*`) and the layers the client shows. */
export const subscribeRequestSchema = z.strictObject({
  scope: z.union([z.literal('*'), z.string().regex(/^\d{6}(\d{3}){0,3}$/, 'scope must be * or an area code')]),
  layers: z.array(z.enum(LAYERS)).max(LAYERS.length).default(['areas', 'series']),
});
export type SubscribeRequest = z.input<typeof subscribeRequestSchema>;

export const unsubscribeRequestSchema = z.strictObject({ scope: z.string().max(15) });
export type UnsubscribeRequest = z.input<typeof unsubscribeRequestSchema>;

/** Where the data comes from: the built-in simulation, real feeds, or a demo replay. */
export interface ServerStatus {
  mode: 'live' | 'demo';
  simulated: boolean;
  epoch: string;
  /** The core clock's time, epoch ms (virtual in demo mode). */
  clockTime: number;
  districtName: string;
}

/** Requests are `domain:verb`, each with an ack; notifications are `domain:verbed` (DESIGN §5). */
export interface ClientToServerEvents extends DutyClientToServerEvents {
  'scope:subscribe': (req: SubscribeRequest, ack: Ack<SnapshotFrame>) => void;
  'scope:unsubscribe': (req: UnsubscribeRequest, ack: Ack<null>) => void;
}

/** Alert notifications (`alert:raised` …) skip the tick: they are sent as soon as the engine decides. */
export interface ServerToClientEvents extends AlertServerToClientEvents, DutyServerToClientEvents {
  /** A delta frame for a subscribed scope, at most one per tick. */
  'scope:changed': (frame: DeltaFrame) => void;
  /** Sent on connect and whenever the mode or epoch changes. */
  'status:changed': (status: ServerStatus) => void;
}

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** Every request name of the live namespace, at run time (servers refuse any other event before a handler). */
export const LIVE_REQUESTS = [
  'scope:subscribe',
  'scope:unsubscribe',
  'alert:list',
  'alert:detail',
  'alert:ack',
  'alert:note',
  'alert:assign',
  'alert:dispatch',
  'alert:resolve',
] as const;
const liveRequestsComplete: Same<(typeof LIVE_REQUESTS)[number], keyof ClientToServerEvents> = true;
void liveRequestsComplete;
