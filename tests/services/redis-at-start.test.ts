/**
 * A process started while Redis is down serves at once: it waits for Redis's
 * first answer (a refusal is one), not for a timer, counts its limits on its
 * own meanwhile, and joins the deployment when Redis comes: the group layer
 * subscribes, and every stream catches up from the database.
 *
 * Regression: start-up waited 5 s for the group layer's connections, then 5 s
 * more for the limits connection, one after the other, before listening
 * (startParlorProcess gives a process 10 s to print that it listens).
 */
import { afterAll, expect, test } from "bun:test";
import {
  createPostgresSchema,
  describeWithServices,
  postgresService,
  redisServerBinary,
  startPrivateRedis,
  uniqueRedisPrefix,
} from "../support/backends.ts";
import { startParlorProcess } from "../support/parlor-process.ts";
import { subscribeRoom } from "../support/subscriber.ts";
import { eventually } from "../support/wait.ts";

async function readyz(url: string) {
  const res = await fetch(`${url}/readyz`);
  return { status: res.status, body: (await res.json()) as { ready: boolean; missing: string[] } };
}

await describeWithServices("a process started while Redis is down", [postgresService, redisServerBinary], () => {
  // The processes are the test's own (disposed as it ends); their Redis and schema go after them.
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  test("two processes listen and answer /healthz before Redis is started at all; once it is, a stream opened meanwhile catches up and cross-process delivery works", async () => {
    const redis = await startPrivateRedis({ started: false });
    cleanups.push(() => redis.stop());
    const schema = await createPostgresSchema();
    cleanups.push(() => schema.drop());
    const options = { database: schema.url, redis: { url: redis.url, prefix: uniqueRedisPrefix() } };
    await using a = await startParlorProcess(options);
    await using b = await startParlorProcess(options);

    // Redis has never been started: both serve, and say what they lack.
    for (const p of [a, b]) {
      expect(await (await fetch(`${p.url}/healthz`)).json()).toEqual({ ok: true });
      expect(await readyz(p.url)).toEqual({ status: 503, body: { ready: false, missing: ["redis"] } });
    }
    // Limits count per process meanwhile: a sign-up (rate limited) goes through.
    const user = await a.signUp();
    const onB = b.signedInAs(user.token);
    const stream = subscribeRoom(onB.client, { room: "early" });
    await stream.started;
    await user.client.room.send.mutate({ room: "early", text: "while Redis was down" });

    await redis.start();
    for (const p of [a, b])
      await eventually(async () => (await readyz(p.url)).status === 200, `${p.url} to see Redis`, 15_000);
    // b's layer subscribed once Redis answered and had its streams catch up from the database.
    await stream.waitForCount(1, 10_000);
    await user.client.room.send.mutate({ room: "early", text: "through Redis" });
    await stream.waitForCount(2, 10_000);
    expect(stream.messages.map((m) => m.text)).toEqual(["while Redis was down", "through Redis"]);
    expect(stream.errors).toEqual([]);
    stream.unsubscribe();
  }, 60_000);
});
