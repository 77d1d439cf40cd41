/**
 * Counts open connections under a key (an address, a user) against a cap: in
 * this process, or in Redis for the whole deployment.
 *
 * In Redis each key is a sorted set of connection ids, scored by when each
 * stops counting. A process restates its own connections every `heartbeatMs`
 * (pushing their expiry `ttlMs` ahead), and every admission first drops the
 * expired ones: a process that dies without a word (SIGKILL, a lost machine)
 * stops counting `ttlMs` after its last heartbeat at the latest. Admission is
 * add-then-count in one MULTI: two processes admitting at once can both refuse
 * (each sees the other's entry), never both pass beyond the cap.
 *
 * Scores are this process's clock: across machines, the expiry moves by their
 * clock skew (NTP keeps it far below `ttlMs`).
 */
import type Redis from "ioredis";

/** Releases a counted connection; calling it again does nothing. */
export type Release = () => void;

export interface ConnectionCounter {
  /** Counts one more connection under `key`, unless `key` already holds `max`: its release, or null. */
  acquire(key: string, max: number): Promise<Release | null>;
  /** Connections this process holds under `key`. */
  localCount(key: string): number;
  /** Releases everything this process holds (on shutdown, so others need not wait for the expiry). */
  close(): Promise<void>;
}

export function createMemoryConnectionCounter(): ConnectionCounter {
  const counts = new Map<string, number>();
  return {
    async acquire(key, max) {
      const n = counts.get(key) ?? 0;
      if (n >= max) return null;
      counts.set(key, n + 1);
      return countedRelease(counts, key);
    },
    localCount: (key) => counts.get(key) ?? 0,
    async close() {
      counts.clear();
    },
  };
}

export interface RedisConnectionCounterOptions {
  redis: Redis;
  /** Prepended to every key, e.g. "parlor:conn:". */
  keyPrefix: string;
  /** How often this process restates its connections. */
  heartbeatMs: number;
  /** How long a connection counts after the last heartbeat that named it. */
  ttlMs: number;
  log?: (message: string, error?: unknown) => void;
}

export function createRedisConnectionCounter(options: RedisConnectionCounterOptions): ConnectionCounter {
  const { redis, keyPrefix, ttlMs } = options;
  const log = options.log ?? ((message, error) => console.error(`[parlor] connection caps: ${message}`, error ?? ""));
  const processId = crypto.randomUUID();
  let sequence = 0;
  /** This process's connections counted in Redis: member → Redis key. */
  const held = new Map<string, string>();
  const perKey = new Map<string, number>();
  /** While Redis does not answer, connections are counted here (per process) instead. */
  const fallback = createMemoryConnectionCounter();
  let failing = false;
  const failed = (what: string, error: unknown) => {
    if (!failing) log(`${what} failed; counting in this process until Redis answers`, error);
    failing = true;
  };

  async function acquireInRedis(key: string, max: number): Promise<Release | null> {
    const redisKey = keyPrefix + key;
    const member = `${processId}:${++sequence}`;
    const now = Date.now();
    const replies = await redis
      .multi()
      .zremrangebyscore(redisKey, "-inf", now)
      .zadd(redisKey, now + ttlMs, member)
      .zcard(redisKey)
      .pexpire(redisKey, ttlMs)
      .exec();
    const error = replies?.find(([e]) => e)?.[0];
    if (!replies || error) throw error ?? new Error("MULTI was discarded");
    if (Number(replies[2]![1]) > max) {
      redis.zrem(redisKey, member).catch((e) => log(`zrem ${redisKey} failed (it expires by itself)`, e));
      return null;
    }
    held.set(member, redisKey);
    perKey.set(key, (perKey.get(key) ?? 0) + 1);
    return once(() => {
      held.delete(member);
      const n = (perKey.get(key) ?? 1) - 1;
      if (n > 0) perKey.set(key, n);
      else perKey.delete(key);
      // Not answered: the heartbeat no longer names it, so it expires within ttlMs.
      redis.zrem(redisKey, member).catch(() => {});
    });
  }

  /** Pushes the expiry of every connection held here ahead; re-adds any that others dropped while Redis was away. */
  async function heartbeat() {
    if (held.size === 0) return;
    const byKey = new Map<string, string[]>();
    for (const [member, redisKey] of held) byKey.set(redisKey, [...(byKey.get(redisKey) ?? []), member]);
    const expiry = Date.now() + ttlMs;
    const pipeline = redis.pipeline();
    for (const [redisKey, members] of byKey) {
      pipeline.zadd(redisKey, ...members.flatMap((m) => [expiry, m]));
      pipeline.pexpire(redisKey, ttlMs);
    }
    const replies = await pipeline.exec();
    const error = replies?.find(([e]) => e)?.[0];
    if (error) throw error;
  }

  const timer = setInterval(() => {
    heartbeat().then(
      () => {
        if (failing) log("Redis answers again; counting across processes");
        failing = false;
      },
      (error) => failed("heartbeat", error),
    );
  }, options.heartbeatMs);
  timer.unref?.();

  return {
    async acquire(key, max) {
      try {
        return await acquireInRedis(key, max);
      } catch (error) {
        failed(`admission under ${key}`, error);
        return fallback.acquire(key, max);
      }
    },
    localCount: (key) => (perKey.get(key) ?? 0) + fallback.localCount(key),
    async close() {
      clearInterval(timer);
      if (held.size === 0) return;
      const pipeline = redis.pipeline();
      for (const [member, redisKey] of held) pipeline.zrem(redisKey, member);
      held.clear();
      perKey.clear();
      await pipeline.exec().catch(() => {});
    },
  };
}

/** One counted connection's release (one closure, held for the connection's life; made outside the async acquire). */
function countedRelease(counts: Map<string, number>, key: string): Release {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    const n = (counts.get(key) ?? 0) - 1;
    if (n > 0) counts.set(key, n);
    else counts.delete(key);
  };
}

function once(release: () => void): Release {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    release();
  };
}
