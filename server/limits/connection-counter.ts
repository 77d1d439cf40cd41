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
  const held = createHeldConnections();
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
    if (!(await admitInRedis(redis, redisKey, member, max, ttlMs))) {
      redis.zrem(redisKey, member).catch((e) => log(`zrem ${redisKey} failed (it expires by itself)`, e));
      return null;
    }
    const forget = held.add(member, redisKey, key);
    return once(() => {
      forget();
      // Not answered: the heartbeat no longer names it, so it expires within ttlMs.
      redis.zrem(redisKey, member).catch(() => {});
    });
  }

  const timer = setInterval(() => {
    restateInRedis(redis, held.byRedisKey(), ttlMs).then(
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
    localCount: (key) => held.count(key) + fallback.localCount(key),
    async close() {
      clearInterval(timer);
      const byRedisKey = held.byRedisKey();
      held.clear();
      if (byRedisKey.size === 0) return;
      const pipeline = redis.pipeline();
      for (const [redisKey, members] of byRedisKey) pipeline.zrem(redisKey, ...members);
      await pipeline.exec().catch(() => {});
    },
  };
}

/** This process's connections counted in Redis: each member's Redis key, and how many per key. */
function createHeldConnections() {
  /** member → Redis key. */
  const held = new Map<string, string>();
  const perKey = new Map<string, number>();
  return {
    /** Holds `member` (counted under `key`, stored at `redisKey`); returns its removal. */
    add(member: string, redisKey: string, key: string): () => void {
      held.set(member, redisKey);
      perKey.set(key, (perKey.get(key) ?? 0) + 1);
      return () => {
        held.delete(member);
        const n = (perKey.get(key) ?? 1) - 1;
        if (n > 0) perKey.set(key, n);
        else perKey.delete(key);
      };
    },
    count: (key: string) => perKey.get(key) ?? 0,
    /** The members held, by Redis key. */
    byRedisKey(): Map<string, string[]> {
      const byKey = new Map<string, string[]>();
      for (const [member, redisKey] of held) byKey.set(redisKey, [...(byKey.get(redisKey) ?? []), member]);
      return byKey;
    },
    clear() {
      held.clear();
      perKey.clear();
    },
  };
}

/**
 * Adds `member` to `redisKey`'s set after dropping the expired ones, and counts
 * them, in one MULTI: true when the count stays within `max`.
 */
async function admitInRedis(redis: Redis, redisKey: string, member: string, max: number, ttlMs: number) {
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
  return Number(replies[2]![1]) <= max;
}

/** Pushes the expiry of every connection held here ahead; re-adds any that others dropped while Redis was away. */
async function restateInRedis(redis: Redis, byRedisKey: Map<string, string[]>, ttlMs: number): Promise<void> {
  if (byRedisKey.size === 0) return;
  const expiry = Date.now() + ttlMs;
  const pipeline = redis.pipeline();
  for (const [redisKey, members] of byRedisKey) {
    pipeline.zadd(redisKey, ...members.flatMap((m) => [expiry, m]));
    pipeline.pexpire(redisKey, ttlMs);
  }
  const replies = await pipeline.exec();
  const error = replies?.find(([e]) => e)?.[0];
  if (error) throw error;
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
