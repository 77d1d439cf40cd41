/**
 * A graceful shutdown on the WebSocket (SECURITY.md, promise 11), as tRPC's own
 * handler and client do it: the reconnect notice leaves the socket open and
 * serving; every query and mutation in flight is answered before it closes;
 * HTTP requests in flight drain as before.
 *
 * The slow mutation is a real one: `auth.register` hashes its password with
 * Argon2id, and with HASH_CONCURRENCY=1 a burst of sign-ups queues for the one
 * hash slot, so most of them are still running when SIGTERM arrives.
 */

import { Database } from "bun:sqlite";
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type AppRouter, createParlorSocket } from "@parlor/client";
import { createTRPCClient, httpBatchLink, wsLink } from "@trpc/client";
import { describeWithServices, REDIS_URL, redisService, uniqueRedisPrefix } from "../support/backends.ts";
import { startParlorProcess } from "../support/parlor-process.ts";
import { waitFor } from "../support/wait.ts";

const dir = mkdtempSync(join(tmpdir(), "parlor-drain-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Sign-ups queue for a single hash slot, and one address may make as many as the tests need.
 * The drain deadline is far off: a loaded machine hashes slowly, and what is tested is that
 * every call in flight is answered, not how fast.
 */
const slowSignUps = {
  HASH_CONCURRENCY: "1",
  REGISTER_BURST_PER_IP: "1000",
  REGISTER_PER_HOUR_PER_IP: "100000",
  SHUTDOWN_TIMEOUT_MS: "120000",
};

/** One process on its own SQLite file (`database`, a path in `dir`). */
const start = (database: string) => startParlorProcess({ database: `sqlite:${database}`, env: slowSignUps });

/** Every call over one WebSocket, through tRPC's own client: what a wsLink-only app does. */
function socketClient(url: string) {
  const socket = createParlorSocket({ url, keepOpen: true });
  return { socket, client: createTRPCClient<AppRouter>({ links: [wsLink({ client: socket })] }) };
}

const usernamesIn = (database: string) => {
  const db = new Database(database, { readonly: true });
  try {
    return db
      .query<{ username: string }, []>("select username from user")
      .all()
      .map((row) => row.username);
  } finally {
    db.close();
  }
};

test("SIGTERM with sign-ups in flight on three WebSockets: tRPC's client gets every answer (no error), each account is in the database, the process exits 0", async () => {
  const database = join(dir, "ws.db");
  await using server = await start(database);
  // Three clients × 8 sign-ups (MAX_CALLS_IN_FLIGHT): 24 Argon2id hashes one after another, well past the reconnect grace.
  const clients = Array.from({ length: 3 }, () => socketClient(server.url));
  const settled: PromiseSettledResult<{ token: string }>[] = [];
  const calls = clients.flatMap(({ client }, c) =>
    Array.from({ length: 8 }, (_, i) => {
      const call = client.auth.register.mutate({ username: `drain${c}_${i}`, password: "correct horse battery" });
      call.then(
        (value) => settled.push({ status: "fulfilled", value }),
        (reason: unknown) => settled.push({ status: "rejected", reason }),
      );
      return call;
    }),
  );
  await waitFor(() => settled.length > 0, "the first sign-up's answer", 15_000);

  const exited = server.stop();
  // The rest were in flight when the signal arrived: what this test is about.
  expect(settled.length).toBeLessThan(calls.length);
  const outcomes = await Promise.allSettled(calls);
  expect(await exited).toBe(0);

  const failures = outcomes.flatMap((o) => (o.status === "rejected" ? [String(o.reason)] : []));
  expect(failures).toEqual([]);
  expect(outcomes.every((o) => o.status === "fulfilled" && o.value.token.length > 0)).toBe(true);
  const expected = clients.flatMap((_, c) => Array.from({ length: 8 }, (_, i) => `drain${c}_${i}`));
  expect(usernamesIn(database).sort()).toEqual(expected.sort());
  await Promise.all(clients.map(({ socket }) => socket.close()));
}, 60_000);

test("SIGTERM with sign-ups in flight over HTTP: each is answered, as before", async () => {
  const database = join(dir, "http.db");
  await using server = await start(database);
  const client = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${server.url}/trpc`, maxItems: 1 })] });
  let answered = 0;
  const calls = Array.from({ length: 8 }, (_, i) =>
    client.auth.register.mutate({ username: `http${i}`, password: "correct horse battery" }).then((value) => {
      answered++;
      return value;
    }),
  );
  await waitFor(() => answered > 0, "the first sign-up's answer", 15_000);
  const exited = server.stop();
  expect(answered).toBeLessThan(calls.length);
  const outcomes = await Promise.allSettled(calls);
  expect(await exited).toBe(0);
  expect(outcomes.flatMap((o) => (o.status === "rejected" ? [String(o.reason)] : []))).toEqual([]);
  expect(usernamesIn(database).sort()).toEqual(Array.from({ length: 8 }, (_, i) => `http${i}`).sort());
}, 60_000);

await describeWithServices("two processes on one port", [redisService], () => {
  test("SIGTERM with a second process on the port: tRPC's client moves to it on the notice; no call fails, none is refused, and the old socket is closed by the client, not cut with 1012", async () => {
    // Two processes sharing one port (as WORKERS does), one SQLite file and one Redis: the client's new socket reaches the other.
    const shared = {
      database: `sqlite:${join(dir, "pair.db")}`,
      redis: { url: REDIS_URL, prefix: uniqueRedisPrefix() },
    };
    const env = { WORKERS: "2", ...slowSignUps };
    await using first = await startParlorProcess({ ...shared, env: { ...env, PARLOR_WORKER: "a" } });
    const closeCodes: number[] = [];
    const socket = createParlorSocket({
      url: first.url,
      keepOpen: true,
      onClose: (cause) => closeCodes.push(cause?.code ?? 0),
    });
    const client = createTRPCClient<AppRouter>({ links: [wsLink({ client: socket })] });
    // The socket is on the first process: the second is not listening yet.
    await client.auth.me.query();
    await using second = await startParlorProcess({ ...shared, port: first.port, env: { ...env, PARLOR_WORKER: "b" } });

    const usernames: string[] = [];
    const failures: string[] = [];
    let stop = false;
    // Sign-ups one after another across the SIGTERM, each a fresh name; each must be answered.
    const signUps = (async () => {
      for (let i = 0; !stop; i++) {
        const username = `moved${i}`;
        try {
          await client.auth.register.mutate({ username, password: "correct horse battery" });
          usernames.push(username);
        } catch (error) {
          failures.push(String(error));
        }
      }
    })();
    await waitFor(() => usernames.length >= 2, "sign-ups on the first process", 15_000);
    expect(await first.stop()).toBe(0);
    const atExit = usernames.length;
    await waitFor(
      () => usernames.length >= atExit + 2 || failures.length > 0,
      "sign-ups on the second process",
      15_000,
    );
    stop = true;
    await signUps;

    expect(failures).toEqual([]);
    expect(closeCodes).not.toContain(1012);
    const stored = usernamesIn(join(dir, "pair.db"));
    for (const username of usernames) expect(stored).toContain(username);
    await socket.close();
    expect(await second.stop()).toBe(0);
  }, 60_000);
});
