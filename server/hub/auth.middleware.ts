import { masksPersonalData } from '../../protocol';
import type { AuthService } from '../auth/auth-service';
import type { Clock } from '../pipeline/clock';
import { viewerRoom } from '../auth/visibility';
import type { GridPulseSocket } from './types';

/** A socket.io middleware: `(socket, next)`. */
type Middleware = (socket: GridPulseSocket, next: (err?: Error) => void) => void;

/**
 * Authenticates every connection — first connect, reconnect, and connection-state recovery alike — from
 * `auth.token` in the handshake (DESIGN §3.6, §9.7). Refused connections get a `connect_error` whose message says
 * why. An accepted socket joins its jurisdiction's viewer room and is cut off when its token expires, so a
 * client must reconnect with a fresh token.
 */
export function authMiddleware(auth: AuthService, clock: Clock, onRefused: (reason: string) => void): Middleware {
  return (socket, next) => {
    const raw = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    const token = typeof raw === 'string' && raw !== '' ? raw : undefined;
    auth.authenticate(token).then(
      (result) => {
        if (!result.ok) {
          onRefused('unauthorized');
          return next(new Error(`unauthorized: ${result.reason}`));
        }
        const { principal, expiresAt } = result;
        socket.data.principal = principal;
        void socket.join(viewerRoom(principal.area, masksPersonalData(principal.role)));
        if (expiresAt !== null) {
          const timer = setTimeout(() => socket.disconnect(true), Math.max(0, Math.min(expiresAt - clock.now(), 2 ** 31 - 1)));
          socket.once('disconnect', () => clearTimeout(timer));
        }
        next();
      },
      (err: unknown) => next(err instanceof Error ? err : new Error(String(err))),
    );
  };
}
