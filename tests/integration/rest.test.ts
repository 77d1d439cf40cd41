/** GET /api/messages/<room>/: the same history as room.history, as plain JSON, for any HTTP client. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startTestServer, type TestServer } from "../support/server.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  const ann = await server.signUp("ann");
  for (let i = 1; i <= 7; i++) await ann.client.room.send.mutate({ room: "lobby", text: `m${i}` });
});
afterAll(() => server.stop());

const get = (path: string) => fetch(`${server.url}${path}`);

describe("GET /api/messages/<room>/", () => {
  test("returns { room, messages, nextCursor } exactly as room.history does", async () => {
    const res = await get("/api/messages/lobby/?limit=3");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    const body = await res.json();
    const viaTrpc = await server.guest().client.room.history.query({ room: "lobby", limit: 3 });
    expect(body).toEqual({ room: "lobby", ...viaTrpc });
    expect(body.messages.map((m: { seq: number }) => m.seq)).toEqual([7, 6, 5]);
    expect(body.nextCursor).toBe(5);
  });

  test("?before pages back to the beginning", async () => {
    const body = await (await get("/api/messages/lobby/?before=5&limit=10")).json();
    expect(body.messages.map((m: { seq: number }) => m.seq)).toEqual([4, 3, 2, 1]);
    expect(body.nextCursor).toBeNull();
  });

  test("the path without its trailing slash works too; an unknown room is an empty page", async () => {
    expect((await (await get("/api/messages/lobby")).json()).messages).toHaveLength(7);
    expect(await (await get("/api/messages/nobody-here/")).json()).toEqual({
      room: "nobody-here",
      messages: [],
      nextCursor: null,
    });
  });

  test("room names are case-insensitive: /api/messages/Lobby/ and /api/messages/%23LOBBY/ are lobby's page, named 'lobby'", async () => {
    const canonical = await (await get("/api/messages/lobby/?limit=3")).json();
    for (const path of ["/api/messages/Lobby/?limit=3", "/api/messages/%23LOBBY/?limit=3"]) {
      const res = await get(path);
      expect({ path, status: res.status, body: await res.json() }).toEqual({ path, status: 200, body: canonical });
    }
  });

  test("bad rooms and parameters are 400 with a readable error", async () => {
    const cases: [path: string, error: string][] = [
      ["/api/messages/a..b/", "room: A room name cannot contain '..'."],
      ["/api/messages/a%2Fb/", "room: A room name may contain only letters, digits, '-', '_' and '.'."],
      ["/api/messages/%3Cscript%3E/", "room: A room name may contain only letters, digits, '-', '_' and '.'."],
      [`/api/messages/${"x".repeat(65)}/`, "room: A room name has at most 64 characters."],
      ["/api/messages/lobby/?limit=0", "limit: 'limit' is at least 1."],
      ["/api/messages/lobby/?limit=101", "limit: 'limit' is at most 100."],
      ["/api/messages/lobby/?limit=ten", "limit: 'limit' is a whole number."],
      ["/api/messages/lobby/?before=-1", "before: 'before' is a whole number."],
      ["/api/messages/lobby/?before=1e3", "before: 'before' is a whole number."],
    ];
    for (const [path, error] of cases) {
      const res = await get(path);
      expect({ path, status: res.status, body: await res.json() }).toEqual({ path, status: 400, body: { error } });
    }
  });

  test("any other /api path is a JSON 404", async () => {
    for (const path of ["/api", "/api/", "/api/messages/", "/api/rooms"]) {
      const res = await get(path);
      expect({ path, status: res.status, body: await res.json() }).toEqual({
        path,
        status: 404,
        body: { error: `No API route at ${path}` },
      });
    }
  });

  test("error replies carry no stack trace outside development", async () => {
    // The test server runs with NODE_ENV=test; production behaves the same.
    const res = await get(`/trpc/room.history?input=${encodeURIComponent(JSON.stringify({ room: "a..b" }))}`);
    const body = (await res.json()) as { error: { data: Record<string, unknown> } };
    expect(res.status).toBe(400);
    expect(body.error.data.code).toBe("BAD_REQUEST");
    expect(body.error.data).not.toHaveProperty("stack");
  });

  test("/healthz says the server answers (readiness, the database included, is /readyz: ops.test.ts)", async () => {
    const res = await get("/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });
});
