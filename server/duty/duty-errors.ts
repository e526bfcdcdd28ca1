import type { ApiError, ErrorCode, Principal } from '../../protocol';
import type { RateLimit } from '../auth/rate-limits';

/** A clear error for a refused payload: what was wrong and where (DESIGN §5). */
export function zodError(issues: readonly { message: string; path: readonly PropertyKey[] }[], what: string): ApiError {
  const issue = issues[0];
  const path = issue?.path.map(String).join('.') || undefined;
  const message = issue?.message ?? 'invalid';
  const where = path && !message.startsWith(path) ? `${path}: ` : '';
  return { code: 'invalid_payload', message: `${what}: ${where}${message}`, path };
}

/** `rate_limited` with the wait when the principal's budget of duty actions is spent. */
export async function limitError(limit: RateLimit | undefined, p: Principal): Promise<ApiError | undefined> {
  const wait = limit ? await limit.take(`action:${p.name}`) : 0;
  if (wait <= 0) return undefined;
  return { code: 'rate_limited', message: `too many actions: try again in ${Math.ceil(wait / 1000)} s`, retryAfterMs: wait };
}

/** The HTTP status of an error code (REST answers with the same ApiError bodies as socket acks). */
export const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = {
  invalid_payload: 400,
  unknown_scope: 404,
  forbidden: 403,
  unauthorized: 401,
  rate_limited: 429,
  payload_too_large: 413,
  not_found: 404,
  conflict: 409,
  internal: 500,
};
