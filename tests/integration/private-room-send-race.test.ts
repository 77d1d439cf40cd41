/**
 * A stranger's message never lands in a just-created private room, on SQLite and
 * PostgreSQL. Input: 100 unused names; for each, the owner's
 * `room.create({ visibility: "private" })` and a stranger's `room.send` to the
 * name, at once. What must come back: wherever the create won, the stranger's
 * send failed with NOT_FOUND (the seam's answer for a private room one cannot
 * see) and the room holds no message of theirs; wherever the send won, the room
 * is public and the create is CONFLICT. (Regression: the send's access check
 * saw the name unused, the create committed, and the store added the message
 * anyway — 11 of 100 fresh private rooms held a stranger's message.)
 */
import { afterEach, beforeEach, expect, test } from "bun:test";
import { databaseBackends, describeEach, type TestDb } from "../support/backends.ts";
import { outcome } from "../support/outcome.ts";
import { startTestServer, type TestServer, type TestUser, uniqueName } from "../support/server.ts";

const PAIRS = 100;

await describeEach("a send racing room.create(private)", databaseBackends, (backend) => {
  let env: TestDb & { dispose(): Promise<void> };
  let server: TestServer;
  let owner: TestUser;
  let strangers: TestUser[];
  beforeEach(async () => {
    env = await backend.create();
    server = await startTestServer(
      { SEND_BURST: "1000", PRIVATE_ROOMS_PER_DAY: "1000", ROOM_CREATE_BURST: "1000", ROOM_CREATE_PER_HOUR: "100000" },
      { db: env.db },
    );
    owner = await server.signUp();
    strangers = await Promise.all(Array.from({ length: 10 }, () => server.signUp()));
  });
  afterEach(async () => {
    await server.stop();
    await env.dispose();
  });

  /** One race on a fresh name: what each call came to, and the senders of what the room holds. */
  async function race(stranger: TestUser) {
    const room = uniqueName("race");
    // The send first: its access check sees the name unused, then the create commits before its store.
    const [sent, created] = await Promise.all([
      outcome(stranger.client.room.send.mutate({ room, text: "let me in" })),
      outcome(owner.client.room.create.mutate({ room, visibility: "private" })),
    ]);
    const held = (await owner.client.room.history.query({ room, limit: 10 })).messages.map((m) => m.sender);
    return { created, sent, held };
  }

  /** Every race came out one way or the other, never both; and the create did win some. */
  function expectExclusive(results: Awaited<ReturnType<typeof race>>[], stranger: (i: number) => TestUser) {
    const wrong = results.filter((r, i) =>
      r.created === "OK"
        ? r.sent !== "NOT_FOUND" || r.held.includes(stranger(i).username)
        : r.created !== "CONFLICT" || r.sent !== "OK",
    );
    expect(wrong).toEqual([]);
    expect(results.some((r) => r.created === "OK")).toBe(true);
  }

  test(`${PAIRS} races one after another (each send stored alone): no private room holds the stranger's message, and the stranger is told NOT_FOUND`, async () => {
    const results = [];
    for (let i = 0; i < PAIRS; i++) results.push(await race(strangers[i % strangers.length]!));
    expectExclusive(results, (i) => strangers[i % strangers.length]!);
  }, 120_000);

  test(`${PAIRS} races at once (sends share group commits): no private room holds a stranger's message, and each stranger is told NOT_FOUND`, async () => {
    const results = await Promise.all(Array.from({ length: PAIRS }, (_, i) => race(strangers[i % strangers.length]!)));
    expectExclusive(results, (i) => strangers[i % strangers.length]!);
  }, 120_000);
});
