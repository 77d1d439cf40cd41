/**
 * Limits and floods (SECURITY.md): each cap is configurable, and a client that
 * reaches it gets a clear answer while everyone else carries on.
 */
import { describe, expect, test } from "bun:test";
import type { ParlorClient } from "@parlor/client";
import { MAX_FRAME_BYTES } from "../../server/limits/defaults.ts";
import { failure, outcome, upgradeStatus } from "../support/outcome.ts";
import { clientBehindProxy } from "../support/proxied-client.ts";
import { openRawWebSocket } from "../support/raw-websocket.ts";
import { startTestServer, type TestServer } from "../support/server.ts";
import { subscribeRoom } from "../support/subscriber.ts";
import { waitFor } from "../support/wait.ts";

/** A raw WebSocket to /trpc, as a script without the tRPC client would open one. */
function rawSocket(url: string): Promise<{ ws: WebSocket; closed: Promise<{ code: number; reason: string }> }> {
  const ws = new WebSocket(`${url.replace("http", "ws")}/trpc`);
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.addEventListener("close", (e) => resolve({ code: e.code, reason: e.reason })),
  );
  return new Promise((resolve, reject) => {
    ws.addEventListener("open", () => resolve({ ws, closed }));
    ws.addEventListener("error", () => reject(new Error("socket failed to open")));
  });
}

describe("send rate limit (per user)", () => {
  test("a burst is allowed, the flood after it is TOO_MANY_REQUESTS and not stored, other users are unaffected", async () => {
    await using server = await startTestServer({ SEND_BURST: "3", SEND_PER_SECOND: "0.5" });
    const [ann, ben] = await Promise.all([server.signUp(), server.signUp()]);
    const results = [];
    for (let i = 1; i <= 5; i++)
      results.push(await outcome(ann.client.room.send.mutate({ room: "flood", text: `m${i}` })));
    expect(results).toEqual(["OK", "OK", "OK", "TOO_MANY_REQUESTS", "TOO_MANY_REQUESTS"]);
    expect(await outcome(ben.client.room.send.mutate({ room: "flood", text: "ben is fine" }))).toBe("OK");
    const stored = await ben.client.room.history.query({ room: "flood" });
    expect(stored.messages.map((m) => m.text)).toEqual(["ben is fine", "m3", "m2", "m1"]);
  });

  test("the refusal says when to try again", async () => {
    await using server = await startTestServer({ SEND_BURST: "1", SEND_PER_SECOND: "0.25" });
    const ann = await server.signUp();
    await ann.client.room.send.mutate({ room: "r", text: "one" });
    const error = await ann.client.room.send.mutate({ room: "r", text: "two" }).catch((e: Error) => e);
    expect((error as Error).message).toMatch(/^Too many messages: try again in [1-4] s\.$/);
  });
});

/** A client whose calls reach the server as coming from `address`: through a trusted proxy (TRUST_PROXY=1) that says so. */
const clientFrom = (server: TestServer, address: string): ParlorClient => clientBehindProxy(server.url, address);

describe("login attempts", () => {
  test("per username and address: after the burst even the right password is refused from that address; other accounts are not", async () => {
    await using server = await startTestServer({
      LOGIN_BURST_PER_USERNAME_IP: "2",
      LOGIN_PER_MINUTE_PER_USERNAME_IP: "1",
    });
    const { client } = server.guest();
    await client.auth.register.mutate({ username: "ann", password: "ann's password" });
    await client.auth.register.mutate({ username: "ben", password: "ben's password" });
    const attempts = [];
    for (const password of ["guess one", "guess two", "ann's password"])
      attempts.push(await outcome(client.auth.login.mutate({ username: "ann", password })));
    expect(attempts).toEqual(["UNAUTHORIZED", "UNAUTHORIZED", "TOO_MANY_REQUESTS"]);
    expect(await outcome(client.auth.login.mutate({ username: "ben", password: "ben's password" }))).toBe("OK");
  });

  test("no lock-out by strangers: wrong passwords for ann from one address slow that address; ann signs in from hers", async () => {
    await using server = await startTestServer({
      TRUST_PROXY: "1",
      LOGIN_BURST_PER_USERNAME_IP: "3",
      LOGIN_PER_MINUTE_PER_USERNAME_IP: "1",
    });
    await clientFrom(server, "198.51.100.1").auth.register.mutate({ username: "ann", password: "ann's password" });
    const stranger = clientFrom(server, "203.0.113.66");
    const guesses = [];
    for (let i = 0; i < 5; i++)
      guesses.push(await outcome(stranger.auth.login.mutate({ username: "ann", password: `guess ${i}xx` })));
    expect(guesses).toEqual(["UNAUTHORIZED", "UNAUTHORIZED", "UNAUTHORIZED", "TOO_MANY_REQUESTS", "TOO_MANY_REQUESTS"]);
    // The stranger, now holding the right password, is still refused: the limit is theirs.
    expect(await outcome(stranger.auth.login.mutate({ username: "ann", password: "ann's password" }))).toBe(
      "TOO_MANY_REQUESTS",
    );
    // Ann, from her own address, signs in at once.
    const ann = clientFrom(server, "198.51.100.1");
    expect((await ann.auth.login.mutate({ username: "ann", password: "ann's password" })).user.username).toBe("ann");
  });

  test("a sign-in that succeeds clears that address's failures for the account", async () => {
    await using server = await startTestServer({
      TRUST_PROXY: "1",
      LOGIN_BURST_PER_USERNAME_IP: "2",
      LOGIN_PER_MINUTE_PER_USERNAME_IP: "1",
    });
    const ann = clientFrom(server, "198.51.100.1");
    await ann.auth.register.mutate({ username: "ann", password: "ann's password" });
    expect(await outcome(ann.auth.login.mutate({ username: "ann", password: "typo typo" }))).toBe("UNAUTHORIZED");
    expect(await outcome(ann.auth.login.mutate({ username: "ann", password: "ann's password" }))).toBe("OK");
    // Two more tries are hers again, not one.
    expect(await outcome(ann.auth.login.mutate({ username: "ann", password: "typo typo" }))).toBe("UNAUTHORIZED");
    expect(await outcome(ann.auth.login.mutate({ username: "ann", password: "ann's password" }))).toBe("OK");
  });

  test("per address: many usernames from one address are limited too; another address is not", async () => {
    await using server = await startTestServer({
      TRUST_PROXY: "1",
      LOGIN_BURST_PER_IP: "3",
      LOGIN_PER_MINUTE_PER_IP: "1",
    });
    const sprayer = clientFrom(server, "203.0.113.66");
    const attempts = [];
    for (const username of ["u1x", "u2x", "u3x", "u4x"])
      attempts.push(await outcome(sprayer.auth.login.mutate({ username, password: "whatever1" })));
    expect(attempts).toEqual(["UNAUTHORIZED", "UNAUTHORIZED", "UNAUTHORIZED", "TOO_MANY_REQUESTS"]);
    expect(
      await outcome(clientFrom(server, "198.51.100.1").auth.login.mutate({ username: "u1x", password: "whatever1" })),
    ).toBe("UNAUTHORIZED");
  });

  test("IPv6: addresses in one /64 share the per-address limit; the next /64 does not", async () => {
    await using server = await startTestServer({
      TRUST_PROXY: "1",
      LOGIN_BURST_PER_IP: "2",
      LOGIN_PER_MINUTE_PER_IP: "1",
    });
    const attempt = (address: string) =>
      outcome(clientFrom(server, address).auth.login.mutate({ username: "nobody", password: "whatever1" }));
    expect(await attempt("2001:db8:1:2::1")).toBe("UNAUTHORIZED");
    expect(await attempt("2001:db8:1:2::2")).toBe("UNAUTHORIZED");
    expect(await attempt("2001:db8:1:2:ffff::9")).toBe("TOO_MANY_REQUESTS");
    expect(await attempt("2001:db8:1:3::1")).toBe("UNAUTHORIZED");
  });

  test("without TRUST_PROXY a forged X-Forwarded-For does not give a new address", async () => {
    await using server = await startTestServer({ LOGIN_BURST_PER_IP: "2", LOGIN_PER_MINUTE_PER_IP: "1" });
    const results = [];
    for (const address of ["192.0.2.1", "192.0.2.2", "192.0.2.3"]) {
      results.push(
        await outcome(clientFrom(server, address).auth.login.mutate({ username: "nobody", password: "whatever1" })),
      );
    }
    expect(results).toEqual(["UNAUTHORIZED", "UNAUTHORIZED", "TOO_MANY_REQUESTS"]);
  });
});

describe("sign-ups", () => {
  test("are limited per address, apart from sign-ins: the flood is TOO_MANY_REQUESTS and creates no account", async () => {
    await using server = await startTestServer({
      TRUST_PROXY: "1",
      REGISTER_BURST_PER_IP: "2",
      REGISTER_PER_HOUR_PER_IP: "1",
    });
    const farm = clientFrom(server, "203.0.113.66");
    const results = [];
    for (const username of ["bot1", "bot2", "bot3"])
      results.push(await outcome(farm.auth.register.mutate({ username, password: "password1" })));
    expect(results).toEqual(["OK", "OK", "TOO_MANY_REQUESTS"]);
    // bot3 was never created: it cannot sign in. Signing in from that address still works.
    expect(await outcome(farm.auth.login.mutate({ username: "bot3", password: "password1" }))).toBe("UNAUTHORIZED");
    expect(await outcome(farm.auth.login.mutate({ username: "bot1", password: "password1" }))).toBe("OK");
    // Someone else signs up as usual.
    expect(
      await outcome(
        clientFrom(server, "198.51.100.1").auth.register.mutate({ username: "ann", password: "password1" }),
      ),
    ).toBe("OK");
  });
});

describe("room creation (per user)", () => {
  test("room.create past ROOM_CREATE_BURST is TOO_MANY_REQUESTS and creates nothing; a taken name counts too; other users create", async () => {
    await using server = await startTestServer({ ROOM_CREATE_BURST: "3", ROOM_CREATE_PER_HOUR: "1" });
    const [ann, ben] = await Promise.all([server.signUp(), server.signUp()]);
    const results = [];
    for (const room of ["a1", "a1", "a2", "a3"])
      results.push(await outcome(ann.client.room.create.mutate({ room, visibility: "public" })));
    expect(results).toEqual(["OK", "CONFLICT", "OK", "TOO_MANY_REQUESTS"]);
    expect((await failure(ann.client.room.create.mutate({ room: "a4", visibility: "private" }))).message).toMatch(
      /^Too many rooms created: try again in \d+ s\.$/,
    );
    expect(await outcome(ben.client.room.info.query({ room: "a3" }))).toBe("NOT_FOUND");
    expect(await outcome(ben.client.room.create.mutate({ room: "b1", visibility: "private" }))).toBe("OK");
  });
});

describe("search (per user, per address)", () => {
  test("a guest past SEARCH_BURST is TOO_MANY_REQUESTS, counted by address; a guest at another address searches", async () => {
    await using server = await startTestServer({ TRUST_PROXY: "1", SEARCH_BURST: "3", SEARCH_PER_MINUTE: "1" });
    const search = (address: string) => outcome(clientFrom(server, address).room.search.query({ query: "anything" }));
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await search("203.0.113.66"));
    expect(results).toEqual(["OK", "OK", "OK", "TOO_MANY_REQUESTS"]);
    expect(
      (await failure(clientFrom(server, "203.0.113.66").room.search.query({ query: "anything" }))).message,
    ).toMatch(/^Too many searches: try again in \d+ s\.$/);
    expect(await search("198.51.100.1")).toBe("OK");
  });

  test("a signed-in user is counted per account; many accounts at one address share SEARCH_BURST_PER_IP", async () => {
    await using server = await startTestServer({
      TRUST_PROXY: "1",
      SEARCH_BURST: "2",
      SEARCH_PER_MINUTE: "1",
      SEARCH_BURST_PER_IP: "5",
      SEARCH_PER_MINUTE_PER_IP: "1",
    });
    const [ann, ben, cat, dan] = await Promise.all([
      server.signUp(),
      server.signUp(),
      server.signUp(),
      server.signUp(),
    ]);
    const search = (user: { token: string }, address: string) =>
      clientBehindProxy(server.url, address, user.token).room.search.query({ query: "anything" });
    // Per account, wherever it asks from.
    expect([
      await outcome(search(ann, "203.0.113.66")),
      await outcome(search(ann, "198.51.100.1")),
      await outcome(search(ann, "192.0.2.9")),
    ]).toEqual(["OK", "OK", "TOO_MANY_REQUESTS"]);
    // At 203.0.113.66: ann's 1 + ben's 2 + cat's 2 fill the address's 5; dan's first there is refused by the address.
    for (const user of [ben, ben, cat, cat]) expect(await outcome(search(user, "203.0.113.66"))).toBe("OK");
    expect(await failure(search(dan, "203.0.113.66"))).toEqual({
      code: "TOO_MANY_REQUESTS",
      message: expect.stringMatching(/^Too many searches from this address: try again in \d+ s\.$/),
    });
    expect(await outcome(search(dan, "198.51.100.1"))).toBe("OK");
  });
});

describe("connection caps", () => {
  test("the global cap answers 503 at the handshake; a slot frees when a connection closes", async () => {
    await using server = await startTestServer({ MAX_CONNECTIONS: "2" });
    const a = await rawSocket(server.url);
    const b = await rawSocket(server.url);
    expect(await upgradeStatus(server.url)).toBe(503);
    a.ws.close();
    await a.closed;
    await waitFor(() => server.app.connectionCount() === 1, "the close to be counted");
    const c = await rawSocket(server.url);
    b.ws.close();
    c.ws.close();
  });

  test("the per-address cap answers 429", async () => {
    await using server = await startTestServer({ MAX_CONNECTIONS_PER_IP: "1" });
    const a = await rawSocket(server.url);
    expect(await upgradeStatus(server.url)).toBe(429);
    a.ws.close();
  });

  test("the per-user cap refuses a user's extra socket with TOO_MANY_REQUESTS; other users connect", async () => {
    await using server = await startTestServer({ MAX_CONNECTIONS_PER_USER: "1" });
    const [ann, ben] = await Promise.all([server.signUp(), server.signUp()]);
    const first = subscribeRoom(ann.client, { room: "lobby" });
    await first.started;
    // A second socket signing in as ann, as the tRPC client does (connectionParams first):
    // the server answers with the refusal and closes it.
    const extra = await openRawWebSocket(server.url, "/trpc?connectionParams=1");
    extra.send(JSON.stringify({ method: "connectionParams", data: { token: ann.token } }));
    extra.send(JSON.stringify({ id: 1, method: "query", params: { path: "auth.me", input: null } }));
    await extra.closed;
    expect(extra.textFrames()[0]).toMatchObject({
      id: null,
      error: { message: "At most 1 connections per user.", data: { code: "TOO_MANY_REQUESTS" } },
    });
    expect(server.app.services.sessions.socketCount(ann.token)).toBe(1);
    // ann's first socket and other users are unaffected.
    const benSub = subscribeRoom(ben.client, { room: "lobby" });
    await benSub.started;
    await ben.client.room.send.mutate({ room: "lobby", text: "hello" });
    await first.waitForCount(1);
  });

  test("subscriptions per connection are capped; ending one frees its slot", async () => {
    await using server = await startTestServer({ MAX_SUBSCRIPTIONS_PER_CONNECTION: "2" });
    const { client } = server.guest();
    const a = subscribeRoom(client, { room: "r1" });
    const b = subscribeRoom(client, { room: "r2" });
    await Promise.all([a.started, b.started]);
    const c = subscribeRoom(client, { room: "r3" });
    await waitFor(() => c.errors.length > 0, "the refusal");
    expect(c.errors[0]!.data?.code).toBe("TOO_MANY_REQUESTS");
    a.unsubscribe();
    // The slot frees when the server's stream loop ends, a turn or more after the stop; no frame tells the client.
    await Bun.sleep(50);
    const d = subscribeRoom(client, { room: "r4" });
    await d.started;
    expect(d.errors).toEqual([]);
  });
});

describe("frames", () => {
  test(`a frame over ${MAX_FRAME_BYTES / 1024} KiB closes the socket with 1009; the server keeps serving`, async () => {
    await using server = await startTestServer();
    const { ws, closed } = await rawSocket(server.url);
    ws.send("x".repeat(MAX_FRAME_BYTES + 1));
    expect((await closed).code).toBe(1009);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  test("a frame just under the limit is answered as a (bad) request, not cut off", async () => {
    await using server = await startTestServer();
    const { ws, closed } = await rawSocket(server.url);
    const reply = new Promise<string>((resolve) => ws.addEventListener("message", (e) => resolve(String(e.data))));
    const text = "x".repeat(MAX_FRAME_BYTES - 200);
    ws.send(JSON.stringify({ id: 1, method: "mutation", params: { path: "room.send", input: { room: "r", text } } }));
    const answer = JSON.parse(await reply) as { id: number; error: { data: { code: string } } };
    expect(answer.id).toBe(1);
    expect(answer.error.data.code).toBe("UNAUTHORIZED");
    ws.close(1000);
    expect((await closed).code).toBe(1000);
  });
});
