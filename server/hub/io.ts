import type { Server as HttpServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Redis } from 'ioredis';
import { Server } from 'socket.io';
import type { GridPulseServer } from './types';

/** The largest inbound frame a client may send (polling and WebSocket alike). */
export const MAX_FRAME_BYTES = 64 * 1024;

/**
 * Disconnect reasons that mean the client sent something unacceptable, and the rejection reason they are
 * counted under: a frame over the size limit breaks the transport; a packet socket.io cannot decode makes it
 * close the connection ('forced close', or 'parse error' on older paths).
 */
export const REFUSED_DISCONNECTS: ReadonlyMap<string, string> = new Map([
  ['transport error', 'socket_frame_refused'],
  ['forced close', 'socket_malformed_frame'],
  ['parse error', 'socket_malformed_frame'],
]);

/**
 * The Socket.IO server. Same-origin pages and non-browser clients (no Origin header) may connect;
 * other origins must be allow-listed. `allowRequest` runs for polling and WebSocket alike (DESIGN §9.7).
 * perMessageDeflate stays off (TOOLCHAIN: deflate on small frames costs ~10× CPU).
 */
export function createIo(
  httpServer: HttpServer,
  allowedOrigins: readonly string[],
  opts: { maxFrameBytes?: number; redis?: Redis; redisPrefix?: string } = {},
): GridPulseServer {
  const maxFrameBytes = opts.maxFrameBytes ?? MAX_FRAME_BYTES;
  return new Server(httpServer, {
    // A cluster shares rooms and server-to-server requests over Redis Streams (DESIGN §7).
    // Its streams and channels carry the cluster's prefix: two deployments on one Redis never meet.
    ...(opts.redis
      ? {
          adapter: createAdapter(opts.redis, {
            streamName: `${opts.redisPrefix ?? ''}socket.io`,
            channelPrefix: `${opts.redisPrefix ?? ''}socket.io`,
            sessionKeyPrefix: `${opts.redisPrefix ?? ''}socket.io#session#`,
          }),
        }
      : {}),
    serveClient: false,
    perMessageDeflate: false,
    // Requests are small (the largest is a note of 2,000 characters); a bigger frame closes the connection.
    maxHttpBufferSize: maxFrameBytes,
    allowRequest: (req, callback) => {
      const origin = req.headers.origin;
      const ok = !origin || allowedOrigins.includes(origin) || origin.replace(/^https?:\/\//, '') === req.headers.host;
      callback(ok ? null : 'origin not allowed', ok);
    },
  });
}
