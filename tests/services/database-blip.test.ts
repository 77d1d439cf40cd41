/**
 * A PostgreSQL blip (a restart, a failover, a proxy's idle cut, an administrator
 * ending connections) is survived: two Parlor processes on one Redis and one
 * PostgreSQL stay alive when their backends are terminated, calls meanwhile are
 * refused with a retryable SERVICE_UNAVAILABLE (never "Internal error"), /readyz
 * names the database while it is out of reach, and open room.messages streams
 * (the stock tRPC client) wait it out and carry on with no gap.
 *
 * Regression: the pool had no 'error' listener, so every terminated connection
 * ended the process (16 of 16); and a stream whose read failed ended with
 * INTERNAL_SERVER_ERROR, final for the stock wsLink.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { ParlorClient } from "@parlor/client";
import { TRPCClientError } from "@trpc/client";
import { STORAGE_UNAVAILABLE_MESSAGE } from "../../server/trpc/domain-errors.ts";
import {
  createPostgresSchema,
  describeWithServices,
  POSTGRES_URL,
  postgresService,
  redisService,
  testRedisUrl,
  uniqueRedisPrefix,
} from "../support/backends.ts";
import { type ParlorProcess, startParlorProcess } from "../support/parlor-process.ts";
import type { RecordedSubscription } from "../support/subscriber.ts";
import { subscribeRoom } from "../support/subscriber.ts";
import { startTcpProxy, type TcpProxy } from "../support/tcp-proxy.ts";
import { waitFor } from "../support/wait.ts";

type Schema = Awaited<ReturnType<typeof createPostgresSchema>>;

/** "CODE: message" of a refused call, or what else it failed with. */
const refusal = (error: unknown) =>
  error instanceof TRPCClientError ? `${error.data?.code}: ${error.message}` : String(error);
const RETRYABLE = `SERVICE_UNAVAILABLE: ${STORAGE_UNAVAILABLE_MESSAGE}`;

/** Sends `text` with a client id, retrying (bounded) while refused as retryable; every refusal is recorded. */
async function sendRetrying(client: ParlorClient, room: string, text: string, refusals: string[]): Promise<void> {
  const clientId = crypto.randomUUID();
  for (let attempt = 1; ; attempt++) {
    try {
      await client.room.send.mutate({ room, text, clientId });
      return;
    } catch (error) {
      refusals.push(refusal(error));
      if (refusal(error) !== RETRYABLE || attempt >= 50) throw error;
      await Bun.sleep(50); // a retrying client's pause, as an app would back off
    }
  }
}

/** Every entry arrived once, in order: ids 1, 2, 3, … with no gap, and nothing ended the stream. */
function expectGapless(stream: RecordedSubscription, count: number) {
  expect(stream.errors.map(refusal)).toEqual([]);
  expect(stream.ids).toEqual(Array.from({ length: count }, (_, i) => String(i + 1)));
}

async function readyz(url: string) {
  const res = await fetch(`${url}/readyz`);
  return { status: res.status, body: (await res.json()) as { ready: boolean; missing: string[] } };
}

await describeWithServices("a PostgreSQL blip", [postgresService, redisService], () => {
  let schema: Schema;
  let proxy: TcpProxy;
  /** a and b reach PostgreSQL directly; c (on the same schema and Redis) through `proxy`, which a test cuts. */
  let a: ParlorProcess, b: ParlorProcess, c: ParlorProcess;

  beforeAll(async () => {
    schema = await createPostgresSchema();
    const target = new URL(POSTGRES_URL);
    proxy = startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const proxied = new URL(schema.url);
    proxied.host = `127.0.0.1:${proxy.port}`;
    const redis = { url: await testRedisUrl(), prefix: uniqueRedisPrefix() };
    a = await startParlorProcess({ redis, database: schema.url });
    [b, c] = await Promise.all([
      startParlorProcess({ redis, database: schema.url }),
      startParlorProcess({ redis, database: proxied.toString() }),
    ]);
  }, 30_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop(), c?.stop()]);
    proxy?.stop();
    await schema?.drop();
  });

  test("backends terminated again and again: both processes live, calls meanwhile succeed or are refused as retryable, streams on both carry on gapless", async () => {
    const user = await a.signUp();
    const onB = b.signedInAs(user.token);
    const streams = [subscribeRoom(user.client, { room: "blip" }), subscribeRoom(onB.client, { room: "blip" })];
    await Promise.all(streams.map((s) => s.started));

    const refusals: string[] = [];
    let sent = 0;
    for (let round = 0; round < 8; round++) {
      // Every connection of both processes (idle ones, and any in the middle of a query) ends now.
      expect(await schema.terminateBackends()).toBeGreaterThan(0);
      for (const client of [user.client, onB.client]) {
        await sendRetrying(client, "blip", `round ${round} #${++sent}`, refusals);
        await client.room.history.query({ room: "blip", limit: 1 }).catch((error) => refusals.push(refusal(error)));
      }
    }

    expect([a.exitCode, b.exitCode]).toEqual([null, null]);
    for (const p of [a, b]) expect(await readyz(p.url)).toEqual({ status: 200, body: { ready: true, missing: [] } });
    // Whatever was refused was refused as retryable, and said so.
    expect(refusals.filter((r) => r !== RETRYABLE)).toEqual([]);
    for (const stream of streams) {
      await stream.waitForCount(sent, 10_000);
      expectGapless(stream, sent);
    }
    for (const stream of streams) stream.unsubscribe();
  }, 60_000);

  test("the database out of reach for a while: /readyz names it, a call is refused as retryable, an open stream waits and then delivers what was stored meanwhile, gapless", async () => {
    const user = await b.signUp();
    const onC = c.signedInAs(user.token);
    const stream = subscribeRoom(onC.client, { room: "cut" });
    await stream.started;
    await user.client.room.send.mutate({ room: "cut", text: "before" });
    await stream.waitForCount(1, 5000);

    proxy.cut();
    expect(await readyz(c.url)).toEqual({ status: 503, body: { ready: false, missing: ["database"] } });
    const refused = await onC.client.room.history.query({ room: "cut" }).then(() => "answered", refusal);
    expect(refused).toBe(RETRYABLE);

    // Stored through b meanwhile, announced on Redis: c's stream must confirm each against the database it cannot reach.
    const attempts = proxy.refused;
    for (const text of ["during 1", "during 2", "during 3"]) await user.client.room.send.mutate({ room: "cut", text });
    await waitFor(
      () => proxy.refused >= attempts + 3 || stream.errors.length > 0,
      "c's stream to try the database again",
      10_000,
    );
    expect(stream.errors.map(refusal)).toEqual([]);
    expect(stream.messages.map((m) => m.text)).toEqual(["before"]);

    proxy.restore();
    await stream.waitForCount(4, 10_000);
    await user.client.room.send.mutate({ room: "cut", text: "after" });
    await stream.waitForCount(5, 10_000);
    expect(stream.messages.map((m) => m.text)).toEqual(["before", "during 1", "during 2", "during 3", "after"]);
    expectGapless(stream, 5);
    expect(await readyz(c.url)).toEqual({ status: 200, body: { ready: true, missing: [] } });
    expect(c.exitCode).toBeNull();
    stream.unsubscribe();
  }, 60_000);
});
