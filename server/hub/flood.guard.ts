import type { RateLimit } from '../auth/rate-limits';
import type { GridPulseSocket } from './types';

export interface FloodGuardDeps {
  /** Budget of requests per socket. */
  limit: RateLimit;
  /** Event names this namespace answers; anything else is refused (and counted) before any handler. */
  known: ReadonlySet<string>;
  /** Counts a refusal by reason. */
  rejected: (reason: string) => void;
  /** Refusals in a row after which the socket is cut off (a client that ignores rate_limited answers). */
  maxStrikes?: number;
}

/**
 * Guards every inbound packet of a socket (DESIGN §9.5): unknown events and requests past the per-socket
 * budget are answered with an error ack when the sender asked for one, counted by reason, and never reach a
 * handler; a socket that keeps flooding is disconnected.
 */
export function registerFloodGuard(socket: GridPulseSocket, deps: FloodGuardDeps): void {
  const maxStrikes = deps.maxStrikes ?? 500;
  let strikes = 0;
  socket.use((packet, next) => {
    const [event] = packet;
    const last = packet[packet.length - 1] as unknown;
    const ack = typeof last === 'function' ? (last as (r: unknown) => void) : undefined;
    const refuse = (reason: string, code: string, message: string, retryAfterMs?: number) => {
      deps.rejected(reason);
      ack?.({ ok: false, error: { code, message, ...(retryAfterMs ? { retryAfterMs } : {}) } });
      if (++strikes >= maxStrikes) socket.disconnect(true);
    };
    if (typeof event !== 'string' || !deps.known.has(event)) {
      return refuse('unknown_event', 'invalid_payload', `unknown request ${JSON.stringify(String(event)).slice(0, 80)}`);
    }
    deps.limit.take(socket.id).then(
      (wait) => {
        if (wait > 0) return refuse('rate_limited', 'rate_limited', `too many requests; wait ${wait} ms`, wait);
        strikes = 0;
        next();
      },
      (err: unknown) => next(err instanceof Error ? err : new Error(String(err))),
    );
  });
}
