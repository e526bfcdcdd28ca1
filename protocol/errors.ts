/** Error codes every edge answers with (HTTP bodies, socket acks). */
export type ErrorCode =
  | 'invalid_payload'
  | 'unknown_scope'
  | 'forbidden'
  | 'unauthorized'
  | 'rate_limited'
  | 'payload_too_large'
  | 'not_found'
  | 'conflict'
  | 'internal';

/** A clear error: what was wrong (`message`) and where (`path`, e.g. `line 3: time`). */
export interface ApiError {
  code: ErrorCode;
  message: string;
  path?: string;
  /** With `code: 'conflict'` on a duty action: who already did it and when (protocol/duty.ts). */
  conflict?: { action: string; by: string; at: number };
  /** With `code: 'rate_limited'`: when to try again, ms. */
  retryAfterMs?: number;
}

/** The answer to every socket request (DESIGN §5). */
export type AckResult<T> = { ok: true; data: T } | { ok: false; error: ApiError };
export type Ack<T> = (result: AckResult<T>) => void;
