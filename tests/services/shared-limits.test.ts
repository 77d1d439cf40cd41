/**
 * Limits that hold for the deployment, not per process: two Parlor processes
 * (each `bun server/main.ts`) on one Redis and one PostgreSQL schema. A user's
 * send limit drained through one is drained on the other; sign-in limits,
 * per-user and per-address connection caps count across both; and the
 * connections of a process killed with SIGKILL stop counting by themselves.
 *
 * Clients at several addresses are simulated over loopback: the processes trust
 * one proxy hop (TRUST_PROXY=1) and each client sends the X-Forwarded-For such a
 * proxy would add.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  createPostgresSchema,
  describeWithServices,
  postgresService,
  redisService,
  testRedisUrl,
  uniqueRedisPrefix,
} from "../support/backends.ts";
import { failure, outcome, upgradeStatus } from "../support/outcome.ts";
import { type ParlorProcess, type ParlorProcessOptions, startParlorProcess } from "../support/parlor-process.ts";
import { clientBehindProxy, type ProxiedSocket, socketBehindProxy } from "../support/proxied-client.ts";
import { type RecordedSubscription, subscribeRoom } from "../support/subscriber.ts";
import { eventually, waitFor } from "../support/wait.ts";

/** Waits (bounded) until the subscription has started; a refusal fails the test with the server's answer. */
async function expectStarted(sub: RecordedSubscription, what: string) {
  let started = false;
  void sub.started.then(() => (started = true));
  await waitFor(() => started || sub.errors.length > 0, `${what} to start`, 10_000);
  expect(sub.errors.map((e) => e.message)).toEqual([]);
}

const HEARTBEAT_MS = 200;
const TTL_MS = 1000;

await describeWithServices("limits shared by two processes on one Redis", [postgresService, redisService], () => {
  let schema: Awaited<ReturnType<typeof createPostgresSchema>>;
  let options: ParlorProcessOptions;
  let a: ParlorProcess;
  let b: ParlorProcess;
  const sockets: ProxiedSocket[] = [];
  let addressCounter = 0;
  /** An address no other test uses, so per-address limits of one test never touch another. */
  const freshAddress = () => `198.51.${Math.floor(++addressCounter / 250)}.${addressCounter % 250}`;

  beforeAll(async () => {
    schema = await createPostgresSchema();
    options = {
      database: schema.url,
      redis: { url: await testRedisUrl(), prefix: uniqueRedisPrefix() },
      env: {
        TRUST_PROXY: "1",
        SEND_BURST: "3",
        SEND_PER_SECOND: "0.1",
        LOGIN_BURST_PER_IP: "4",
        LOGIN_PER_MINUTE_PER_IP: "1",
        MAX_CONNECTIONS_PER_USER: "2",
        MAX_CONNECTIONS_PER_IP: "3",
        CONNECTION_HEARTBEAT_MS: String(HEARTBEAT_MS),
        CONNECTION_TTL_MS: String(TTL_MS),
      },
    };
    // One after the other: the first runs the migrations.
    a = await startParlorProcess(options);
    b = await startParlorProcess(options);
  }, 30_000);

  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.close()));
    await Promise.all([a?.stop(), b?.stop()]);
    await schema?.drop();
  });

  /** A user signed up through `on`, from an address of its own. */
  async function signUp(on: ParlorProcess, name: string) {
    const username = `${name}${process.pid % 1000}_${++addressCounter}`;
    const { token } = await clientBehindProxy(on.url, freshAddress()).auth.register.mutate({
      username,
      password: "correct horse battery",
    });
    return { username, token };
  }

  function socket(on: ParlorProcess, address: string, token?: string) {
    const s = socketBehindProxy(on.url, address, token);
    sockets.push(s);
    return s;
  }

  /**
   * Opens one more socket for `token` on `on`: "started", or "refused" by the server with the
   * per-user cap (then closed, so its client does not retry). A client-side transport error (no
   * server code) is no verdict: that socket is dropped and another tried (bounded).
   */
  async function openOrRefused(on: ParlorProcess, token: string, room: string): Promise<"started" | "refused"> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const s = socket(on, freshAddress(), token);
      const sub = subscribeRoom(s.client, { room });
      let started = false;
      void sub.started.then(() => (started = true));
      await waitFor(() => started || sub.errors.length > 0, "the socket to be admitted or refused");
      if (started) return "started";
      await s.close();
      const error = sub.errors[0]!;
      if (error.data?.code === undefined) continue;
      expect({ code: error.data.code, message: error.message }).toEqual({
        code: "TOO_MANY_REQUESTS",
        message: "At most 2 connections per user.",
      });
      return "refused";
    }
    throw new Error("five sockets in a row failed on the client side, with no answer from the server");
  }

  test("a user's send limit drained through process A is empty on process B; another user is unaffected", async () => {
    const ann = await signUp(a, "ann");
    const ben = await signUp(b, "ben");
    const annOnA = clientBehindProxy(a.url, freshAddress(), ann.token);
    const annOnB = clientBehindProxy(b.url, freshAddress(), ann.token);
    const sent = [];
    for (let i = 1; i <= 3; i++) sent.push(await outcome(annOnA.room.send.mutate({ room: "shared", text: `m${i}` })));
    expect(sent).toEqual(["OK", "OK", "OK"]);
    const refused = await failure(annOnB.room.send.mutate({ room: "shared", text: "one too many" }));
    expect(refused.code).toBe("TOO_MANY_REQUESTS");
    expect(refused.message).toMatch(/^Too many messages: try again in \d+ s\.$/);
    expect(
      await outcome(
        clientBehindProxy(b.url, freshAddress(), ben.token).room.send.mutate({ room: "shared", text: "ben is fine" }),
      ),
    ).toBe("OK");
    const { messages } = await annOnB.room.history.query({ room: "shared" });
    expect(messages.map((m) => m.text)).toEqual(["ben is fine", "m3", "m2", "m1"]);
  });

  test("sign-in attempts from one address count on both processes", async () => {
    const address = freshAddress();
    const attempts = [];
    for (let i = 0; i < 5; i++) {
      const on = i % 2 === 0 ? a : b;
      attempts.push(
        await outcome(
          clientBehindProxy(on.url, address).auth.login.mutate({ username: `nobody${i}`, password: "whatever1" }),
        ),
      );
    }
    expect(attempts).toEqual(["UNAUTHORIZED", "UNAUTHORIZED", "UNAUTHORIZED", "UNAUTHORIZED", "TOO_MANY_REQUESTS"]);
  });

  test("the per-user connection cap counts sockets on both processes", async () => {
    const cat = await signUp(a, "cat");
    const socketOnB = socket(b, freshAddress(), cat.token);
    const onA = subscribeRoom(socket(a, freshAddress(), cat.token).client, { room: "caps" });
    const onB = subscribeRoom(socketOnB.client, { room: "caps" });
    await expectStarted(onA, "cat's socket on A");
    await expectStarted(onB, "cat's socket on B");
    // A third socket, on either process: refused, saying why (and closed).
    expect(await openOrRefused(a, cat.token, "caps")).toBe("refused");
    expect(await openOrRefused(b, cat.token, "caps")).toBe("refused");
    // Closing one frees its place for the next, across processes (B releases it in Redis as the socket closes).
    onB.unsubscribe();
    await socketOnB.close();
    await eventually(
      async () => (await openOrRefused(a, cat.token, "caps")) === "started",
      "cat's socket in the freed place",
      5_000,
    );
  });

  test("the per-address connection cap counts sockets on both processes (429 at the handshake)", async () => {
    const address = freshAddress();
    const subs = [a, b, a].map((on) => subscribeRoom(socket(on, address).client, { room: "per-address" }));
    for (const sub of subs) await expectStarted(sub, "a socket from the shared address");
    expect(await upgradeStatus(b.url, { "x-forwarded-for": address })).toBe(429);
    expect(await upgradeStatus(a.url, { "x-forwarded-for": address })).toBe(429);
    // Another address is let in.
    expect(await upgradeStatus(b.url, { "x-forwarded-for": freshAddress() })).toBe(101);
  });

  describe("a process killed with SIGKILL", () => {
    test(`its connections stop counting within the TTL (${TTL_MS} ms), while a live process's keep counting`, async () => {
      const doomed = await startParlorProcess(options);
      const dan = await signUp(a, "dan");
      const onDoomed = [0, 1].map(() =>
        subscribeRoom(socket(doomed, freshAddress(), dan.token).client, { room: "doomed" }),
      );
      for (const sub of onDoomed) await expectStarted(sub, "dan's socket on the doomed process");
      const tryDan = () => openOrRefused(a, dan.token, "doomed");
      expect(await tryDan()).toBe("refused");
      // Well past the TTL, a live process's heartbeat keeps them counted (waiting out the TTL is the test).
      await Bun.sleep(2 * TTL_MS);
      expect(await tryDan()).toBe("refused");

      await doomed.kill();
      // Nobody released them: they expire, TTL_MS after the last heartbeat (bounded tries).
      let verdict = "refused" as "started" | "refused";
      await eventually(
        async () => (verdict = await tryDan()) !== "refused",
        "dan's connections on the dead process to expire",
        20 * HEARTBEAT_MS,
        HEARTBEAT_MS,
      );
      expect(verdict).toBe("started");
    }, 30_000);
  });
});
