/**
 * Reads shared by callers asking at once (db/shared-reads.ts): the first caller's
 * read starts at once, those asking while it runs share one more, and no caller is
 * ever answered by a read that started before it asked. Then the read a burst of
 * connects shares most, on a real SQLite database: a room's newest seq.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { createDb, type Db } from "../../db/index.ts";
import { migrateToLatest } from "../../db/migrate.ts";
import { createSharedReads } from "../../db/shared-reads.ts";
import { createUser } from "../../server/auth/index.ts";
import { lastSeq } from "../../server/chat/log-reader.ts";
import { appendMessage } from "../../server/chat/message-store.ts";

/** A read whose answers the test releases by hand, recording when each started and what it saw. */
function slowReads() {
  const started: { saw: number; finish: () => void }[] = [];
  let value = 0;
  return {
    started,
    set: (v: number) => (value = v),
    read: () => {
      const saw = value;
      const { promise, resolve } = Promise.withResolvers<number>();
      started.push({ saw, finish: () => resolve(saw) });
      return promise;
    },
  };
}

describe("reads shared by callers asking at once", () => {
  test("the first caller reads at once; callers asking while it runs share one read, started after it answered and after they asked", async () => {
    const reads = createSharedReads<number>();
    const db = slowReads();
    db.set(1);
    const first = reads.get("k", db.read);
    expect(db.started.length).toBe(1);
    // Committed after the first read started: the callers asking from now on must see it.
    db.set(2);
    const later = Array.from({ length: 20 }, () => reads.get("k", db.read));
    expect(db.started.length).toBe(1);
    db.started[0]!.finish();
    expect(await first).toBe(1);
    await Bun.sleep(0);
    expect(db.started.length).toBe(2);
    db.started[1]!.finish();
    expect(new Set(await Promise.all(later))).toEqual(new Set([2]));
    expect(reads.inFlight).toBe(0);
  });

  test("other keys read on their own; a key with nothing in flight reads at once again", async () => {
    const reads = createSharedReads<string>();
    const runs: string[] = [];
    const read = (key: string) => () => {
      runs.push(key);
      return Promise.resolve(key);
    };
    expect(await Promise.all([reads.get("a", read("a")), reads.get("b", read("b"))])).toEqual(["a", "b"]);
    expect(await reads.get("a", read("a"))).toBe("a");
    expect(runs).toEqual(["a", "b", "a"]);
  });

  test("a failed read fails its callers only; those waiting for the next read get theirs", async () => {
    const reads = createSharedReads<number>();
    let fail = true;
    const read = () => (fail ? Promise.reject(new Error("storage out")) : Promise.resolve(7));
    const first = reads.get("k", read);
    const waiting = reads.get("k", read);
    fail = false;
    await expect(first).rejects.toThrow("storage out");
    expect(await waiting).toBe(7);
    const thrown = reads.get("x", () => {
      throw new Error("thrown at once");
    });
    await expect(thrown).rejects.toThrow("thrown at once");
    expect(reads.inFlight).toBe(0);
  });
});

describe("a room's newest seq, shared by a burst of streams", () => {
  let db: Db;
  let queries: string[];
  beforeEach(async () => {
    queries = [];
    db = createDb("sqlite::memory:", { onQuery: (sql) => queries.push(sql) });
    await migrateToLatest(db);
  });
  afterEach(() => db.destroy());

  test("50 streams of one room asking at once make two queries, not 50; a later question reads again", async () => {
    const ann = await createUser(db, { username: "ann", password: "ann's password" });
    await appendMessage(db, { room: "r", sender: ann, text: "one" });
    queries.length = 0;
    const asked = Array.from({ length: 50 }, () => lastSeq(db, "r"));
    expect(new Set(await Promise.all(asked))).toEqual(new Set([1]));
    const newestReads = () => queries.filter((q) => q.startsWith('select "last_seq" from "room"')).length;
    expect(newestReads()).toBe(2);
    const stored = await appendMessage(db, { room: "r", sender: ann, text: "two" });
    expect(await lastSeq(db, "r")).toBe(stored.message.seq);
    expect(newestReads()).toBe(3);
    expect(await lastSeq(db, "s")).toBe(0);
  });
});
