/**
 * room.search does bounded work (issue 19, hole 6): a word found only in
 * private rooms used to make a guest's query walk every full-text hit with an
 * access check per row (~35 ms of blocked event loop per call on SQLite at 50k
 * messages), and PostgreSQL scanned `message` backwards by id. Now a query
 * looks through one window of SEARCH_SCAN_IDS message ids, in the rooms the
 * caller may read, through an index on both databases.
 *
 * Seeded with 2.5 windows of messages that all say "zebra" in a private room,
 * plus one public message: what a guest and a member get, page by page, and
 * the plan of the statement (EXPLAIN QUERY PLAN / EXPLAIN).
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { CompiledQuery, PostgresAdapter } from "kysely";
import { searchStatement } from "../../server/chat/search.ts";
import { SEARCH_SCAN_IDS } from "../../server/limits/defaults.ts";
import { databaseBackends, describeEach, type TestDb } from "../support/backends.ts";
import { startTestServer, type TestServer, type TestUser } from "../support/server.ts";

const SEEDED = Math.round(2.5 * SEARCH_SCAN_IDS);

await describeEach("room.search looks through a bounded window", databaseBackends, (backend) => {
  let env: TestDb & { dispose(): Promise<void> };
  let server: TestServer;
  let ann: TestUser;
  let top: number;

  beforeAll(async () => {
    env = await backend.create();
    server = await startTestServer({ SEARCH_BURST: "1000", SEARCH_BURST_PER_IP: "1000" }, { db: env.db });
    ann = await server.signUp("ann");
    await ann.client.room.create.mutate({ room: "vault", visibility: "private" });
    await ann.client.room.send.mutate({ room: "lobby", text: "a zebra in public, long ago" });
    const first = await ann.client.room.send.mutate({ room: "vault", text: "zebra 0" });
    const annId = (await env.db.selectFrom("user").select("id").where("username", "=", "ann").executeTakeFirstOrThrow())
      .id;
    // Straight into the table (the full-text index follows by itself): a send each would take minutes.
    for (let from = 1; from < SEEDED; from += 1000) {
      const rows = Array.from({ length: Math.min(1000, SEEDED - from) }, (_, i) => ({
        room: "vault",
        seq: first.seq + from + i,
        sender_id: annId,
        text: `zebra ${from + i}`,
        created_at: first.timestamp,
        client_id: null,
      }));
      await env.db.insertInto("message").values(rows).execute();
    }
    if (env.db.getExecutor().adapter instanceof PostgresAdapter)
      await env.db.executeQuery(CompiledQuery.raw("analyze"));
    top =
      Number(
        (
          await env.db
            .selectFrom("message")
            .select((eb) => eb.fn.max("id").as("max"))
            .executeTakeFirstOrThrow()
        ).max,
      ) + 1;
  });
  afterAll(async () => {
    await server.stop();
    await env.dispose();
  });

  test("a word found only in private rooms: a guest's page looks through one window of ids, comes back empty, and the cursor steps down a window at a time", async () => {
    const guest = server.guest();
    const cursors: (number | null)[] = [];
    let before: number | undefined;
    for (;;) {
      const page = await guest.client.room.search.query({ query: "zebra", before });
      // The public zebra is the oldest message: it comes on the last page, nothing private ever does.
      expect(page.results.map((r) => r.room)).toEqual(page.nextCursor === null ? ["lobby"] : []);
      cursors.push(page.nextCursor);
      if (page.nextCursor === null) break;
      before = page.nextCursor;
    }
    const windows = Math.ceil((top - 1) / SEARCH_SCAN_IDS);
    expect(cursors).toEqual([...Array.from({ length: windows - 1 }, (_, i) => top - (i + 1) * SEARCH_SCAN_IDS), null]);
  });

  test("a member finds the newest hits at once, a full page", async () => {
    const page = await ann.client.room.search.query({ query: "zebra", limit: 50 });
    expect(page.results).toHaveLength(50);
    expect(page.results[0]!.text).toBe(`zebra ${SEEDED - 1}`);
    expect(page.nextCursor).toBe(page.results[49]!.id);
  });

  test("the plan reads the full-text index or the primary key, within the window: never a full scan of message", async () => {
    const db = env.db;
    const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
    const statement = searchStatement(db, {
      terms: ["zebra"],
      userId: null,
      limit: 20,
      lo: top - SEARCH_SCAN_IDS,
      hi: top,
    }).compile();
    expect(statement.parameters).toContain(top - SEARCH_SCAN_IDS);
    const explain = postgres ? "explain " : "explain query plan ";
    const { rows } = await db.executeQuery(CompiledQuery.raw(explain + statement.sql, [...statement.parameters]));
    const plan = rows.map((r) => String((r as Record<string, unknown>)[postgres ? "QUERY PLAN" : "detail"])).join("\n");
    console.info(`search plan [${backend.name}]:\n${plan}`);
    if (postgres) {
      expect(plan).not.toMatch(/Seq Scan on message\b/);
      // The id window bounds whichever index is read: a range on the primary key, or the GIN index with the range.
      expect(plan).toMatch(/Index Scan.* using message_pkey on message|Bitmap Index Scan on message_pkey/);
      expect(plan).toContain(`Index Cond: ((id >= '${top - SEARCH_SCAN_IDS}'::bigint) AND (id < '${top}'::bigint))`);
    } else {
      expect(plan).not.toMatch(/SCAN message\b(?! USING)/);
      // FTS5 is asked for the rowids in the window only (idxStr carries the rowid bounds), and each hit is found by its key.
      expect(plan).toMatch(/SCAN message_fts VIRTUAL TABLE INDEX \d+:M\d*[<>=]/);
      expect(plan).toMatch(/SEARCH message USING INTEGER PRIMARY KEY/);
    }
  });
});
