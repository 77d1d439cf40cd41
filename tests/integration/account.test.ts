/**
 * A person's own sessions and password, through the real client over real HTTP
 * and WebSocket: list sessions, change the password, sign out everywhere, and
 * expired sessions purged without anyone presenting them.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { createParlorClient, createParlorSocket } from "@parlor/client";
import { storedSessionId as hashToken } from "../../server/auth/index.ts";
import { CLOSE_SESSION_ENDED } from "../../shared/transport.ts";
import { failure, outcome } from "../support/outcome.ts";
import { startTestServer, type TestServer } from "../support/server.ts";
import { subscribeRoom } from "../support/subscriber.ts";
import { eventually, waitFor } from "../support/wait.ts";

const PASSWORD = "correct horse battery";
const NEW_PASSWORD = "tr0ub4dor & 3";

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(() => server.stop());

/** Another session of the same user (a second device), with an open, subscribed socket. */
async function secondDevice(username: string) {
  const { token } = await server.guest().client.auth.login.mutate({ username, password: PASSWORD });
  const closes: (number | undefined)[] = [];
  const socket = createParlorSocket({ url: server.url, token, keepOpen: true, onClose: (c) => closes.push(c?.code) });
  const client = createParlorClient({ url: server.url, token, socket });
  const sub = subscribeRoom(client, { room: "lobby" });
  await sub.started;
  await waitFor(
    () => server.app.services.sessions.socketCount(token) === 1,
    "the second device's socket to be registered",
  );
  return { token, client, socket, closes, sub };
}

/** The user's own socket, subscribed, recording its close codes. */
async function ownSocket(token: string) {
  const closes: (number | undefined)[] = [];
  const socket = createParlorSocket({ url: server.url, token, keepOpen: true, onClose: (c) => closes.push(c?.code) });
  const sub = subscribeRoom(createParlorClient({ url: server.url, token, socket }), { room: "lobby" });
  await sub.started;
  return { socket, closes };
}

describe("auth.sessions", () => {
  test("two sign-ins of ann list two sessions, the caller's marked current, with ids that are neither the token nor the stored key", async () => {
    const ann = await server.signUp("ann");
    const other = await secondDevice("ann");
    const list = await ann.client.auth.sessions.query();
    expect(list).toHaveLength(2);
    expect(list.map((s) => s.current)).toEqual([true, false]);
    for (const [session, token] of [
      [list[0]!, ann.token],
      [list[1]!, other.token],
    ] as const) {
      expect(session.id).toMatch(/^[0-9a-f]{16}$/);
      for (const secret of [token, hashToken(token)]) expect(secret.includes(session.id)).toBe(false);
      expect(Date.parse(session.createdAt!)).toBeLessThanOrEqual(Date.now());
      expect(Date.parse(session.expiresAt)).toBeGreaterThan(Date.now());
    }
    // Each device sees itself as the current one.
    expect((await other.client.auth.sessions.query()).find((s) => s.current)?.id).toBe(list[1]!.id);
    // Ben's sessions are not in ann's list.
    await server.signUp("ben");
    expect(await ann.client.auth.sessions.query()).toHaveLength(2);
    await other.socket.close();
  });

  test("a guest asking for sessions is UNAUTHORIZED", async () => {
    expect(await outcome(server.guest().client.auth.sessions.query())).toBe("UNAUTHORIZED");
  });
});

describe("auth.changePassword", () => {
  test("a wrong current password is FORBIDDEN and changes nothing: the old password still signs in, other sessions live on", async () => {
    const ann = await server.signUp("ann");
    const other = await secondDevice("ann");
    const refused = await failure(
      ann.client.auth.changePassword.mutate({ currentPassword: "not my password", newPassword: NEW_PASSWORD }),
    );
    expect(refused).toEqual({ code: "FORBIDDEN", message: "Your current password is not right." });
    expect(await outcome(server.guest().client.auth.login.mutate({ username: "ann", password: PASSWORD }))).toBe("OK");
    expect(await outcome(server.guest().client.auth.login.mutate({ username: "ann", password: NEW_PASSWORD }))).toBe(
      "UNAUTHORIZED",
    );
    expect((await other.client.auth.me.query())?.username).toBe("ann");
    expect(other.closes).toEqual([]);
    await other.socket.close();
  });

  test("the right one sets the new password, ends the other session and closes its socket (4001), keeps this one and its socket", async () => {
    const ann = await server.signUp("ann");
    const mine = await ownSocket(ann.token);
    const other = await secondDevice("ann");
    const result = await ann.client.auth.changePassword.mutate({
      currentPassword: PASSWORD,
      newPassword: NEW_PASSWORD,
    });
    expect(result).toEqual({ endedSessions: 1 });
    await waitFor(() => other.closes.includes(CLOSE_SESSION_ENDED), "the other device's socket to close with 4001");
    expect(await other.client.auth.me.query()).toBeNull();
    // This session goes on: its calls, and its socket, which was never closed.
    expect((await ann.client.auth.me.query())?.username).toBe("ann");
    expect(await outcome(ann.client.room.send.mutate({ room: "lobby", text: "still me" }))).toBe("OK");
    expect(mine.closes).toEqual([]);
    expect(server.app.services.sessions.socketCount(ann.token)).toBe(1);
    expect(await outcome(server.guest().client.auth.login.mutate({ username: "ann", password: PASSWORD }))).toBe(
      "UNAUTHORIZED",
    );
    expect(await outcome(server.guest().client.auth.login.mutate({ username: "ann", password: NEW_PASSWORD }))).toBe(
      "OK",
    );
    await Promise.all([mine.socket.close(), other.socket.close()]);
  });

  test("a new password that breaks the rules is BAD_REQUEST saying why", async () => {
    const ann = await server.signUp("ann");
    const refused = await failure(
      ann.client.auth.changePassword.mutate({ currentPassword: PASSWORD, newPassword: "short" }),
    );
    expect(refused.code).toBe("BAD_REQUEST");
    expect(refused.message).toContain("at least 8 characters");
  });

  test("guessing the current password is limited like sign-in: the 3rd wrong guess with a burst of 2 is TOO_MANY_REQUESTS", async () => {
    await using limited = await startTestServer({
      LOGIN_BURST_PER_USERNAME_IP: "2",
      LOGIN_PER_MINUTE_PER_USERNAME_IP: "1",
    });
    const ann = await limited.signUp("ann");
    const guess = () =>
      outcome(ann.client.auth.changePassword.mutate({ currentPassword: "guess password", newPassword: NEW_PASSWORD }));
    expect([await guess(), await guess(), await guess()]).toEqual(["FORBIDDEN", "FORBIDDEN", "TOO_MANY_REQUESTS"]);
    // Even the right password waits now: the limit is on attempts, not on failures.
    expect(
      await outcome(ann.client.auth.changePassword.mutate({ currentPassword: PASSWORD, newPassword: NEW_PASSWORD })),
    ).toBe("TOO_MANY_REQUESTS");
  });
});

describe("auth.logoutAll", () => {
  test("ends every session of the caller, closes every socket (4001) and clears the cookie; other users keep theirs", async () => {
    const ann = await server.signUp("ann");
    const ben = await server.signUp("ben");
    const mine = await ownSocket(ann.token);
    const other = await secondDevice("ann");
    const bens = await ownSocket(ben.token);
    const res = await fetch(`${server.url}/trpc/auth.logoutAll`, {
      method: "POST",
      headers: { authorization: `Bearer ${ann.token}`, "content-type": "application/json" },
      body: "{}",
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { result: { data: unknown } }).result.data).toEqual({ endedSessions: 2 });
    expect(res.headers.get("set-cookie")).toMatch(/^parlor_session=;.*Max-Age=0/);
    await waitFor(
      () => mine.closes.includes(CLOSE_SESSION_ENDED) && other.closes.includes(CLOSE_SESSION_ENDED),
      "both of ann's sockets to close with 4001",
    );
    expect(await ann.client.auth.me.query()).toBeNull();
    expect(await other.client.auth.me.query()).toBeNull();
    expect((await ben.client.auth.me.query())?.username).toBe("ben");
    expect(bens.closes).toEqual([]);
    await Promise.all([mine.socket.close(), other.socket.close(), bens.socket.close()]);
  });
});

describe("expired sessions", () => {
  test("a session nobody presents again is deleted by the periodic sweep after it expires (TTL 1 s)", async () => {
    await using short = await startTestServer({ SESSION_TTL_SECONDS: "1" });
    await short.guest().client.auth.register.mutate({ username: "ann", password: PASSWORD });
    const rows = () => short.app.services.db.selectFrom("session").select("id").execute();
    expect(await rows()).toHaveLength(1);
    let left = 1;
    await eventually(
      async () => (left = (await rows()).length) === 0,
      "the sweep to delete the expired session",
      5_000,
      100,
    );
    expect(left).toBe(0);
  });
});

describe("session details", () => {
  const FIREFOX_ON_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0";

  /** Signs `username` in over plain HTTP with this User-Agent, as a browser would; resolves to the token. */
  async function signInAs(username: string, userAgent: string): Promise<string> {
    const res = await fetch(`${server.url}/trpc/auth.login`, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": userAgent },
      body: JSON.stringify({ username, password: PASSWORD }),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { result: { data: { token: string } } }).result.data.token;
  }

  test("a sign-in records the browser and system of its User-Agent, its network (/24) and when it was last active", async () => {
    const ann = await server.signUp("ann");
    await signInAs("ann", FIREFOX_ON_WINDOWS);
    const [mine, firefox] = await ann.client.auth.sessions.query();
    expect(firefox).toMatchObject({
      current: false,
      browser: "Firefox 121",
      system: "Windows 10",
      address: "127.0.0.x",
    });
    expect(Date.parse(firefox!.lastActiveAt!)).toBeLessThanOrEqual(Date.now());
    // A script's User-Agent names no browser: null, not a guess.
    expect(mine).toMatchObject({ current: true, browser: null, address: "127.0.0.x" });
  });

  test("lastActiveAt is written at most once a minute: a use within the minute writes nothing, one after it moves it", async () => {
    const ann = await server.signUp("ann");
    const db = server.app.services.db;
    const key = hashToken(ann.token);
    const stored = async () =>
      Number(
        (await db.selectFrom("session").select("last_active_at").where("id", "=", key).executeTakeFirstOrThrow())
          .last_active_at,
      );
    const longAgo = Date.now() - 30_000;
    // Each use below is a lookup of the session: none answered from the second-long lookup cache.
    const freshUse = async () => {
      server.app.services.auth.sessionsEnded();
      await ann.client.auth.me.query();
    };
    await db.updateTable("session").set({ last_active_at: longAgo }).where("id", "=", key).execute();
    await freshUse();
    expect(await stored()).toBe(longAgo);
    const overAMinute = Date.now() - 61_000;
    await db.updateTable("session").set({ last_active_at: overAMinute }).where("id", "=", key).execute();
    await freshUse();
    expect(await stored()).toBeGreaterThan(overAMinute + 60_000);
  });
});

describe("auth.endSession", () => {
  test("ends one session of yours by its listed id: its token stops working and its socket closes (4001); this one stays", async () => {
    const ann = await server.signUp("ann");
    const other = await secondDevice("ann");
    const otherId = (await other.client.auth.sessions.query()).find((s) => s.current)!.id;
    expect(await ann.client.auth.endSession.mutate({ id: otherId })).toEqual({ ok: true });
    await waitFor(() => other.closes.includes(CLOSE_SESSION_ENDED), "the ended session's socket to close with 4001");
    expect(await createParlorClient({ url: server.url, token: other.token }).auth.me.query()).toBeNull();
    expect((await ann.client.auth.me.query())?.username).toBe("ann");
    expect((await ann.client.auth.sessions.query()).map((s) => s.id)).not.toContain(otherId);
    // Already ended: nothing left to end.
    expect((await failure(ann.client.auth.endSession.mutate({ id: otherId }))).code).toBe("NOT_FOUND");
    await other.socket.close();
  });

  test("another user's session id, an unknown one or one already ended is NOT_FOUND and ends nothing; a malformed id is BAD_REQUEST; a guest is UNAUTHORIZED", async () => {
    const ann = await server.signUp("ann");
    const ben = await server.signUp("ben");
    const annsId = (await ann.client.auth.sessions.query())[0]!.id;
    const notFound = { code: "NOT_FOUND", message: "You have no session with that id (it may have ended already)." };
    expect(await failure(ben.client.auth.endSession.mutate({ id: annsId }))).toEqual(notFound);
    expect(await failure(ben.client.auth.endSession.mutate({ id: "0123456789abcdef" }))).toEqual(notFound);
    expect((await ann.client.auth.me.query())?.username).toBe("ann");
    expect((await failure(ben.client.auth.endSession.mutate({ id: "not an id" }))).code).toBe("BAD_REQUEST");
    expect(await outcome(server.guest().client.auth.endSession.mutate({ id: annsId }))).toBe("UNAUTHORIZED");
  });
});
