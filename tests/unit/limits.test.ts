import { describe, expect, test } from "bun:test";
import type Redis from "ioredis";
import { createConnectionCaps } from "../../server/limits/connection-caps.ts";
import {
  type ConnectionCounter,
  createMemoryConnectionCounter,
  createRedisConnectionCounter,
} from "../../server/limits/connection-counter.ts";
import { createLimitsRedis } from "../../server/limits/limits-redis.ts";
import {
  createRateLimiter,
  MAX_WINDOW_SECONDS,
  type RateLimit,
  type RateLimiter,
  windowSeconds,
} from "../../server/limits/rate-limiter.ts";
import { createSemaphore } from "../../server/limits/semaphore.ts";
import { type Backend, describeEach, redisService, testRedisUrl, uniqueRedisPrefix } from "../support/backends.ts";
import { freePort } from "../support/free-port.ts";

/** Makes limiters and counters that share one store (one Redis, or one process's memory), as two processes would. */
interface LimitStore {
  limiter(limit: RateLimit, name: string): RateLimiter;
  counter(options?: { heartbeatMs?: number; ttlMs?: number }): ConnectionCounter;
  /** Another connection to the same store, as another process has (memory: the same one; counts are per process). */
  shared: boolean;
}

const stores: Backend<LimitStore>[] = [
  {
    name: "memory",
    async create() {
      return {
        shared: false,
        limiter: (limit, name) => createRateLimiter(limit, { keyPrefix: name }),
        counter: () => createMemoryConnectionCounter(),
        dispose: async () => {},
      };
    },
  },
  {
    name: "redis",
    service: redisService,
    async create() {
      const url = await testRedisUrl();
      const prefix = uniqueRedisPrefix();
      const clients: Redis[] = [];
      const counters: ConnectionCounter[] = [];
      // Limiters and counters take turns over three connections: as separate processes would have.
      const connections = Array.from({ length: 3 }, () => createLimitsRedis({ url, prefix, log: () => {} }));
      clients.push(...(await Promise.all(connections)));
      let next = 0;
      const connect = () => clients[next++ % clients.length]!;
      return {
        shared: true,
        limiter: (limit, name) => createRateLimiter(limit, { redis: connect(), keyPrefix: `${prefix}${name}` }),
        counter(options) {
          const counter = createRedisConnectionCounter({
            redis: connect(),
            keyPrefix: `${prefix}conn:`,
            heartbeatMs: options?.heartbeatMs ?? 1000,
            ttlMs: options?.ttlMs ?? 5000,
          });
          counters.push(counter);
          return counter;
        },
        async dispose() {
          await Promise.all(counters.map((c) => c.close()));
          for (const c of clients) c.disconnect();
        },
      };
    },
  },
];

/** A store for one test, disposed at its end. */
async function open(backend: Backend<LimitStore>) {
  const store = await backend.create();
  return Object.assign(store, { [Symbol.asyncDispose]: () => store.dispose() });
}

let keyCounter = 0;
const freshKey = (name: string) => `${name}-${++keyCounter}-${Math.random().toString(36).slice(2, 6)}`;

await describeEach("rate limiter", stores, (backend) => {
  test("allows a burst of `burst` calls, refuses the next with the wait until the window ends", async () => {
    await using store = await open(backend);
    const limiter = store.limiter({ burst: 3, perSecond: 1 }, freshKey("rl"));
    const key = freshKey("ann");
    expect([await limiter.take(key), await limiter.take(key), await limiter.take(key)]).toEqual([0, 0, 0]);
    const wait = await limiter.take(key);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(3000);
  });

  test("keys are independent: one user's flood does not limit another", async () => {
    await using store = await open(backend);
    const limiter = store.limiter({ burst: 1, perSecond: 1 }, freshKey("rl"));
    const [ann, ben] = [freshKey("ann"), freshKey("ben")];
    expect(await limiter.take(ann)).toBe(0);
    expect(await limiter.take(ann)).toBeGreaterThan(0);
    expect(await limiter.take(ben)).toBe(0);
  });

  test("reset forgets a key's count", async () => {
    await using store = await open(backend);
    const limiter = store.limiter({ burst: 1, perSecond: 0.1 }, freshKey("rl"));
    const key = freshKey("ann");
    await limiter.take(key);
    expect(await limiter.take(key)).toBeGreaterThan(0);
    await limiter.reset(key);
    expect(await limiter.take(key)).toBe(0);
  });

  test("a window ends: after burst/perSecond seconds the burst is available again", async () => {
    await using store = await open(backend);
    const limiter = store.limiter({ burst: 1, perSecond: 1 }, freshKey("rl"));
    const key = freshKey("ann");
    expect(await limiter.take(key)).toBe(0);
    const wait = await limiter.take(key);
    expect(wait).toBeGreaterThan(0);
    await Bun.sleep(wait + 50); // waiting out the window is the behaviour under test
    expect(await limiter.take(key)).toBe(0);
  });

  test("two limiters on one store (two processes on one Redis) share the count; in memory each counts alone", async () => {
    await using store = await open(backend);
    const name = freshKey("rl");
    const [one, two] = [
      store.limiter({ burst: 2, perSecond: 0.1 }, name),
      store.limiter({ burst: 2, perSecond: 0.1 }, name),
    ];
    const key = freshKey("ann");
    expect([await one.take(key), await one.take(key)]).toEqual([0, 0]);
    // Drained through the first: empty through the second too, when they share Redis.
    expect((await two.take(key)) > 0).toBe(store.shared);
  });
});

await describeEach("connection counter", stores, (backend) => {
  test("admits up to `max` under a key, refuses the next, and admits again once one is released", async () => {
    await using store = await open(backend);
    const counter = store.counter();
    const key = freshKey("ip");
    const a = await counter.acquire(key, 2);
    const b = await counter.acquire(key, 2);
    expect(a).not.toBeNull();
    expect(b).not.toBeNull();
    expect(await counter.acquire(key, 2)).toBeNull();
    expect(await counter.acquire(freshKey("other"), 2)).not.toBeNull();
    a!();
    a!(); // twice is once
    const c = await counter.acquire(key, 2);
    expect(c).not.toBeNull();
    expect(await counter.acquire(key, 2)).toBeNull();
    expect(counter.localCount(key)).toBe(2);
  });

  test("many admissions at once never pass the cap", async () => {
    await using store = await open(backend);
    const counters = [store.counter(), store.counter()];
    const key = freshKey("user");
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => counters[i % 2]!.acquire(key, 5)));
    const admitted = results.filter((r) => r !== null).length;
    expect(admitted).toBeLessThanOrEqual(store.shared ? 5 : 10);
    expect(admitted).toBeGreaterThan(0);
  });
});

await describeEach(
  "connection counter across processes",
  stores.filter((s) => s.name === "redis"),
  (backend) => {
    test("one counter's connections count against another's cap (two processes, one Redis)", async () => {
      await using store = await open(backend);
      const [one, two] = [store.counter(), store.counter()];
      const key = freshKey("user");
      expect(await one.acquire(key, 2)).not.toBeNull();
      expect(await one.acquire(key, 2)).not.toBeNull();
      expect(await two.acquire(key, 2)).toBeNull();
    });

    test("connections stop counting once their process stops heart-beating (dies); a live process's keep counting", async () => {
      await using store = await open(backend);
      const live = store.counter({ heartbeatMs: 100, ttlMs: 400 });
      // A process that admitted one connection and died at once: it never restates it.
      const dead = store.counter({ heartbeatMs: 60_000, ttlMs: 400 });
      const other = store.counter({ heartbeatMs: 100, ttlMs: 400 });
      const key = freshKey("ip");
      expect(await live.acquire(key, 2)).not.toBeNull();
      expect(await dead.acquire(key, 2)).not.toBeNull();
      expect(await other.acquire(key, 2)).toBeNull();
      // Past the TTL: the dead one's connection no longer counts, the live one's (heart-beaten) still does.
      await Bun.sleep(700);
      const third = await other.acquire(key, 2);
      expect(third).not.toBeNull();
      expect(await other.acquire(key, 2)).toBeNull();
    });

    test("close() releases this process's connections at once (a clean shutdown)", async () => {
      await using store = await open(backend);
      const [one, two] = [store.counter({ ttlMs: 60_000 }), store.counter({ ttlMs: 60_000 })];
      const key = freshKey("ip");
      expect(await one.acquire(key, 1)).not.toBeNull();
      expect(await two.acquire(key, 1)).toBeNull();
      await one.close();
      expect(await two.acquire(key, 1)).not.toBeNull();
    });
  },
);

describe("while Redis does not answer", () => {
  test("limits and connection caps still hold, per process (sends and sign-ins never wait on Redis)", async () => {
    const logged: string[] = [];
    const redis = await createLimitsRedis({
      url: `redis://127.0.0.1:${freePort()}`,
      prefix: "nowhere:",
      connectTimeoutMs: 50,
      log: (m) => logged.push(m),
    });
    try {
      const limiter = createRateLimiter({ burst: 2, perSecond: 0.1 }, { redis, keyPrefix: "nowhere:rl" });
      expect([await limiter.take("ann"), await limiter.take("ann")]).toEqual([0, 0]);
      expect(await limiter.take("ann")).toBeGreaterThan(0);
      const counter = createRedisConnectionCounter({
        redis,
        keyPrefix: "nowhere:conn:",
        heartbeatMs: 1000,
        ttlMs: 5000,
        log: (m) => logged.push(m),
      });
      const first = await counter.acquire("ip:1", 1);
      expect(first).not.toBeNull();
      expect(await counter.acquire("ip:1", 1)).toBeNull();
      first!();
      expect(await counter.acquire("ip:1", 1)).not.toBeNull();
      await counter.close();
      expect(logged.some((m) => m.includes("counting in this process"))).toBe(true);
    } finally {
      redis.disconnect();
    }
  });
});

describe("connection caps", () => {
  test("the global cap is per process (503); the per-address cap answers 429; releasing frees both", async () => {
    const caps = createConnectionCaps({
      maxConnections: 2,
      maxConnectionsPerIp: 1,
      maxConnectionsPerUser: 1,
      counter: createMemoryConnectionCounter(),
    });
    const a = await caps.admit("198.51.100.7");
    expect(a.ok).toBe(true);
    expect(await caps.admit("198.51.100.7")).toMatchObject({ ok: false, status: 429 });
    const b = await caps.admit("2001:db8:1:2::/64");
    expect(b.ok).toBe(true);
    expect(await caps.admit("203.0.113.1")).toMatchObject({ ok: false, status: 503 });
    expect(caps.total()).toBe(2);
    if (a.ok) a.release();
    expect(caps.total()).toBe(1);
    expect((await caps.admit("198.51.100.7")).ok).toBe(true);
  });

  test("per user: a second socket of a user is refused until the first is released", async () => {
    const caps = createConnectionCaps({
      maxConnections: 10,
      maxConnectionsPerIp: 10,
      maxConnectionsPerUser: 1,
      counter: createMemoryConnectionCounter(),
    });
    const first = await caps.admitUser(7);
    expect(first).not.toBeNull();
    expect(await caps.admitUser(7)).toBeNull();
    expect(await caps.admitUser(8)).not.toBeNull();
    first!();
    expect(await caps.admitUser(7)).not.toBeNull();
  });
});

describe("rate limit windows", () => {
  test("a window is burst/perSecond seconds, rounded up to whole seconds, at least 1", () => {
    expect(windowSeconds({ burst: 20, perSecond: 5 })).toBe(4);
    expect(windowSeconds({ burst: 5, perSecond: 5 / 60 })).toBe(60);
    expect(windowSeconds({ burst: 1, perSecond: 0.3 })).toBe(4);
    expect(windowSeconds({ burst: 10, perSecond: 10_000 })).toBe(1);
  });

  test("a window too long for a timer is cut to the longest one: the limit still holds, never lifted", async () => {
    const limit = { burst: 2, perSecond: 30 / 3600 / 100_000 };
    expect(windowSeconds(limit)).toBe(MAX_WINDOW_SECONDS);
    const limiter = createRateLimiter(limit, { keyPrefix: "long:" });
    expect([await limiter.take("k"), await limiter.take("k")]).toEqual([0, 0]);
    await Bun.sleep(20); // past the 1 ms an overflowing expiry timer would fire at
    expect(await limiter.take("k")).toBeGreaterThan(0);
  });
});

describe("semaphore", () => {
  test("runs at most `limit` tasks at once and all of them eventually", async () => {
    const sem = createSemaphore(2);
    let running = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        sem.run(async () => {
          running++;
          peak = Math.max(peak, running);
          await Bun.sleep(2); // the work the semaphore holds, not a wait
          running--;
          return i;
        }),
      ),
    );
    expect(results).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(peak).toBe(2);
    expect(sem.active()).toBe(0);
  });

  test("a failing task releases its slot", async () => {
    const sem = createSemaphore(1);
    await expect(sem.run(async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await sem.run(async () => "next")).toBe("next");
  });
});
