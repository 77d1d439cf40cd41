/**
 * Nothing internal reaches a client: when the server fails (here: its database
 * is closed under it), every transport answers "Internal error (id …)" — no
 * SQL, no stack, no path — and the server logs the real error under that id.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { createLogger } from "../../server/ops/log.ts";
import { failure } from "../support/outcome.ts";
import { startTestServer, type TestServer } from "../support/server.ts";
import { subscribeRoom } from "../support/subscriber.ts";
import { waitFor } from "../support/wait.ts";

const GENERIC = /^Internal error \(id ([0-9a-f]{12})\)$/;

describe("internal errors", () => {
  let server: TestServer;
  /** What the server logged at warn level and above (JSON lines). */
  let logged: string[];

  beforeEach(async () => {
    logged = [];
    const log = await createLogger({
      level: "warn",
      pretty: false,
      destination: { write: (line: string) => void logged.push(line) },
    });
    server = await startTestServer({}, { log });
  });
  afterEach(async () => {
    await server.stop().catch(() => {});
  });

  /** The line the server logged for `id`: it must hold the real error, which the client never saw. */
  const logLineFor = (id: string) => logged.find((line) => (JSON.parse(line) as { errorId?: string }).errorId === id);

  test("over HTTP: a query on a closed database answers the generic message with an id, and the log has the real error under it", async () => {
    const { client } = server.guest();
    await server.app.services.db.destroy();
    const { code, message } = await failure(client.room.history.query({ room: "lobby" }));
    expect(code).toBe("INTERNAL_SERVER_ERROR");
    const id = message.match(GENERIC)?.[1];
    expect(id).toBeDefined();
    const line = logLineFor(id!);
    expect(line).toBeDefined();
    expect(line).toContain("room.history");
    // The log holds what the client was not told: the database's own words.
    expect(line!.toLowerCase()).toContain("destroyed");
  });

  test("over HTTP the error body carries no stack and no detail", async () => {
    await server.app.services.db.destroy();
    const res = await fetch(
      `${server.url}/trpc/room.history?input=${encodeURIComponent(JSON.stringify({ room: "lobby" }))}`,
    );
    expect(res.status).toBe(500);
    const body = await res.text();
    expect(body).toMatch(/Internal error \(id [0-9a-f]{12}\)/);
    expect(body).not.toMatch(/stack|destroyed|\.ts|select|sqlite/i);
  });

  test("over WebSocket: a subscription that fails inside answers the generic message with an id, logged with the real error", async () => {
    const { client } = server.guest();
    // The socket is open (and signed in as a guest) before the database goes.
    const first = subscribeRoom(client, { room: "warmup" });
    await first.started;
    await server.app.services.db.destroy();
    const sub = subscribeRoom(client, { room: "lobby", lastEventId: "0" });
    await waitFor(() => sub.errors.length > 0, "the subscription's error");
    const error = sub.errors[0]!;
    expect(error.data?.code).toBe("INTERNAL_SERVER_ERROR");
    const id = error.message.match(GENERIC)?.[1];
    expect(id).toBeDefined();
    expect(JSON.stringify(error.data)).not.toMatch(/stack|destroyed|\.ts/i);
    expect(logLineFor(id!)).toBeDefined();
    first.unsubscribe();
  });

  // (/healthz is liveness only and /readyz names what is missing: tests/integration/ops.test.ts.)
  test("REST: /api/messages/<room>/ on a closed database answers a generic JSON error with an id", async () => {
    await server.app.services.db.destroy();
    for (const path of ["/api/messages/lobby/"]) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status).toBe(500);
      const body = (await res.json()) as { error: string };
      const id = body.error.match(GENERIC)?.[1];
      expect(id).toBeDefined();
      expect(JSON.stringify(body)).not.toMatch(/stack|destroyed|\.ts/i);
      expect(logLineFor(id!)).toBeDefined();
    }
  });

  test("REST: a database error that carries its own code (SQLite's SQLITE_ERROR: the message table dropped under the server) answers the generic message, not the SQL (regression: errors with a `code` skipped the handler)", async () => {
    await sql`drop table message`.execute(server.app.services.db);
    const res = await fetch(`${server.url}/api/messages/lobby/`);
    expect(res.status).toBe(500);
    const body = await res.text();
    const id = (JSON.parse(body) as { error: string }).error.match(GENERIC)?.[1];
    expect(id).toBeDefined();
    expect(body).not.toMatch(/no such table|message|sqlite/i);
    expect(logLineFor(id!)).toContain("no such table");
  });

  test("client mistakes keep their own clear message (not the generic one), and are not logged", async () => {
    const { client } = server.guest();
    const { code, message } = await failure(client.room.history.query({ room: "a/b" }));
    expect(code).toBe("BAD_REQUEST");
    expect(message).toContain("room");
    expect(logged).toEqual([]);
  });
});

/**
 * Paths no file can have — a NUL byte (decoded or not), a segment longer than a
 * file name may be (ENAMETOOLONG), a file used as a directory — once made stat
 * throw, and its message with the build's absolute path went to the client as a
 * 500. Each must be a plain 404, by GET and HEAD, with or without a build.
 */
describe("paths no file can have", () => {
  const long = "a".repeat(300);
  const paths = [
    "/%00",
    "/a%00b",
    "/assets/%00",
    "/assets/x%00.js",
    `/${long}`,
    `/assets/${long}`,
    "/healthz%00",
    "/%2e%2e/%00",
    "/index.html/x",
    "/%ff",
  ];
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "parlor-paths-"));
    mkdirSync(join(root, "client", "assets"), { recursive: true });
    writeFileSync(join(root, "client", "index.html"), "<!doctype html><title>app</title>");
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  for (const build of [true, false]) {
    test(`${build ? "with" : "without"} a built app: each is 404 by GET and HEAD, its body names no path, and nothing is logged as a failure`, async () => {
      const logged: string[] = [];
      const log = await createLogger({
        level: "warn",
        pretty: false,
        destination: { write: (line: string) => void logged.push(line) },
      });
      const clientDir = join(root, build ? "client" : "no-build");
      await using server = await startTestServer({}, { log, clientDir });
      for (const method of ["GET", "HEAD"]) {
        for (const path of paths) {
          const res = await fetch(`${server.url}${path}`, { method });
          const body = await res.text();
          expect({ method, path, status: res.status }).toEqual({ method, path, status: 404 });
          expect(body).not.toContain(root);
          expect(body).not.toMatch(/ENAMETOOLONG|argument|null bytes|stat/i);
        }
      }
      // A build's own files are still served (the fix refuses nothing real).
      if (build) expect((await fetch(`${server.url}/index.html`)).status).toBe(200);
      expect(logged).toEqual([]);
    });
  }
});
