import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { GridPulseServer } from './types';

/**
 * The Socket.IO server. Same-origin pages and non-browser clients (no Origin header) may connect;
 * other origins must be allow-listed. `allowRequest` runs for polling and WebSocket alike (DESIGN §9.7).
 * perMessageDeflate stays off (TOOLCHAIN: deflate on small frames costs ~10× CPU).
 */
export function createIo(httpServer: HttpServer, allowedOrigins: readonly string[]): GridPulseServer {
  return new Server(httpServer, {
    serveClient: false,
    perMessageDeflate: false,
    allowRequest: (req, callback) => {
      const origin = req.headers.origin;
      const ok = !origin || allowedOrigins.includes(origin) || origin.replace(/^https?:\/\//, '') === req.headers.host;
      callback(ok ? null : 'origin not allowed', ok);
    },
  });
}
