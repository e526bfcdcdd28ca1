import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { IngestEvent } from '../../protocol';
import type { IngestResult } from '../pipeline/pipeline';

/**
 * Where accepted lines go: the local pipeline (one process), or a cluster node that appends them to their
 * partition's Redis stream (asynchronous: answered once durably there).
 */
export interface IngestTarget {
  ingest(events: readonly IngestEvent[]): IngestResult | Promise<IngestResult>;
}
import { parseEventBatch } from './parse-events';

export interface IngestRouteDeps {
  pipeline: IngestTarget;
  /** Counts refused lines by reason. */
  rejected: (reason: string, n: number) => void;
  /** Bearer token senders must present. */
  token: string;
  /** Body size limit in bytes (after gzip inflation). */
  limitBytes: number;
}

/** At most this many line errors are listed in a response; the rest are counted. */
const MAX_LISTED_ERRORS = 100;

/**
 * `POST /api/ingest`: NDJSON or a JSON array of events, gzip accepted (DESIGN §6). Valid lines are accepted,
 * invalid ones reported per line (line, field, reason); 400 only when nothing was valid; 413 over the limit.
 */
export function ingestRouter(deps: IngestRouteDeps): Router {
  const router = express.Router();
  const body = express.raw({ type: () => true, limit: deps.limitBytes, inflate: true });

  router.post('/api/ingest', authorize(deps.token), body, async (req: Request, res: Response) => {
    const text = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    const batch = parseEventBatch(text);
    if (batch.total === 0) {
      deps.rejected('empty_body', 1);
      res.status(400).json({ error: { code: 'invalid_payload', message: 'empty body: send NDJSON or a JSON array of events' } });
      return;
    }
    let result: IngestResult;
    try {
      result = await deps.pipeline.ingest(batch.events);
    } catch (err) {
      // Only in a cluster: the event stream (Redis) did not take the batch. Nothing was accepted; send it again.
      deps.rejected('stream_unavailable', batch.events.length);
      res.status(503).json({ error: { code: 'internal', message: `events not accepted, retry: ${(err as Error).message}` } });
      return;
    }
    const byReason = new Map<string, number>();
    const badLines = new Set<number>();
    for (const e of batch.errors) {
      if (!badLines.has(e.line)) byReason.set(e.reason, (byReason.get(e.reason) ?? 0) + 1);
      badLines.add(e.line);
    }
    for (const [reason, n] of byReason) deps.rejected(reason, n);
    const errors = [
      ...batch.errors.map(({ line, path, message }) => ({ line, path, message })),
      ...result.rejected.map((r) => ({ line: batch.lines[r.index]!, path: '(event)', message: r.message })),
    ].sort((a, b) => a.line - b.line);
    const rejectedLines = badLines.size + result.rejected.length;
    const ok = result.accepted + result.duplicates > 0;
    res.status(ok ? 200 : 400).json({
      accepted: result.accepted,
      duplicates: result.duplicates,
      late: result.late,
      rejected: rejectedLines,
      errors: errors.slice(0, MAX_LISTED_ERRORS),
      // Accepted, but worth telling the sender: its clock is off (DESIGN §4 — flagged, windowed by ingest time).
      warnings: result.skewed.slice(0, MAX_LISTED_ERRORS).map((index) => ({
        line: batch.lines[index]!,
        path: 'time',
        message: 'time is more than 5 minutes ahead of the server clock: counted at arrival time (is the sender’s clock off?)',
      })),
      ...(errors.length > MAX_LISTED_ERRORS ? { errorsNotListed: errors.length - MAX_LISTED_ERRORS } : {}),
      ...(ok ? {} : { error: { code: 'invalid_payload', message: 'no valid event in the body; see errors' } }),
    });
  });

  return router;
}

function authorize(token: string) {
  const expected = `Bearer ${token}`;
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.get('authorization') === expected) return next();
    res.status(401).json({
      error: { code: 'unauthorized', message: 'send the ingest token as "Authorization: Bearer <token>" (GRIDPULSE_INGEST_TOKEN)' },
    });
  };
}

/** Turns body-parser failures (oversized, bad gzip) into clear JSON errors. */
export function ingestErrorHandler(rejected: (reason: string, n: number) => void) {
  return (err: unknown, _req: Request, res: Response, next: NextFunction) => {
    const e = err as { type?: string; status?: number; limit?: number; message?: string };
    if (e?.type === 'entity.too.large') {
      rejected('payload_too_large', 1);
      res.status(413).json({ error: { code: 'payload_too_large', message: `body is over the limit of ${e.limit} bytes; split it into smaller batches` } });
      return;
    }
    if (e?.status && e.status >= 400 && e.status < 500) {
      rejected('bad_body', 1);
      res.status(e.status).json({ error: { code: 'invalid_payload', message: e.message ?? 'unreadable body' } });
      return;
    }
    next(err);
  };
}
