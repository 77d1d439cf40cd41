/** The message store's contract, run against every database in tests/support/backends.ts. */
import { afterEach, beforeEach, expect, test } from "bun:test";
import type { Db } from "../../db/index.ts";
import { createUser } from "../../server/auth/index.ts";
import { activeRooms, entriesBetween, entriesOfRanges, historyPage, lastSeq } from "../../server/chat/log-reader.ts";
import { appendMessage } from "../../server/chat/message-store.ts";
import { createMessageWriter } from "../../server/chat/message-writer.ts";
import { ClientIdReusedError, UsernameTakenError } from "../../server/errors/domain-errors.ts";

/** The messages of a room's log, oldest first (its entries are all messages here). */
const messagesAfter = async (db: Db, q: { room: string; after: number; upTo?: number; limit: number }) =>
  (
    await entriesBetween(db, {
      room: q.room,
      after: q.after,
      upTo: Math.min(q.upTo ?? Number.MAX_SAFE_INTEGER, q.after + q.limit),
    })
  ).flatMap((e) => (e.kind === "message" ? [e.message] : []));

import { databaseBackends, describeEach, type TestDb } from "../support/backends.ts";

await describeEach("message storage", databaseBackends, (backend) => {
  let env: TestDb & { dispose(): Promise<void> };
  let db: Db;
  let ann: { id: number; username: string };
  let ben: { id: number; username: string };
  beforeEach(async () => {
    env = await backend.create();
    db = env.db;
    ann = await createUser(db, { username: "ann", password: "password-ann" });
    ben = await createUser(db, { username: "ben", password: "password-ben" });
  });
  afterEach(() => env.dispose());

  const send = async (room: string, text: string, sender = ann) =>
    (await appendMessage(db, { room, sender, text })).message;

  test("each room numbers its messages 1, 2, 3 …; ids are global and grow", async () => {
    const a1 = await send("a", "one");
    const b1 = await send("b", "uno", ben);
    const a2 = await send("a", "two");
    expect([a1.seq, b1.seq, a2.seq]).toEqual([1, 1, 2]);
    expect(a1.id).toBeLessThan(b1.id);
    expect(b1.id).toBeLessThan(a2.id);
    expect(a2).toMatchObject({ room: "a", sender: "ann", text: "two" });
    expect(new Date(a2.timestamp).toISOString()).toBe(a2.timestamp);
    expect(await lastSeq(db, "a")).toBe(2);
    expect(await lastSeq(db, "never-used")).toBe(0);
  });

  test("concurrent sends to one room get distinct seqs with no gap", async () => {
    const sent = await Promise.all(Array.from({ length: 40 }, (_, i) => send("busy", `m${i}`, i % 2 ? ann : ben)));
    const seqs = sent.map((m) => m.seq).sort((x, y) => x - y);
    expect(seqs).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    // The stored log agrees with what each sender was told.
    const stored = await messagesAfter(db, { room: "busy", after: 0, limit: 100 });
    expect(stored.map((m) => [m.seq, m.text])).toEqual(
      sent.map((m) => [m.seq, m.text]).sort((x, y) => Number(x[0]) - Number(y[0])),
    );
  });

  test("group commit: batches of many senders number each message in the room (msg_index) and among its sender's (sender_index), across batches", async () => {
    const cy = await createUser(db, { username: "cy", password: "password-cy" });
    const writer = createMessageWriter(db, { maxBatch: 16 });
    const senders = [ann, ben, cy];
    // Three waves of 30 concurrent sends: each wave spans batches that must read what the previous ones stored.
    for (let wave = 0; wave < 3; wave++) {
      await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          appendMessage(
            db,
            { room: "many", sender: senders[(i * 7 + wave) % 3]!, text: `w${wave} m${i}` },
            writer.store,
          ),
        ),
      );
    }
    const rows = await db
      .selectFrom("message")
      .select(["seq", "sender_id", "msg_index", "sender_index"])
      .where("room", "=", "many")
      .orderBy("seq")
      .execute();
    expect(rows.map((r) => Number(r.msg_index))).toEqual(Array.from({ length: 90 }, (_, i) => i + 1));
    for (const s of senders) {
      const own = rows.filter((r) => Number(r.sender_id) === s.id).map((r) => Number(r.sender_index));
      expect(own).toEqual(Array.from({ length: own.length }, (_, i) => i + 1));
    }
  });

  test("history pages are newest first and, followed by nextCursor, cover every message once", async () => {
    for (let i = 1; i <= 23; i++) await send("paged", `m${i}`);
    await send("elsewhere", "not in paged");
    const seen: number[] = [];
    let before: number | undefined;
    let pages = 0;
    do {
      const page = await historyPage(db, { room: "paged", before, limit: 10 });
      expect(page.messages.length).toBeLessThanOrEqual(10);
      seen.push(...page.messages.map((m) => m.seq));
      before = page.nextCursor ?? undefined;
      pages++;
    } while (before !== undefined);
    expect(pages).toBe(3);
    expect(seen).toEqual(Array.from({ length: 23 }, (_, i) => 23 - i));
  });

  test("a page that ends exactly at the first message says there is no more", async () => {
    for (let i = 1; i <= 10; i++) await send("exact", `m${i}`);
    const page = await historyPage(db, { room: "exact", limit: 10 });
    expect(page.messages).toHaveLength(10);
    expect(page.nextCursor).toBeNull();
    expect(await historyPage(db, { room: "empty", limit: 10 })).toEqual({ messages: [], nextCursor: null });
  });

  test("entriesBetween returns the range after a seq, oldest first, bounded by upTo", async () => {
    for (let i = 1; i <= 8; i++) await send("log", `m${i}`);
    const seqsOf = async (q: { after: number; upTo?: number; limit: number }) =>
      (await messagesAfter(db, { room: "log", ...q })).map((m) => m.seq);
    expect(await seqsOf({ after: 5, limit: 100 })).toEqual([6, 7, 8]);
    expect(await seqsOf({ after: 2, upTo: 4, limit: 100 })).toEqual([3, 4]);
    expect(await seqsOf({ after: 0, limit: 3 })).toEqual([1, 2, 3]);
    expect(await seqsOf({ after: 8, limit: 100 })).toEqual([]);
  });

  test("entriesOfRanges answers several ranges of several rooms at once, each as entriesBetween answers it", async () => {
    for (let i = 1; i <= 6; i++) {
      await send("a", `a${i}`);
      await send("b", `b${i}`, ben);
    }
    await send("c", "c1");
    const ranges = [
      { room: "a", after: 0, upTo: 2 },
      { room: "b", after: 3, upTo: 6 },
      { room: "a", after: 4, upTo: 5 },
      { room: "c", after: 1, upTo: 1 },
      { room: "nowhere", after: 0, upTo: 3 },
      { room: "c", after: 0, upTo: 9 },
    ];
    const together = await entriesOfRanges(db, ranges);
    const apart = await Promise.all(ranges.map((r) => entriesBetween(db, r)));
    expect(together).toEqual(apart);
    expect(together.map((list) => list.map((e) => e.seq))).toEqual([[1, 2], [4, 5, 6], [5], [], [], [1]]);
    expect(together[1]!.map((e) => (e.kind === "message" ? e.message.text : ""))).toEqual(["b4", "b5", "b6"]);
  });

  test("active rooms come most recent first", async () => {
    await send("old", "x");
    await Bun.sleep(5); // a later timestamp: the order under test
    await send("new", "y");
    await send("new", "z");
    const rooms = await activeRooms(db, 10);
    expect(rooms.map((r) => [r.name, r.lastSeq, r.messages])).toEqual([
      ["new", 2, 2],
      ["old", 1, 1],
    ]);
  });

  test("a send retried with its client id stores one row and returns the same message, even when the copies race", async () => {
    const first = await appendMessage(db, { room: "idem", sender: ann, text: "once", clientId: "c-0001-aaaa" });
    const retry = await appendMessage(db, { room: "idem", sender: ann, text: "once", clientId: "c-0001-aaaa" });
    expect(first.duplicate).toBe(false);
    expect(retry).toEqual({ message: first.message, duplicate: true });
    const racing = await Promise.all(
      Array.from({ length: 5 }, () =>
        appendMessage(db, { room: "idem", sender: ann, text: "raced", clientId: "c-0002-bbbb" }),
      ),
    );
    expect(new Set(racing.map((r) => r.message.id)).size).toBe(1);
    expect(racing.filter((r) => !r.duplicate)).toHaveLength(1);
    // Another sender may use the same client id: ids are per sender.
    const bens = await appendMessage(db, { room: "idem", sender: ben, text: "once", clientId: "c-0001-aaaa" });
    expect(bens.duplicate).toBe(false);
    const stored = await messagesAfter(db, { room: "idem", after: 0, limit: 100 });
    expect(stored.map((m) => [m.seq, m.sender, m.text])).toEqual([
      [1, "ann", "once"],
      [2, "ann", "raced"],
      [3, "ben", "once"],
    ]);
  });

  test("a client id reused for a different message is refused", async () => {
    await appendMessage(db, { room: "idem", sender: ann, text: "first", clientId: "c-0003-cccc" });
    await expect(
      appendMessage(db, { room: "idem", sender: ann, text: "other", clientId: "c-0003-cccc" }),
    ).rejects.toBeInstanceOf(ClientIdReusedError);
    await expect(
      appendMessage(db, { room: "elsewhere", sender: ann, text: "first", clientId: "c-0003-cccc" }),
    ).rejects.toBeInstanceOf(ClientIdReusedError);
    expect(await lastSeq(db, "elsewhere")).toBe(0);
  });

  test("usernames are unique regardless of case", async () => {
    await expect(createUser(db, { username: "ANN", password: "password-ANN" })).rejects.toBeInstanceOf(
      UsernameTakenError,
    );
  });
});
