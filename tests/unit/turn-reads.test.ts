/**
 * Reads shared per turn (db/turn-reads.ts): the same question asked many times
 * in one turn is one query, and no caller is ever answered by a query that
 * started before it asked. Then the two reads the connect burst shares, on a
 * real SQLite database: a room's newest seq and the access seam's answer.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { createDb, type Db } from "../../db/index.ts";
import { migrateToLatest } from "../../db/migrate.ts";
import { createTurnReads } from "../../db/turn-reads.ts";
import { createUser } from "../../server/auth/index.ts";
import { lastSeq } from "../../server/chat/log-reader.ts";
import { appendMessage } from "../../server/chat/message-store.ts";

describe("reads shared per turn", () => {
  test("the same key asked many times in one turn is read once, after the last ask; each key has its own read", async () => {
    const reads = createTurnReads<string>();
    let value = "before";
    const started: string[] = [];
    const read = (key: string) => () => {
      started.push(key);
      return Promise.resolve(`${key}:${value}`);
    };
    const asked = [reads.get("a", read("a")), reads.get("b", read("b")), reads.get("a", read("a"))];
    // Nothing read yet: a change made after these asks, still in this turn, is in their answer.
    expect(started).toEqual([]);
    value = "after";
    asked.push(reads.get("a", read("a")));
    expect(await Promise.all(asked)).toEqual(["a:after", "b:after", "a:after", "a:after"]);
    expect(started).toEqual(["a", "b"]);
    expect(reads.waiting).toBe(0);
  });

  test("a caller asking once the read has started gets a read of its own, started after it asked", async () => {
    const reads = createTurnReads<number>();
    let value = 1;
    let runs = 0;
    let late: Promise<number> | undefined;
    const read = () => {
      runs++;
      // Asked while the first read runs: it must not be given this (older) answer.
      if (runs === 1) {
        value = 2;
        late = reads.get("k", read);
        return Promise.resolve(1);
      }
      return Promise.resolve(value);
    };
    expect(await reads.get("k", read)).toBe(1);
    expect(await late!).toBe(2);
    expect(runs).toBe(2);
  });

  test("a failed read fails every caller that shared it; the next turn reads again", async () => {
    const reads = createTurnReads<number>();
    let fail = true;
    const read = () => (fail ? Promise.reject(new Error("storage out")) : Promise.resolve(7));
    const both = [reads.get("k", read), reads.get("k", read)];
    for (const answer of both) await expect(answer).rejects.toThrow("storage out");
    const throwing = reads.get("x", () => {
      throw new Error("thrown at once");
    });
    await expect(throwing).rejects.toThrow("thrown at once");
    fail = false;
    expect(await reads.get("k", read)).toBe(7);
  });
});

describe("the reads a burst of connects shares", () => {
  let db: Db;
  let queries: string[];
  beforeEach(async () => {
    queries = [];
    db = createDb("sqlite::memory:", { onQuery: (sql) => queries.push(sql) });
    await migrateToLatest(db);
  });
  afterEach(() => db.destroy());

  test("a room's newest seq, asked by many streams in one turn, is one query; an entry stored after they asked is in it", async () => {
    const ann = await createUser(db, { username: "ann", password: "ann's password" });
    await appendMessage(db, { room: "r", sender: ann, text: "one" });
    queries.length = 0;
    const asked = Array.from({ length: 50 }, () => lastSeq(db, "r"));
    const other = lastSeq(db, "s");
    // Stored after every stream asked (and subscribed), before the shared read: the streams must see it.
    const stored = appendMessage(db, { room: "r", sender: ann, text: "two" });
    const seqs = await Promise.all(asked);
    expect((await stored).message.seq).toBe(2);
    expect(new Set(seqs)).toEqual(new Set([2]));
    expect(await other).toBe(0);
    expect(queries.filter((q) => q.startsWith('select "last_seq" from "room"')).length).toBe(2);
    // A later turn reads again.
    await appendMessage(db, { room: "r", sender: ann, text: "three" });
    expect(await lastSeq(db, "r")).toBe(3);
  });
});
