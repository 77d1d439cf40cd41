/**
 * What only the Redis group layer does (the shared contract is in
 * tests/unit/group-layer.test.ts): it trusts nothing that arrives from Redis, and
 * after a lost connection it resubscribes and tells every subscriber to catch up.
 */
import { afterEach, expect, test } from "bun:test";
import Redis from "ioredis";
import type { Delivery, GroupLayer } from "../../server/groups/group-layer.ts";
import { createRedisGroupLayer } from "../../server/groups/redis.ts";
import type { RoomEvent } from "../../shared/schemas.ts";
import {
  describeWithServices,
  hasRedisServer,
  redisService,
  startPrivateRedis,
  testRedisUrl,
  uniqueRedisPrefix,
} from "../support/backends.ts";
import { messageEvent } from "../support/entries.ts";
import { eventually } from "../support/wait.ts";

/** A message event of `room` (its channel is room:<room>: an event naming another room is dropped). */
const event = (seq: number, room = "lobby"): RoomEvent => messageEvent(seq, room);

/** The next delivery, failing (not hanging) after `ms`. */
async function next(it: AsyncIterator<Delivery>, ms = 5000): Promise<Delivery> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error(`no delivery in ${ms} ms`)), ms)),
  );
  try {
    const result = await Promise.race([it.next(), timeout]);
    if (result.done) throw new Error("the stream ended");
    return result.value;
  } finally {
    clearTimeout(timer);
  }
}

const admin = (url: string) => new Redis(url, { protocol: 2, disableClientInfo: true, maxRetriesPerRequest: 1 });

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

async function layer(url: string, prefix = uniqueRedisPrefix()) {
  const logged: string[] = [];
  const groups = await createRedisGroupLayer({ url, prefix, log: (message) => logged.push(message) });
  cleanup.push(() => groups.close());
  return { groups, prefix, logged };
}

async function subscribe(groups: GroupLayer, group: string) {
  const ac = new AbortController();
  cleanup.push(async () => ac.abort());
  return (await groups.subscribe(group, { signal: ac.signal }))[Symbol.asyncIterator]();
}

await describeWithServices("RedisGroupLayer", [redisService], () => {
  test("what arrives from Redis is checked: anything that is not a RoomEvent is dropped and logged", async () => {
    const url = await testRedisUrl();
    const { groups, prefix, logged } = await layer(url);
    const stream = await subscribe(groups, "room:lobby");
    const raw = admin(url);
    cleanup.push(async () => raw.disconnect());
    await raw.publish(`${prefix}room:lobby`, "not json");
    await raw.publish(
      `${prefix}room:lobby`,
      JSON.stringify({ type: "entry", room: "lobby", entry: { kind: "message", seq: "1" } }),
    );
    await groups.publish("room:lobby", event(1));
    expect(await next(stream)).toEqual(event(1));
    expect(logged.filter((line) => line.startsWith("dropped an invalid event"))).toHaveLength(2);
  });

  test("an event naming another room than its channel's is dropped and logged; events for this room still arrive", async () => {
    const url = await testRedisUrl();
    const { groups, prefix, logged } = await layer(url);
    const stream = await subscribe(groups, "room:lobby");
    const raw = admin(url);
    cleanup.push(async () => raw.disconnect());
    // Valid RoomEvents, but for room "secret", published on lobby's channel (a forged or misrouted event).
    const secret = event(7, "secret");
    await raw.publish(`${prefix}room:lobby`, JSON.stringify(secret));
    await raw.publish(
      `${prefix}room:lobby`,
      JSON.stringify({ type: "typing", room: "secret", username: "ann", active: true, ttlMs: 5000 }),
    );
    await groups.publish("room:lobby", event(1));
    expect(await next(stream)).toEqual(event(1));
    const dropped = logged.filter((line) =>
      line.startsWith(`dropped an event on ${prefix}room:lobby: it names room "secret"`),
    );
    expect(dropped).toHaveLength(2);
  });

  test("a group is subscribed in Redis while it has local subscribers, and only then", async () => {
    const url = await testRedisUrl();
    const { groups, prefix } = await layer(url);
    const raw = admin(url);
    cleanup.push(async () => raw.disconnect());
    const channel = `${prefix}room:counted`;
    const numsub = async () => Number(((await raw.pubsub("NUMSUB", channel)) as [string, number])[1]);
    const a = new AbortController();
    const b = new AbortController();
    await groups.subscribe("room:counted", { signal: a.signal });
    await groups.subscribe("room:counted", { signal: b.signal });
    // One SUBSCRIBE per process, however many local subscribers.
    expect(await numsub()).toBe(1);
    a.abort();
    expect(await numsub()).toBe(1);
    b.abort();
    // UNSUBSCRIBE is sent when the last leaves (asynchronously: wait for Redis to show it, bounded).
    await eventually(async () => (await numsub()) === 0, "Redis to show the UNSUBSCRIBE", 1_000, 20);
    expect(await numsub()).toBe(0);
  });

  test("its subscriber connection killed: it resubscribes, every subscriber gets a lagged marker, then live events", async () => {
    const url = await testRedisUrl();
    const { groups, prefix } = await layer(url);
    const one = await subscribe(groups, "room:a");
    const two = await subscribe(groups, "room:b");
    const raw = admin(url);
    cleanup.push(async () => raw.disconnect());
    // Only this layer's own connection, found by its name: other users of this Redis are untouched.
    const list = (await raw.client("LIST")) as string;
    const ours = list.split("\n").filter((line) => line.includes(` name=${prefix}sub:`));
    expect(ours).toHaveLength(1);
    await raw.client("KILL", "ID", ours[0]!.match(/\bid=(\d+)/)![1]!);

    expect(await next(one)).toEqual({ type: "lagged", dropped: 0 });
    expect(await next(two)).toEqual({ type: "lagged", dropped: 0 });
    await groups.publish("room:a", event(7, "a"));
    await groups.publish("room:b", event(8, "b"));
    expect(await next(one)).toEqual(event(7, "a"));
    expect(await next(two)).toEqual(event(8, "b"));
  });
});

const redisServerBinary = {
  name: "redis-server (installed, to start a private Redis)",
  howToStart: "apt-get install redis-server",
  async probe() {
    if (!hasRedisServer()) throw new Error("redis-server is not on PATH");
  },
};

await describeWithServices("RedisGroupLayer while Redis is down", [redisServerBinary], () => {
  test("publish fails instead of hanging; subscribers get a lagged marker when Redis is back", async () => {
    const redis = await startPrivateRedis();
    cleanup.push(() => redis.stop());
    const { groups, logged } = await layer(redis.url);
    const stream = await subscribe(groups, "room:down");

    await redis.stop();
    await expect(groups.publish("room:down", event(1, "down"))).rejects.toThrow();
    // A subscriber that arrives during the outage is told to catch up too.
    const late = await subscribe(groups, "room:down");
    await redis.start();

    expect(await next(stream, 10_000)).toEqual({ type: "lagged", dropped: 0 });
    expect(await next(late, 10_000)).toEqual({ type: "lagged", dropped: 0 });
    await groups.publish("room:down", event(2, "down"));
    expect(await next(stream)).toEqual(event(2, "down"));
    expect(await next(late)).toEqual(event(2, "down"));
    expect(logged.some((line) => line.includes("connection lost; reconnecting"))).toBe(true);
  }, 30_000);
});
