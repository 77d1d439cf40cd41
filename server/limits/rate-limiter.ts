/**
 * Rate limits keyed by user, address or (username, address): a burst is
 * allowed, a flood is not. rate-limiter-flexible does the counting: in this
 * process (RateLimiterMemory), or in Redis (RateLimiterRedis, one atomic
 * counter per key and window), so that with several processes the limit holds
 * for the deployment, not per process.
 *
 * A Redis that does not answer does not take sending or signing in down: each
 * Redis limiter is insured by a memory limiter of the same size, which counts
 * per process until Redis is back.
 */
import type Redis from "ioredis";
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";

export interface RateLimit {
  /** Calls allowed in one window: how many may come at once. */
  burst: number;
  /** The sustained rate; a window lasts burst / perSecond seconds (whole seconds, at least 1). */
  perSecond: number;
}

export interface RateLimiter {
  /** Counts one call for `key`: resolves 0 when allowed, else the milliseconds until the next call may pass. */
  take(key: string): Promise<number>;
  /** Forgets `key`'s count (a sign-in that succeeded clears that address's failures for the account). */
  reset(key: string): Promise<void>;
}

export interface RateLimiterStore {
  /** Unset: counts live in this process. */
  redis?: Redis;
  /** Prepended to every Redis key, e.g. "parlor:rl:send:". */
  keyPrefix: string;
}

/**
 * The longest window: the in-memory store expires a key with a timer, and a timer
 * past 2^31 − 1 ms fires at once (Node's rule, Bun's too), which would let every
 * call through under a limit of, say, a burst of 100,000 and 30 an hour.
 */
export const MAX_WINDOW_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/** Window length in whole seconds: Redis expires keys by the second, and a 0 s window would never expire. */
export function windowSeconds({ burst, perSecond }: RateLimit): number {
  return Math.min(MAX_WINDOW_SECONDS, Math.max(1, Math.ceil(burst / perSecond)));
}

export function createRateLimiter(limit: RateLimit, store: RateLimiterStore): RateLimiter {
  const options = { points: limit.burst, duration: windowSeconds(limit), keyPrefix: store.keyPrefix };
  const memory = new RateLimiterMemory(options);
  const limiter: RateLimiterAbstract = store.redis
    ? new RateLimiterRedis({
        ...options,
        storeClient: store.redis,
        insuranceLimiter: memory,
        rejectIfRedisNotReady: true,
      })
    : memory;
  return {
    async take(key) {
      try {
        await limiter.consume(key);
        return 0;
      } catch (refusal) {
        // Refusals are RateLimiterRes; anything else is a failure of the store (and of its insurance).
        if (refusal instanceof RateLimiterRes) return Math.max(1, refusal.msBeforeNext);
        throw refusal;
      }
    },
    async reset(key) {
      await limiter.delete(key);
    },
  };
}
