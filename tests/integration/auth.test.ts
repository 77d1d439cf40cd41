/** Accounts and sessions through the real client and raw HTTP: what a browser and a script rely on. */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { createParlorClient, createParlorSocket, type ParlorClientError } from "@parlor/client";
import { TRPCClientError } from "@trpc/client";
import { storedSessionId as hashToken } from "../../server/auth/index.ts";
import { SESSION_RECHECK_MS } from "../../server/limits/defaults.ts";
import { CLOSE_SESSION_ENDED } from "../../shared/transport.ts";
import { failure, outcome, upgradeStatus } from "../support/outcome.ts";
import { openRawWebSocket } from "../support/raw-websocket.ts";
import { startTestServer, type TestServer } from "../support/server.ts";
import { socketClient } from "../support/socket-client.ts";
import { subscribeRoom } from "../support/subscriber.ts";
import { waitFor } from "../support/wait.ts";

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(() => server.stop());

/** A raw tRPC mutation over HTTP, as a browser's fetch sends it. */
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${server.url}/trpc/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });

describe("register and login", () => {
  test("register returns the user and a token that signs in scripts", async () => {
    const { client } = server.guest();
    const { user, token } = await client.auth.register.mutate({ username: "ann", password: "correct horse" });
    expect(user.username).toBe("ann");
    const ann = createParlorClient({ url: server.url, token });
    expect(await ann.auth.me.query()).toEqual(user);
  });

  test("a taken username is CONFLICT", async () => {
    const { client } = server.guest();
    await client.auth.register.mutate({ username: "ann", password: "correct horse" });
    expect(await outcome(client.auth.register.mutate({ username: "ann", password: "other password" }))).toBe(
      "CONFLICT",
    );
  });

  test("bad credentials shapes are BAD_REQUEST", async () => {
    const { client } = server.guest();
    expect(await outcome(client.auth.register.mutate({ username: "a", password: "correct horse" }))).toBe(
      "BAD_REQUEST",
    );
    expect(await outcome(client.auth.register.mutate({ username: "ann", password: "short" }))).toBe("BAD_REQUEST");
    expect(await outcome(client.auth.register.mutate({ username: "ann smith", password: "correct horse" }))).toBe(
      "BAD_REQUEST",
    );
  });

  test("login with a wrong password or unknown user is UNAUTHORIZED, with the same message", async () => {
    const { client } = server.guest();
    await client.auth.register.mutate({ username: "ann", password: "correct horse" });
    const messages = [];
    for (const creds of [
      { username: "ann", password: "wrong password" },
      { username: "nobody", password: "correct horse" },
    ]) {
      try {
        await client.auth.login.mutate(creds);
        throw new Error("login succeeded");
      } catch (error) {
        expect(error).toBeInstanceOf(TRPCClientError);
        expect((error as ParlorClientError).data?.code).toBe("UNAUTHORIZED");
        messages.push((error as Error).message);
      }
    }
    expect(messages).toEqual(["Wrong username or password.", "Wrong username or password."]);
  });

  test("each login is a new session (no fixation); logging one out leaves the other", async () => {
    const { client } = server.guest();
    await client.auth.register.mutate({ username: "ann", password: "correct horse" });
    const first = await client.auth.login.mutate({ username: "ann", password: "correct horse" });
    const second = await client.auth.login.mutate({ username: "ann", password: "correct horse" });
    expect(first.token).not.toBe(second.token);
    await createParlorClient({ url: server.url, token: first.token }).auth.logout.mutate();
    expect(await createParlorClient({ url: server.url, token: first.token }).auth.me.query()).toBeNull();
    expect((await createParlorClient({ url: server.url, token: second.token }).auth.me.query())?.username).toBe("ann");
  });
});

describe("browser sessions (cookies)", () => {
  test("login sets an HttpOnly, SameSite=Lax, Path=/ cookie (not Secure in development) that authenticates later calls", async () => {
    await server.guest().client.auth.register.mutate({ username: "ann", password: "correct horse" });
    const res = await post("auth.login", { username: "ann", password: "correct horse" });
    expect(res.status).toBe(200);
    const cookie = res.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^parlor_session=[a-z0-9]+;/);
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Lax");
    expect(cookie).toContain("Path=/");
    expect(cookie).not.toContain("Secure");
    const session = cookie.split(";")[0]!;
    const me = await fetch(`${server.url}/trpc/auth.me`, { headers: { cookie: session } });
    expect(((await me.json()) as { result: { data: { username: string } } }).result.data.username).toBe("ann");
  });

  test("in production the cookie is Secure", async () => {
    await using prod = await startTestServer({ NODE_ENV: "production" });
    const res = await fetch(`${prod.url}/trpc/auth.register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "ann", password: "correct horse" }),
    });
    expect(res.headers.get("set-cookie")).toContain("Secure");
  });

  test("logout clears the cookie and the session", async () => {
    const ann = await server.signUp("ann");
    const res = await post("auth.logout", {}, { cookie: `parlor_session=${ann.token}` });
    expect(res.status).toBe(200);
    expect(res.headers.get("set-cookie")).toMatch(/^parlor_session=;.*Max-Age=0/);
    expect(await outcome(ann.client.room.send.mutate({ room: "lobby", text: "still here?" }))).toBe("UNAUTHORIZED");
  });

  test("a state-changing call from a foreign Origin is refused with 403", async () => {
    const ann = await server.signUp("ann");
    const res = await post(
      "room.send",
      { room: "lobby", text: "csrf" },
      { cookie: `parlor_session=${ann.token}`, origin: "https://evil.example" },
    );
    expect(res.status).toBe(403);
    expect((await ann.client.room.history.query({ room: "lobby" })).messages).toEqual([]);
  });

  test("the same call from the server's own origin goes through", async () => {
    const ann = await server.signUp("ann");
    const res = await post(
      "room.send",
      { room: "lobby", text: "same site" },
      { cookie: `parlor_session=${ann.token}`, origin: server.url },
    );
    expect(res.status).toBe(200);
  });
});

describe("session storage", () => {
  test("only a SHA-256 of the token is stored: what the table holds does not sign anyone in", async () => {
    const ann = await server.signUp("ann");
    const rows = await server.app.services.db.selectFrom("session").select("id").execute();
    expect(rows).toHaveLength(1);
    const stored = rows[0]!.id;
    expect(stored).not.toBe(ann.token);
    expect(stored).toBe(new Bun.CryptoHasher("sha256").update(ann.token).digest("hex"));
    const thief = createParlorClient({ url: server.url, token: stored });
    expect(await thief.auth.me.query()).toBeNull();
  });

  test("tokens carry at least 120 bits of randomness", async () => {
    const ann = await server.signUp("ann");
    // Lucia's ids are base32 ([a-z2-7]), 5 bits per character.
    expect(ann.token).toMatch(/^[a-z2-7]+$/);
    expect(ann.token.length * 5).toBeGreaterThanOrEqual(120);
  });

  test("passwords are stored as Argon2id hashes", async () => {
    await server.signUp("ann");
    const row = await server.app.services.db.selectFrom("user").select("password_hash").executeTakeFirstOrThrow();
    expect(row.password_hash).toStartWith("$argon2id$");
  });
});

describe("WebSocket sessions", () => {
  test("connectionParams.token signs a socket in; logout closes that session's sockets and the client reconnects as a guest", async () => {
    const ann = await server.signUp("ann");
    const closes: (number | undefined)[] = [];
    const socket = createParlorSocket({
      url: server.url,
      token: ann.token,
      keepOpen: true,
      onClose: (c) => closes.push(c?.code),
    });
    const viaSocket = createParlorClient({ url: server.url, token: ann.token, socket });
    const sub = subscribeRoom(viaSocket, { room: "lobby" });
    await sub.started;
    await waitFor(
      () => server.app.services.sessions.socketCount(ann.token) === 1,
      "the socket to be registered under ann's session",
    );

    await ann.client.auth.logout.mutate();
    await waitFor(() => closes.includes(4001), "the server to close ann's socket with 4001");
    expect(server.app.services.sessions.socketCount(ann.token)).toBe(0);
    // The subscription carries on as a guest: reading is public.
    await waitFor(() => server.app.connectionCount() >= 1, "the reconnection");
    const ben = await server.signUp("ben");
    await ben.client.room.send.mutate({ room: "lobby", text: "still reading?" });
    await sub.waitForCount(1, 5000);
    expect(sub.messages.map((m) => m.text)).toEqual(["still reading?"]);
    await socket.close();
  });
});

describe("sessions ended elsewhere", () => {
  test("a socket whose session was deleted by another process can no longer act, within a second", async () => {
    const ann = await server.signUp("ann");
    const ws = await openRawWebSocket(server.url, "/trpc?connectionParams=1");
    ws.send(JSON.stringify({ method: "connectionParams", data: { token: ann.token } }));
    const send = async (id: number) => {
      ws.send(
        JSON.stringify({
          id,
          method: "mutation",
          params: { path: "room.send", input: { room: "lobby", text: `m${id}` } },
        }),
      );
      await waitFor(() => ws.textFrames().some((f) => (f as { id: number }).id === id), `the answer to ${id}`);
      return ws.textFrames().find((f) => (f as { id: number }).id === id) as {
        result?: unknown;
        error?: { data: { code: string } };
      };
    };
    expect((await send(1)).result).toBeDefined();
    // Another process logs ann out: the row goes, but it cannot close this socket.
    await server.app.services.db.deleteFrom("session").execute();
    await Bun.sleep(SESSION_RECHECK_MS + 100); // past the recheck interval: the promise under test
    expect((await send(2)).error?.data.code).toBe("UNAUTHORIZED");
    ws.destroy();
  });
});

describe("sessions ended where this process was not told", () => {
  test("a read on a socket whose session ended unannounced (room.history of a public room) is UNAUTHORIZED within a second; the socket then closes (4001) and its private room's stream ends (regression: reads ran on the connection's user for good)", async () => {
    const ann = await server.signUp("ann");
    const ben = await server.signUp("ben");
    await ben.client.room.send.mutate({ room: "lobby", text: "hello" });
    await ann.client.room.create.mutate({ room: "secret", visibility: "private" });
    const tab = socketClient(server.url, ann.token);
    const stream = subscribeRoom(tab.client, { room: "secret" });
    await stream.started;
    await ann.client.room.send.mutate({ room: "secret", text: "before" });
    await stream.waitForCount(1);
    expect((await tab.client.room.history.query({ room: "lobby" })).messages.map((m) => m.text)).toEqual(["hello"]);

    // Ended where nobody tells this process (another process whose announcement was lost): the row goes.
    await server.app.services.db.deleteFrom("session").where("id", "=", hashToken(ann.token)).execute();
    await Bun.sleep(SESSION_RECHECK_MS + 100); // past the recheck interval: the promise under test
    expect(await failure(tab.client.room.history.query({ room: "lobby" }))).toEqual({
      code: "UNAUTHORIZED",
      message: "Your session has ended: sign in again.",
    });
    await waitFor(() => tab.closes.includes(CLOSE_SESSION_ENDED), "the socket to close with 4001");
    // The stock client reconnects with the same token, now a guest: the private room's stream is refused.
    await waitFor(() => stream.errors.length > 0, "the private room's stream to end");
    expect(stream.errors.map((e) => e.data?.code)).toEqual(["NOT_FOUND"]);
    expect(stream.messages.map((m) => m.text)).toEqual(["before"]);
    expect(await tab.client.auth.me.query()).toBeNull();
    await tab.socket.close();
  });

  test("a socket that makes no call, streaming a private room, is closed (4001) by the periodic look-up of every held session once its session ended unannounced", async () => {
    await using quick = await startTestServer({}, { socketSessionsRecheckMs: 200 });
    const ann = await quick.signUp("ann");
    await ann.client.room.create.mutate({ room: "secret", visibility: "private" });
    const tab = socketClient(quick.url, ann.token);
    const stream = subscribeRoom(tab.client, { room: "secret" });
    await stream.started;
    await quick.app.services.db.deleteFrom("session").where("id", "=", hashToken(ann.token)).execute();
    await waitFor(() => tab.closes.includes(CLOSE_SESSION_ENDED), "the socket to close with 4001");
    await waitFor(() => stream.errors.length > 0, "the private room's stream to end");
    expect(stream.errors.map((e) => e.data?.code)).toEqual(["NOT_FOUND"]);
    await tab.socket.close();
  });

  test("a socket still being admitted when its session logs out is closed (4001) once registered, and never streams as the user (regression: it registered after the logout closed the session's sockets)", async () => {
    const ann = await server.signUp("ann");
    await ann.client.room.create.mutate({ room: "secret", visibility: "private" });
    // Hold the socket between its session lookup and its registration: the window a logout fell into.
    const caps = server.app.services.caps;
    const admitting = Promise.withResolvers<void>();
    const proceed = Promise.withResolvers<void>();
    server.app.services.caps = {
      ...caps,
      async admitUser(userId) {
        admitting.resolve();
        await proceed.promise;
        return caps.admitUser(userId);
      },
    };
    const tab = socketClient(server.url, ann.token);
    const stream = subscribeRoom(tab.client, { room: "secret" });
    await admitting.promise;
    await ann.client.auth.logout.mutate();
    proceed.resolve();

    await waitFor(() => tab.closes.includes(CLOSE_SESSION_ENDED), "the late socket to close with 4001");
    await waitFor(() => stream.errors.length > 0, "the private room's stream to be refused");
    expect(stream.errors.map((e) => e.data?.code)).toEqual(["NOT_FOUND"]);
    expect(server.app.services.sessions.socketCount(ann.token)).toBe(0);
    await tab.socket.close();
  });
});

describe("session expiry", () => {
  test("an expired session closes its sockets with 4001 and can no longer act", async () => {
    await using short = await startTestServer({ SESSION_TTL_SECONDS: "1" });
    const ann = await short.signUp("ann");
    const closes: (number | undefined)[] = [];
    const socket = createParlorSocket({
      url: short.url,
      token: ann.token,
      keepOpen: true,
      onClose: (c) => closes.push(c?.code),
    });
    const sub = subscribeRoom(createParlorClient({ url: short.url, token: ann.token, socket }), { room: "lobby" });
    await sub.started;
    expect(short.app.services.sessions.socketCount(ann.token)).toBe(1);
    await waitFor(() => closes.includes(4001), "the expired session's socket to close", 4000);
    expect(await ann.client.auth.me.query()).toBeNull();
    await socket.close();
  });
});

describe("WebSocket upgrade origin rule", () => {
  const upgrade = (headers: Record<string, string>) => upgradeStatus(server.url, headers);

  test("a foreign or look-alike Origin gets 403", async () => {
    for (const origin of [
      "https://evil.example",
      `${server.url}.evil.io`,
      "null",
      server.url.replace("127.0.0.1", "localhost"),
    ]) {
      const status = await upgrade({ origin });
      expect({ origin, status }).toEqual({ origin, status: 403 });
    }
  });

  test("a session cookie without Origin gets 403; a script without cookie and Origin may connect", async () => {
    const ann = await server.signUp("ann");
    expect(await upgrade({ cookie: `parlor_session=${ann.token}` })).toBe(403);
    expect(await upgrade({})).toBe(101);
  });

  test("the server's own origin may connect", async () => {
    expect(await upgrade({ origin: server.url })).toBe(101);
  });

  test("ALLOWED_ORIGINS is an exact list", async () => {
    await using strict = await startTestServer({ ALLOWED_ORIGINS: "https://chat.example.com" });
    const res = (origin: string) => upgradeStatus(strict.url, { origin });
    expect(await res("https://chat.example.com")).toBe(101);
    expect(await res("https://chat.example.com.evil.io")).toBe(403);
    expect(await res(strict.url)).toBe(403);
  });
});
