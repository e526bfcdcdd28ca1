import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

export interface RateLimit {
  /** Takes one point for `key`; the ms to wait when the budget is spent, else 0. */
  take(key: string): Promise<number>;
}

export interface RateLimitOptions {
  /** Points per window. */
  points: number;
  windowSeconds: number;
  /** Once spent, block the key this long (s); defaults to the rest of the window. */
  blockSeconds?: number;
}

/** A per-key budget (rate-limiter-flexible, in memory: each node limits what reaches it). */
export function createRateLimit(options: RateLimitOptions): RateLimit {
  const limiter = new RateLimiterMemory({ points: options.points, duration: options.windowSeconds, blockDuration: options.blockSeconds ?? 0 });
  return {
    async take(key) {
      try {
        await limiter.consume(key);
        return 0;
      } catch (res) {
        if (res instanceof RateLimiterRes) return Math.max(1, res.msBeforeNext);
        throw res;
      }
    },
  };
}

/**
 * Defaults (README "Users and access"): 10 login attempts per minute per address and name; 60 duty actions per
 * 10 s per user; 100 socket requests per 5 s per socket (a drill-down is one or two).
 */
export const DEFAULT_LIMITS = {
  login: { points: 10, windowSeconds: 60, blockSeconds: 60 },
  actions: { points: 60, windowSeconds: 10 },
  requests: { points: 100, windowSeconds: 5 },
} as const satisfies Record<string, RateLimitOptions>;
