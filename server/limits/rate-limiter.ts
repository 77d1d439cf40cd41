/**
 * Token buckets keyed by user, username or IP: a burst is allowed, a flood is
 * not. In memory, per process (with several processes each keeps its own, so
 * the effective limit is per process; say so where it matters).
 */
export interface RateLimit {
  /** Tokens a fresh bucket holds: how many calls may come at once. */
  burst: number;
  /** Tokens added per second: the sustained rate. */
  perSecond: number;
}

export interface RateLimiter {
  /** Takes a token for `key`: 0 when allowed, else the milliseconds until one is available. */
  take(key: string): number;
  /** Buckets held (for tests: idle ones are dropped). */
  size(): number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export function createRateLimiter({ burst, perSecond }: RateLimit, now: () => number = performance.now.bind(performance)): RateLimiter {
  const buckets = new Map<string, Bucket>();
  const perMs = perSecond / 1000;
  let takesSinceSweep = 0;

  /** A bucket that has refilled completely is the same as no bucket: forget it, so spraying keys cannot grow memory. */
  function sweep(t: number) {
    for (const [key, b] of buckets) if (b.tokens + (t - b.at) * perMs >= burst) buckets.delete(key);
  }

  return {
    take(key) {
      const t = now();
      if (++takesSinceSweep >= 1024) {
        takesSinceSweep = 0;
        sweep(t);
      }
      const b = buckets.get(key) ?? { tokens: burst, at: t };
      b.tokens = Math.min(burst, b.tokens + (t - b.at) * perMs);
      b.at = t;
      buckets.set(key, b);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return 0;
      }
      return Math.ceil((1 - b.tokens) / perMs);
    },
    size: () => buckets.size,
  };
}
