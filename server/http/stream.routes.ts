import express, { type Request, type Response, type Router } from 'express';
import type { IngestEvent } from '../../protocol';
import type { Pipeline } from '../pipeline/pipeline';

export interface StreamRouteDeps {
  pipeline: Pipeline;
  /** Bearer token a reader must present (the ingest token: the stream carries the same data). */
  token: string;
  /** Bytes a slow reader may have queued before it is dropped (default 8 MiB). */
  maxBufferedBytes?: number;
  /** Real ms between keep-alive blank lines while no events flow (default 15 s). */
  keepAliveMs?: number;
}

const DEFAULT_MAX_BUFFERED = 8 * 1024 * 1024;

/**
 * `GET /api/stream`: every accepted event from now on (merged from all feeds, located, deduplicated) as
 * NDJSON, one event per line, for `gridpulse record`. Memory per reader is bounded: a reader that cannot keep
 * up gets a final `{"error": …}` line and is disconnected, never an ever-growing buffer.
 */
export function streamRouter(deps: StreamRouteDeps): Router & { close(): void } {
  const router = express.Router();
  const open = new Map<Response, () => void>();
  const maxBuffered = deps.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED;
  const expected = `Bearer ${deps.token}`;

  router.get('/api/stream', (req: Request, res: Response) => {
    if (req.get('authorization') !== expected) {
      res.status(401).json({
        error: {
          code: 'unauthorized',
          message: 'send the ingest token as "Authorization: Bearer <token>" (GRIDPULSE_INGEST_TOKEN)',
        },
      });
      return;
    }
    res.status(200);
    res.setHeader('content-type', 'application/x-ndjson; charset=utf-8');
    res.setHeader('cache-control', 'no-store');
    res.setHeader('x-accel-buffering', 'no');
    res.flushHeaders();

    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      untap();
      clearInterval(keepAlive);
      open.delete(res);
    };
    const untap = deps.pipeline.onAccepted((events: readonly IngestEvent[]) => {
      if (done) return;
      if (res.writableLength > maxBuffered) {
        finish();
        const message = `reader too slow: over ${maxBuffered} bytes queued; reconnect and read faster`;
        res.end(`${JSON.stringify({ error: { code: 'slow_consumer', message } })}\n`);
        // A reader that does not even take the last line is cut off.
        setTimeout(() => res.destroy(), 5000).unref();
        return;
      }
      let chunk = '';
      for (const e of events) chunk += `${JSON.stringify(e)}\n`;
      res.write(chunk);
    });
    // A blank line now and then keeps proxies from closing an idle stream; NDJSON readers skip it.
    const keepAlive = setInterval(() => res.write('\n'), deps.keepAliveMs ?? 15_000);
    keepAlive.unref();
    open.set(res, finish);
    res.on('close', finish);
  });

  /** Ends every open stream (server shutdown: an open stream would otherwise hold the HTTP server open). */
  const close = () => {
    for (const [res, finish] of [...open]) {
      finish();
      res.end();
    }
  };
  return Object.assign(router, { close });
}
