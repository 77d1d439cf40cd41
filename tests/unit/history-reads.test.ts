/**
 * Where history pages are read. On a SQLite file they (and the access seam's
 * read before them) run on its read connection (db/in-process.ts): a page
 * never waits behind a write transaction in progress and never shows its rows;
 * a page read after a send's acknowledgement shows the message. `:memory:` has one connection: its reads
 * wait their turn, as before. (That history equals the fold of the log, on
 * every backend: room-log-properties.test.ts.)
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Db } from "../../db/index.ts";
import { createUser } from "../../server/auth/index.ts";
import { historyPage } from "../../server/chat/log-reader.ts";
import { createRoomLog, type RoomLog } from "../../server/chat/room-log.ts";
import type { GroupLayer } from "../../server/groups/group-layer.ts";
import { createMemoryGroupLayer } from "../../server/groups/memory.ts";
import { readAccess } from "../../server/rooms/why-revoked.ts";
import { databaseBackends, describeEach, type TestDb } from "../support/backends.ts";

/** Event-loop turns a read is given to answer while the transaction stays open. */
const TURNS = 50;
const nextTurn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

await describeEach("history reads", databaseBackends, (backend) => {
  let env: TestDb & { dispose(): Promise<void> };
  let db: Db;
  let groups: GroupLayer;
  let log: RoomLog;
  let ann: { id: number; username: string };

  beforeAll(async () => {
    env = await backend.create();
    db = env.db;
    groups = createMemoryGroupLayer();
    log = createRoomLog({ db, groups });
    ann = await createUser(db, { username: "ann", password: "password-ann" });
  });
  afterAll(async () => {
    await log.close();
    await groups.close();
    await env.dispose();
  });

  // :memory: has no second connection: a read outside the transaction waits for the commit (Kysely's mutex).
  const waitsForTheWriter = backend.name === "sqlite";

  test(`a page read while a write transaction is open ${waitsForTheWriter ? "waits for its commit" : "answers before its commit"} and never shows an uncommitted row`, async () => {
    const { message: first } = await log.send(ann, { room: "open-tx", text: "committed" });
    const order: string[] = [];
    const release = Promise.withResolvers<void>();
    const inserted = Promise.withResolvers<void>();
    const writing = db.transaction().execute(async (trx) => {
      await trx
        .insertInto("message")
        .values({
          room: "open-tx",
          seq: first.seq + 1,
          sender_id: ann.id,
          text: "uncommitted",
          created_at: first.timestamp,
        })
        .execute();
      inserted.resolve();
      await release.promise;
      order.push("commit");
    });
    await inserted.promise;
    let answered = false;
    // What room.history runs: the access seam's read, then the page.
    const reading = readAccess(db, "open-tx", ann).then(async (access) => {
      order.push("access");
      const page = await historyPage(db, { room: "open-tx", limit: 10 });
      answered = true;
      order.push("read");
      return { access, page };
    });
    for (let turn = 0; turn < TURNS && !answered; turn++) await nextTurn();
    release.resolve();
    await writing;
    const { access, page } = await reading;

    expect(order).toEqual(waitsForTheWriter ? ["commit", "access", "read"] : ["access", "read", "commit"]);
    expect(access).toMatchObject({ exists: true, visibility: "public" });
    expect(page.messages.map((m) => m.text)).toEqual(waitsForTheWriter ? ["uncommitted", "committed"] : ["committed"]);
    // Committed now: the next read shows it.
    const after = await historyPage(db, { room: "open-tx", limit: 10 });
    expect(after.messages.map((m) => m.text)).toEqual(["uncommitted", "committed"]);
  });

  test("a page read right after a send's acknowledgement shows the message, for sends committed together", async () => {
    const texts = Array.from({ length: 40 }, (_, i) => `m${i}`);
    const missing: number[] = [];
    // Sent at once: the writer commits them in shared batches, each acknowledged after its commit.
    await Promise.all(
      texts.map(async (text) => {
        const { message } = await log.send(ann, { room: "acked", text });
        const { messages } = await log.history({ room: "acked", limit: 100 });
        if (!messages.some((m) => m.seq === message.seq)) missing.push(message.seq);
      }),
    );
    expect(missing).toEqual([]);
    expect((await log.history({ room: "acked", limit: 100 })).messages).toHaveLength(texts.length);
  });
});
